package dev.sigstack.ca.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import dev.sigstack.core.pem.Pem;

/**
 * A real OIDC issuer over HTTPS for tests: a self-signed TLS certificate for 127.0.0.1 (its PEM goes in the
 * identity config's {@code CACert}), discovery, JWKS, and tokens signed with an RSA or EC key. Keys can be rotated
 * to exercise refresh on an unknown key id. Counts JWKS fetches.
 */
public final class TestOidcIssuer implements AutoCloseable {
    private final HttpsServer server;
    private final String url;
    private final String caPem;
    private final List<JWK> keys = new CopyOnWriteArrayList<>();
    private volatile JWK signing;
    private volatile String advertisedIssuer;
    private final AtomicInteger jwksFetches = new AtomicInteger();

    public TestOidcIssuer(String path) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair tlsKey = g.generateKeyPair();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=test-issuer"), BigInteger.valueOf(System.nanoTime()),
            Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)), new X500Name("CN=test-issuer"), tlsKey.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(tlsKey.getPrivate())));
        caPem = Pem.certificate(cert);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("tls", tlsKey.getPrivate(), "pw".toCharArray(), new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        url = "https://127.0.0.1:" + server.getAddress().getPort() + path;
        advertisedIssuer = url;
        server.createContext(path + "/.well-known/openid-configuration", ex -> respond(ex,
            "{\"issuer\":\"" + advertisedIssuer + "\",\"jwks_uri\":\"" + url + "/keys\"}"));
        server.createContext(path + "/keys", ex -> {
            jwksFetches.incrementAndGet();
            respond(ex, new JWKSet(keys.stream().map(JWK::toPublicJWK).toList()).toString(true));
        });
        server.start();
        rotateRsa();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    public String url() {
        return url;
    }

    /** PEM of the TLS certificate, for {@code CACert}. */
    public String caPem() {
        return caPem;
    }

    public int jwksFetches() {
        return jwksFetches.get();
    }

    /** The issuer value discovery advertises (to test a mismatch). */
    public void advertiseIssuer(String issuer) {
        advertisedIssuer = issuer;
    }

    /** Adds a new RSA-2048 signing key (older keys stay published). */
    public RSAKey rotateRsa() throws JOSEException {
        RSAKey k = new RSAKeyGenerator(2048).keyID("rsa-" + keys.size()).generate();
        keys.add(k);
        signing = k;
        return k;
    }

    /** Adds a new EC P-256 signing key. */
    public ECKey rotateEc() throws JOSEException {
        ECKey k = new ECKeyGenerator(Curve.P_256).keyID("ec-" + keys.size()).generate();
        keys.add(k);
        signing = k;
        return k;
    }

    /** Uses a key for signing without publishing it (an unknown kid). */
    public JWK unpublishedKey() throws JOSEException {
        JWK k = new RSAKeyGenerator(2048).keyID("hidden").generate();
        signing = k;
        return k;
    }

    public JWK signingKey() {
        return signing;
    }

    /** Standard claims: iss, sub, aud, iat, nbf, exp (+10 minutes). */
    public JWTClaimsSet.Builder claims(String sub, String aud) {
        Date now = new Date();
        return new JWTClaimsSet.Builder().issuer(url).subject(sub).audience(aud).issueTime(now).notBeforeTime(now)
            .expirationTime(new Date(now.getTime() + 600_000));
    }

    public String sign(JWTClaimsSet claims) throws JOSEException {
        return sign(claims, signing);
    }

    public static String sign(JWTClaimsSet claims, JWK key) throws JOSEException {
        SignedJWT jwt;
        if (key instanceof RSAKey rsa) {
            jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(rsa));
        } else {
            ECKey ec = (ECKey) key;
            jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(ec));
        }
        return jwt.serialize();
    }

    /** An email token with email_verified true. */
    public String emailToken(String email) throws JOSEException {
        return sign(claims("subject-" + email, "sigstore").claim("email", email).claim("email_verified", true).build());
    }

    /** Identity config YAML for this issuer as one OIDCIssuers entry of {@code type} with extra YAML lines. */
    public String configYaml(String type, Map<String, String> extra) {
        StringBuilder sb = new StringBuilder("oidc-issuers:\n  " + url + ":\n    issuer-url: " + url + "\n    client-id: sigstore\n    type: " + type + "\n");
        extra.forEach((k, v) -> sb.append("    ").append(k).append(": ").append(v).append('\n'));
        sb.append("    ca-cert: |\n");
        for (String line : caPem.split("\n")) {
            sb.append("      ").append(line).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
