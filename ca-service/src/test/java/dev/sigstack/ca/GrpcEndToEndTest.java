package dev.sigstack.ca;

import dev.sigstack.core.pem.Pem;
import dev.sigstack.core.rekor.TestKeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sigstack.ca.grpc.v2.CAGrpc;
import dev.sigstack.ca.grpc.v2.CreateSigningCertificateRequest;
import dev.sigstack.ca.grpc.v2.Credentials;
import dev.sigstack.ca.grpc.v2.GetConfigurationRequest;
import dev.sigstack.ca.grpc.v2.GetTrustBundleRequest;
import dev.sigstack.ca.grpc.v2.PublicKey;
import dev.sigstack.ca.grpc.v2.PublicKeyAlgorithm;
import dev.sigstack.ca.grpc.v2.PublicKeyRequest;
import dev.sigstack.ca.grpc.v2.SigningCertificate;
import dev.sigstack.ca.testing.TestStack;
import dev.sigstack.core.ct.SctVerifier;

/** gRPC {@code dev.sigstore.fulcio.v2.CA} over TLS with grpc-java's Netty client, as sigstore-java calls it. */
class GrpcEndToEndTest {
    @TempDir
    static Path dir;
    private static TestStack stack;
    private static ManagedChannel channel;
    private static CAGrpc.CABlockingStub ca;

    @BeforeAll
    static void start() throws Exception {
        stack = new TestStack(dir, 0);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", stack.ca.grpcPort())
            .sslContext(GrpcSslContexts.forClient().trustManager(stack.ca.grpcTlsCertificate()).build()).build();
        ca = CAGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        stack.close();
    }

    @Test
    void createSigningCertificate_ecKey_embeddedSctChain() throws Exception {
        KeyPair k = TestKeys.p256();
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(k.getPrivate());
        s.update("grpc@example.com".getBytes(StandardCharsets.UTF_8));
        SigningCertificate resp = ca.createSigningCertificate(CreateSigningCertificateRequest.newBuilder()
            .setCredentials(Credentials.newBuilder().setOidcIdentityToken(stack.issuer.emailToken("grpc@example.com")))
            .setPublicKeyRequest(PublicKeyRequest.newBuilder()
                .setPublicKey(PublicKey.newBuilder().setAlgorithm(PublicKeyAlgorithm.ECDSA)
                    .setContent(Pem.encode("PUBLIC KEY", k.getPublic().getEncoded())))
                .setProofOfPossession(ByteString.copyFrom(s.sign())))
            .build());
        List<X509Certificate> chain = new ArrayList<>();
        for (String pem : resp.getSignedCertificateEmbeddedSct().getChain().getCertificatesList()) {
            chain.addAll(Pem.readCertificates(pem));
        }
        assertEquals(3, chain.size());
        assertEquals(k.getPublic(), chain.getFirst().getPublicKey());
        SctVerifier.verifyEmbedded(new X509CertificateHolder(chain.getFirst().getEncoded()),
            new X509CertificateHolder(chain.get(1).getEncoded()), stack.logKey.getPublic());
    }

    /** Fulcio reads the token from the {@code oidcidentitytoken} metadata when the request has none (grpc_server.go). */
    @Test
    void createSigningCertificate_tokenInMetadata_embeddedSctChain() throws Exception {
        KeyPair k = TestKeys.p256();
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("oidcidentitytoken", Metadata.ASCII_STRING_MARSHALLER), stack.issuer.emailToken("md@example.com"));
        SigningCertificate resp = ca.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
            .createSigningCertificate(CreateSigningCertificateRequest.newBuilder()
                .setPublicKeyRequest(publicKeyRequest(k, "md@example.com")).build());
        X509Certificate leaf = Pem.readCertificates(resp.getSignedCertificateEmbeddedSct().getChain().getCertificates(0)).getFirst();
        assertEquals(k.getPublic(), leaf.getPublicKey());
    }

    @Test
    void createSigningCertificate_noTokenAnywhere_invalidArgument() throws Exception {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ca.createSigningCertificate(
            CreateSigningCertificateRequest.newBuilder().setPublicKeyRequest(publicKeyRequest(TestKeys.p256(), "x@example.com")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("There was an error processing the identity token"),
            e.getStatus().getDescription());
    }

    private static PublicKeyRequest publicKeyRequest(KeyPair k, String subject) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(k.getPrivate());
        s.update(subject.getBytes(StandardCharsets.UTF_8));
        return PublicKeyRequest.newBuilder()
            .setPublicKey(PublicKey.newBuilder().setAlgorithm(PublicKeyAlgorithm.ECDSA)
                .setContent(Pem.encode("PUBLIC KEY", k.getPublic().getEncoded())))
            .setProofOfPossession(ByteString.copyFrom(s.sign())).build();
    }

    @Test
    void createSigningCertificate_expiredToken_invalidArgument() throws Exception {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ca.createSigningCertificate(
            CreateSigningCertificateRequest.newBuilder().setCredentials(Credentials.newBuilder()
                .setOidcIdentityToken(stack.issuer.sign(stack.issuer.claims("a", "sigstore")
                    .expirationTime(new java.util.Date(System.currentTimeMillis() - 600_000)).build()))).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("expired"), e.getStatus().getDescription());
    }

    /** Fulcio registers grpc.health.v1.Health on its gRPC server (cmd/app/grpc.go); gRPC probes call Check. */
    @Test
    void healthCheck_serving() {
        HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus());
    }

    @Test
    void getTrustBundle_currentChain() throws Exception {
        List<String> pems = ca.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getChains(0).getCertificatesList();
        assertEquals(stack.ca.chain(), Pem.readCertificates(String.join("", pems)));
    }

    @Test
    void getConfiguration_listsTestIssuer() {
        assertTrue(ca.getConfiguration(GetConfigurationRequest.getDefaultInstance()).getIssuersList().stream()
            .anyMatch(i -> i.getIssuerUrl().equals(stack.issuer.url()) && i.getAudience().equals("sigstore")));
    }
}
