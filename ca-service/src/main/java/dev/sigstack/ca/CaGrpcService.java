package dev.sigstack.ca;

import dev.sigstack.core.pem.Pem;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import dev.sigstack.ca.grpc.v2.CAGrpc;
import dev.sigstack.ca.grpc.v2.CertificateChain;
import dev.sigstack.ca.grpc.v2.Configuration;
import dev.sigstack.ca.grpc.v2.CreateSigningCertificateRequest;
import dev.sigstack.ca.grpc.v2.GetConfigurationRequest;
import dev.sigstack.ca.grpc.v2.GetTrustBundleRequest;
import dev.sigstack.ca.grpc.v2.OIDCIssuer;
import dev.sigstack.ca.grpc.v2.SigningCertificate;
import dev.sigstack.ca.grpc.v2.SigningCertificateEmbeddedSCT;
import dev.sigstack.ca.grpc.v2.TrustBundle;
import dev.sigstack.ca.identity.IdentityConfig;
import dev.sigstack.ca.identity.OidcIssuer;

/** The gRPC face of {@link SigningService}: thin translation between protobuf messages and the service. */
final class CaGrpcService extends CAGrpc.CAImplBase {
    private final SigningService signing;
    private final Supplier<List<List<X509Certificate>>> chains;
    private final IdentityConfig identity;

    CaGrpcService(SigningService signing, Supplier<List<List<X509Certificate>>> chains, IdentityConfig identity) {
        this.signing = signing;
        this.chains = chains;
        this.identity = identity;
    }

    @Override
    public void createSigningCertificate(CreateSigningCertificateRequest request, StreamObserver<SigningCertificate> out) {
        SigningService.KeyRequest key = switch (request.getKeyCase()) {
            case PUBLIC_KEY_REQUEST -> new SigningService.KeyRequest.PublicKeyRequest(
                request.getPublicKeyRequest().getPublicKey().getContent(),
                request.getPublicKeyRequest().getProofOfPossession().toByteArray());
            case CERTIFICATE_SIGNING_REQUEST -> new SigningService.KeyRequest.CsrRequest(request.getCertificateSigningRequest().toByteArray());
            case KEY_NOT_SET -> null;
        };
        try {
            List<X509Certificate> chain = signing.createSigningCertificate(request.getCredentials().getOidcIdentityToken(), key);
            CertificateChain.Builder c = CertificateChain.newBuilder();
            chain.forEach(x -> c.addCertificates(Pem.certificate(x)));
            out.onNext(SigningCertificate.newBuilder()
                .setSignedCertificateEmbeddedSct(SigningCertificateEmbeddedSCT.newBuilder().setChain(c)).build());
            out.onCompleted();
        } catch (CaException e) {
            out.onError(Status.fromCodeValue(e.code().grpc()).withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public void getTrustBundle(GetTrustBundleRequest request, StreamObserver<TrustBundle> out) {
        TrustBundle.Builder b = TrustBundle.newBuilder();
        for (List<X509Certificate> chain : chains.get()) {
            CertificateChain.Builder c = CertificateChain.newBuilder();
            chain.forEach(x -> c.addCertificates(Pem.certificate(x)));
            b.addChains(c);
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void getConfiguration(GetConfigurationRequest request, StreamObserver<Configuration> out) {
        Configuration.Builder b = Configuration.newBuilder();
        identity.oidcIssuers().values().forEach(i -> b.addIssuers(issuer(i).setIssuerUrl(i.issuerUrl())));
        identity.metaIssuers().forEach((k, i) -> b.addIssuers(issuer(i).setWildcardIssuerUrl(k)));
        out.onNext(b.build());
        out.onCompleted();
    }

    private static OIDCIssuer.Builder issuer(OidcIssuer i) {
        OIDCIssuer.Builder b = OIDCIssuer.newBuilder().setAudience(i.clientId()).setChallengeClaim(i.effectiveChallengeClaim())
            .setIssuerType(i.type().configName()).setSkipEmailVerification(i.skipEmailVerification());
        if (i.spiffeTrustDomain() != null) {
            b.setSpiffeTrustDomain(i.spiffeTrustDomain());
        }
        if (i.subjectDomain() != null) {
            b.setSubjectDomain(i.subjectDomain());
        }
        return b;
    }
}
