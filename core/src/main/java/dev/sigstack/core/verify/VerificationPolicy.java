package dev.sigstack.core.verify;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.security.PublicKey;
import java.util.Objects;

/** Who must have signed: a Fulcio identity (keyless) or a managed public key. */
public sealed interface VerificationPolicy {

    /** A certificate whose SAN and OIDC issuer match. */
    static VerificationPolicy identity(String san, String issuer) {
        return new Identity(Matcher.exact(san), Matcher.exact(issuer));
    }

    /** A signature by this key, whose bundle carries a public key hint instead of a certificate. */
    static VerificationPolicy key(PublicKey key) {
        return new Key(key);
    }

    /**
     * The keyless policy.
     *
     * @param san    matches the certificate's single subject alternative name (e-mail, URI or username)
     * @param issuer matches the OIDC issuer in extension {@code 1.3.6.1.4.1.57264.1.8} (or legacy {@code .1})
     */
    record Identity(Matcher san, Matcher issuer) implements VerificationPolicy {
        public Identity {
            Objects.requireNonNull(san, "san");
            Objects.requireNonNull(issuer, "issuer");
        }
    }

    /** The managed-key policy. */
    record Key(PublicKey key) implements VerificationPolicy {
        public Key {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            return "Key[" + key.getAlgorithm() + "]";
        }
    }

    /**
     * An exact string, or a regular expression as cosign's {@code --certificate-identity-regexp} and
     * {@code --certificate-oidc-issuer-regexp} and policy-controller's {@code subjectRegExp} / {@code issuerRegExp}
     * take it: Go's RE2 syntax and semantics (RE2/J: linear time, {@code $} only at the end of the input, no
     * backreferences or lookaround), matching anywhere in the value as Go's {@code regexp.MatchString} does. Anchor
     * with {@code ^...$} to match the whole value.
     */
    sealed interface Matcher {
        boolean matches(String value);

        static Matcher exact(String value) {
            return new Exact(value);
        }

        static Matcher regexp(String regexp) {
            return new Regexp(regexp);
        }

        record Exact(String value) implements Matcher {
            public Exact {
                if (value == null || value.isEmpty()) {
                    throw new IllegalArgumentException("an expected identity or issuer must not be empty");
                }
            }

            @Override
            public boolean matches(String v) {
                return value.equals(v);
            }

            @Override
            public String toString() {
                return value;
            }
        }

        record Regexp(String regexp) implements Matcher {
            public Regexp {
                if (regexp == null || regexp.isEmpty()) {
                    throw new IllegalArgumentException("an identity or issuer regexp must not be empty");
                }
                try {
                    Pattern.compile(regexp);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("invalid regexp " + regexp + ": " + e.getMessage(), e);
                }
            }

            @Override
            public boolean matches(String v) {
                return v != null && Pattern.compile(regexp).matcher(v).find();
            }

            @Override
            public String toString() {
                return "regexp " + regexp;
            }
        }
    }
}
