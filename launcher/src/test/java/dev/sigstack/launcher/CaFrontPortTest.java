package dev.sigstack.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One CA port for both kinds of client: a TLS ClientHello reaches the gRPC port, plaintext HTTP the REST port. */
final class CaFrontPortTest {

    /** A backend that reads one line and answers its name followed by what it read. */
    private static ServerSocket backend(String name) throws IOException {
        ServerSocket s = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    InputStream in = c.getInputStream();
                    StringBuilder line = new StringBuilder();
                    int b;
                    while ((b = in.read()) >= 0 && b != '\n') {
                        line.append((char) b);
                    }
                    c.getOutputStream().write((name + ":" + line).getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // closed
                }
            }
        });
        return s;
    }

    private static String exchange(int port, byte[] request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void relay_firstByteTlsHandshakeOrNot_reachesGrpcOrRestBackend() throws Exception {
        try (ServerSocket rest = backend("rest"); ServerSocket grpc = backend("grpc");
             CaFrontPort front = CaFrontPort.start("127.0.0.1", 0, rest.getLocalPort(), grpc.getLocalPort())) {
            assertEquals("rest:GET /api/v2/configuration HTTP/1.1",
                    exchange(front.port(), "GET /api/v2/configuration HTTP/1.1\n".getBytes(StandardCharsets.US_ASCII)));
            byte[] hello = {CaFrontPort.TLS_HANDSHAKE, 3, 1, 'x', '\n'};
            assertEquals("grpc:" + new String(hello, 0, 4, StandardCharsets.ISO_8859_1), exchange(front.port(), hello));
        }
    }
}
