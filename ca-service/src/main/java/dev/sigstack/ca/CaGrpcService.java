package dev.sigstack.ca;

import dev.sigstack.core.pem.Pem;

import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
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

/**
 * The gRPC face of {@link SigningService}: thin translation between protobuf messages and the service. As Fulcio
 * ({@code pkg/server/grpc_server.go}), a request without {@code credentials} takes its token from the
 * {@code oidcidentitytoken} metadata when that has exactly one value; {@link #TOKEN_METADATA} puts it in reach.
 */
final class CaGrpcService extends CAGrpc.CAImplBase {
    private static final Metadata.Key<String> TOKEN_KEY = Metadata.Key.of("oidcidentitytoken", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> TOKEN = Context.key("oidcidentitytoken");

    /** Carries a single {@code oidcidentitytoken} metadata value into the call's context. */
    static final ServerInterceptor TOKEN_METADATA = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            Iterable<String> all = headers.getAll(TOKEN_KEY);
            Iterator<String> it = all == null ? Collections.emptyIterator() : all.iterator();
            String token = it.hasNext() ? it.next() : null;
            if (token == null || it.hasNext()) {
                return next.startCall(call, headers);
            }
            return Contexts.interceptCall(Context.current().withValue(TOKEN, token), call, headers, next);
        }
    };

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
            String token = request.getCredentials().getOidcIdentityToken();
            if (token.isEmpty()) {
                token = TOKEN.get();
            }
            List<X509Certificate> chain = signing.createSigningCertificate(token, key);
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
