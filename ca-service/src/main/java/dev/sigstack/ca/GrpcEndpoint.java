package dev.sigstack.ca;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;

import dev.sigstack.ca.identity.IdentityConfig;

/** gRPC {@code dev.sigstore.fulcio.v2.CA} over TLS (placeholder until the gRPC stubs are generated). */
final class GrpcEndpoint implements AutoCloseable {
    private GrpcEndpoint() {
    }

    static GrpcEndpoint start(CaConfig config, SigningService signing, Supplier<List<List<X509Certificate>>> chains,
                              IdentityConfig identity) {
        throw new UnsupportedOperationException("gRPC is not available yet; start with grpcPort(-1)");
    }

    int port() {
        return -1;
    }

    @Override
    public void close() {
    }
}
