package dev.sigstack.ca.identity;

import java.util.Objects;

import dev.sigstack.core.x509.FulcioExtensions;
import dev.sigstack.core.x509.SubjectAltName;

/**
 * Who a verified token names, as the certificate will say it.
 *
 * @param name       the value the proof of possession signs (Fulcio's {@code Principal.Name})
 * @param san        the certificate's subject alternative name
 * @param extensions the certificate's Fulcio extensions
 */
public record Principal(String name, SubjectAltName san, FulcioExtensions extensions) {
    public Principal {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("principal name must not be empty");
        }
        Objects.requireNonNull(san, "san");
        Objects.requireNonNull(extensions, "extensions");
    }
}
