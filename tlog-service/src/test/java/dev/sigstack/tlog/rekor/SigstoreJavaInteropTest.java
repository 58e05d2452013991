package dev.sigstack.tlog.rekor;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sigstack.core.rekor.SignedEntryTimestamp;
import dev.sigstack.core.rekor.TestKeys;
import dev.sigstore.proto.common.v1.HashAlgorithm;
import dev.sigstore.proto.common.v1.LogId;
import dev.sigstore.proto.common.v1.PublicKey;
import dev.sigstore.proto.common.v1.PublicKeyDetails;
import dev.sigstore.proto.common.v1.TimeRange;
import dev.sigstore.proto.common.v1.X509Certificate;
import dev.sigstore.proto.rekor.v2.HashedRekordRequestV002;
import dev.sigstore.proto.rekor.v2.Signature;
import dev.sigstore.proto.rekor.v2.Verifier;
import dev.sigstore.proto.trustroot.v1.TransparencyLogInstance;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import dev.sigstore.rekor.client.HashedRekordRequest;
import dev.sigstore.rekor.client.RekorClientHttp;
import dev.sigstore.rekor.client.RekorVerifier;
import dev.sigstore.rekor.v2.client.RekorV2ClientHttp;
import dev.sigstore.trustroot.Service;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * sigstore-java, unchanged, against both Rekor APIs wired by {@link RekorApis} with one ECDSA key: it submits a
 * hashedrekord and verifies the answer with its own {@code RekorVerifier} (SET, inclusion proof, checkpoint signer
 * name = the URL's host, key hint = log ID[0:4]). With an ECDSA key both logs have the same log ID.
 */
@ServerTest
final class SigstoreJavaInteropTest {
    static final String HOST = "localhost";
    static final long TREE_ID = 4242L;
    /** One ECDSA P-256 key for both logs, as the service is deployed. */
    static final KeyPair KEY = TestKeys.p256();
    static final TestLogs.SaturableLog V1 = TestLogs.v1(HOST, TREE_ID, KEY);
    static final TestLogs.SaturableLog V2 = TestLogs.v2(HOST, KEY);

    private final URI uri;

    SigstoreJavaInteropTest(WebServer server) {
        this.uri = URI.create("http://" + HOST + ":" + server.port());
    }

    @AfterAll
    static void closeLogs() {
        V1.close();
        V2.close();
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        RekorLimits limits = new RekorLimits(1 << 20, 100, Duration.ofSeconds(10));
        RekorApis.register(routing, V1, V2, KEY, TREE_ID, limits);
    }

    private TrustedRoot trustedRoot() {
        return TrustedRoot.newBuilder()
                .setMediaType("application/vnd.dev.sigstore.trustedroot+json;version=0.1")
                .addTlogs(log(KEY, SignedEntryTimestamp.logId(KEY.getPublic()), PublicKeyDetails.PKIX_ECDSA_P256_SHA_256))
                .build();
    }

    private TransparencyLogInstance log(KeyPair key, byte[] logId, PublicKeyDetails details) {
        return TransparencyLogInstance.newBuilder()
                .setBaseUrl(uri.toString())
                .setHashAlgorithm(HashAlgorithm.SHA2_256)
                .setLogId(LogId.newBuilder().setKeyId(ByteString.copyFrom(logId)))
                .setPublicKey(PublicKey.newBuilder()
                        .setRawBytes(ByteString.copyFrom(key.getPublic().getEncoded()))
                        .setKeyDetails(details)
                        .setValidFor(TimeRange.newBuilder().setStart(com.google.protobuf.Timestamp.newBuilder().setSeconds(1))))
                .build();
    }

    @Test
    void putEntry_v1_sigstoreJavaVerifiesAnswer() throws Exception {
        KeyPair kp = TestKeys.p256();
        byte[] artifact = ("interop v1 " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        var request = HashedRekordRequest.newHashedRekordRequest(TestKeys.sha256(artifact),
                TestKeys.pem(TestKeys.certificate(kp, "dev@example.com")), TestKeys.sign(kp, artifact));
        var client = RekorClientHttp.builder().setService(Service.of(uri, 1)).build();
        var response = client.putEntry(request);
        assertTrue(response.getEntryLocation().toString().endsWith(response.getUuid()), response.getEntryLocation().toString());
        var verifier = RekorVerifier.newRekorVerifier(SigstoreTrustedRoot.from(trustedRoot()));
        assertDoesNotThrow(() -> verifier.verifyEntry(response.getEntry()));
        var fetched = client.getEntry(response.getUuid()).orElseThrow();
        assertEquals(response.getEntry().getLogIndex(), fetched.getLogIndex());
        assertDoesNotThrow(() -> verifier.verifyEntry(fetched));
    }

    @Test
    void putEntry_v2_sigstoreJavaVerifiesAnswer() throws Exception {
        KeyPair kp = TestKeys.p256();
        byte[] artifact = ("interop v2 " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        var cert = TestKeys.certificate(kp, "dev@example.com");
        HashedRekordRequestV002 request = HashedRekordRequestV002.newBuilder()
                .setDigest(ByteString.copyFrom(TestKeys.sha256(artifact)))
                .setSignature(Signature.newBuilder()
                        .setContent(ByteString.copyFrom(TestKeys.sign(kp, artifact)))
                        .setVerifier(Verifier.newBuilder()
                                .setKeyDetails(PublicKeyDetails.PKIX_ECDSA_P256_SHA_256)
                                .setX509Certificate(X509Certificate.newBuilder().setRawBytes(ByteString.copyFrom(cert.getEncoded())))))
                .build();
        var entry = RekorV2ClientHttp.builder().setService(Service.of(uri, 2)).build().putEntry(request);
        var verifier = RekorVerifier.newRekorVerifier(SigstoreTrustedRoot.from(trustedRoot()));
        assertDoesNotThrow(() -> verifier.verifyEntry(entry));
    }
}
