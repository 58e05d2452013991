package dev.sigstack.tlog.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback TCP proxy in front of PostgreSQL that can turn into a black hole: {@link #blackHole()} stops forwarding
 * in both directions without closing a socket (no FIN, no RST), as a cut-off network or a dropped route does. The
 * peers' kernels go on accepting bytes until their buffers fill, and nothing reaches the other side. New connections
 * are accepted and then black-holed too. {@link #close()} closes every socket.
 */
public final class BlackHoleProxy implements AutoCloseable {
    private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^/:]+):(\\d+)/");

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private volatile boolean blackHoled;
    private volatile boolean closed;

    private BlackHoleProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().name("proxy-accept").daemon().start(this::acceptLoop);
    }

    /** A proxy in front of the PostgreSQL of {@code jdbcUrl} (a {@code jdbc:postgresql://host:port/...} URL). */
    public static BlackHoleProxy in(String jdbcUrl) throws IOException {
        Matcher m = HOST_PORT.matcher(jdbcUrl);
        if (!m.find()) {
            throw new IllegalArgumentException("not a jdbc:postgresql://host:port/ URL: " + jdbcUrl);
        }
        return new BlackHoleProxy(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** {@code jdbcUrl} with its host and port replaced by this proxy's. */
    public String route(String jdbcUrl) {
        return HOST_PORT.matcher(jdbcUrl).replaceFirst("jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/");
    }

    /** From now on nothing is forwarded either way; every socket stays open. */
    public void blackHole() {
        blackHoled = true;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 2000);
                sockets.add(client);
                sockets.add(upstream);
                Thread.ofPlatform().name("proxy-up").daemon().start(() -> pump(client, upstream));
                Thread.ofPlatform().name("proxy-down").daemon().start(() -> pump(upstream, client));
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (!blackHoled) {
                int n = in.read(buf);
                if (n < 0 || blackHoled) {
                    break; // what was read after the cut is dropped
                }
                out.write(buf, 0, n);
                out.flush();
            }
            if (blackHoled) {
                closedLatch.await(); // stop reading, keep the socket open: the peer's bytes pile up unread
            }
        } catch (IOException | InterruptedException e) {
            // closed
        } finally {
            if (!blackHoled || closed) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        closedLatch.countDown();
        closeQuietly2(server);
        sockets.forEach(BlackHoleProxy::closeQuietly);
    }

    private static void closeQuietly2(ServerSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
