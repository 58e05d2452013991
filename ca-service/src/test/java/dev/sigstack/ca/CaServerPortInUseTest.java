package dev.sigstack.ca;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A REST or gRPC port that is taken stops the start with an error, instead of a CA that listens nowhere. */
class CaServerPortInUseTest {

    private static CaConfig config(Path dir, int httpPort, int grpcPort) {
        return CaConfig.builder(dir).host("127.0.0.1").httpPort(httpPort).grpcPort(grpcPort).caCurve("secp256r1")
            .ctLogUrl(URI.create("http://127.0.0.1:9")).keyPassword("pw".toCharArray()).build();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void start_restPortInUse_throwsNamingThePort(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CaServer.start(config(dir, port, -1)).close());
            assertTrue(e.getMessage().contains("127.0.0.1:" + port + " (address in use?)"), e.getMessage());
        }
    }

    @Test
    void start_grpcPortInUse_throwsAndReleasesTheRestPort(@TempDir Path dir) throws Exception {
        int rest = freePort();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int grpc = taken.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CaServer.start(config(dir, rest, grpc)).close());
            assertTrue(e.getMessage().contains("gRPC cannot listen on 127.0.0.1:" + grpc), e.getMessage());
        }
        // the REST listener was stopped: binding its port again succeeds (a BindException here fails the test)
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(
            () -> new ServerSocket(rest, 50, InetAddress.getByName("127.0.0.1")).close(), "the REST port is still taken");
    }
}
