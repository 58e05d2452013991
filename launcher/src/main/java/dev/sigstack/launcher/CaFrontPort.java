package dev.sigstack.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The CA's one public port, as upstream Fulcio has: the signing config names a single CA URL, and stock clients use
 * it in two ways. sigstore-js and cosign send plaintext HTTP/1.1 to the Fulcio REST API at that URL, while
 * sigstore-java opens gRPC over TLS to the URL's host and port (its {@code FulcioClientGrpc} takes only the
 * authority). This front reads a connection's first byte: a TLS handshake record (content type 22, RFC 8446 §5.1)
 * goes to the CA's gRPC TLS port (TLS ends there, so the client sees the CA's own certificate), anything else to the
 * REST port. Bytes are relayed unchanged in both directions.
 */
final class CaFrontPort implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CaFrontPort.class.getName());
    static final int TLS_HANDSHAKE = 22;

    private final ServerSocket server;
    private final InetSocketAddress rest;
    private final InetSocketAddress grpcTls;
    private final Thread acceptor;

    private CaFrontPort(ServerSocket server, InetSocketAddress rest, InetSocketAddress grpcTls) {
        this.server = server;
        this.rest = rest;
        this.grpcTls = grpcTls;
        this.acceptor = Thread.ofPlatform().daemon().name("ca-front-" + server.getLocalPort()).unstarted(this::accept);
    }

    static CaFrontPort start(String host, int port, int restPort, int grpcTlsPort) throws IOException {
        InetAddress addr = InetAddress.getByName(host);
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(addr, port), 128);
        CaFrontPort front = new CaFrontPort(s, new InetSocketAddress(addr, restPort),
                new InetSocketAddress(addr, grpcTlsPort));
        front.acceptor.start();
        return front;
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().name("ca-front-conn").start(() -> relay(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.log(Level.WARNING, "CA front port: accept failed", e);
                }
            }
        }
    }

    private void relay(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            int first = in.read();
            if (first < 0) {
                return;
            }
            try (Socket backend = new Socket()) {
                backend.connect(first == TLS_HANDSHAKE ? grpcTls : rest, 5_000);
                backend.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                OutputStream toBackend = backend.getOutputStream();
                toBackend.write(first);
                Thread.ofVirtual().start(() -> pump(in, toBackend, backend));
                // once the backend has finished, closing both sockets also ends the upstream relay
                pump(backend.getInputStream(), client.getOutputStream(), client);
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "CA front port: connection ended", e);
        }
    }

    /** Copies until end of stream, then half-closes the destination so the peer sees the end too. */
    private static void pump(InputStream from, OutputStream to, Socket toSocket) {
        byte[] buf = new byte[16 * 1024];
        try {
            int n;
            while ((n = from.read(buf)) >= 0) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // the other side closed; fall through to the half-close
        }
        try {
            toSocket.shutdownOutput();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
