package dev.sigstack.ca.ct;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small blocking HTTP/1.1 client for one origin: POST a body, read the whole answer, keep the connection for the
 * next request (RFC 9112 persistent connections). Meant for virtual threads: a request is one write and blocking
 * reads on the caller's thread, with no selector or executor hand-offs — the JDK {@code HttpClient} spends more CPU
 * in those than the CT log spends on the request.
 *
 * <p>Answers with {@code Content-Length}, {@code Transfer-Encoding: chunked} or read-to-close are understood;
 * interim 1xx answers are skipped. A reused connection that the server closed while idle is retried once on a
 * fresh one (the caller's requests must be idempotent, as {@code add-pre-chain} is: the log answers a repeated
 * submission with the same SCT). {@code https} origins are checked against the JVM's default trust and the host
 * name.
 */
public final class KeepAliveHttpClient implements AutoCloseable {
    /** Answers larger than this are refused. */
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_IDLE = 64;

    private final String host;
    private final int port;
    private final String hostHeader;
    private final SSLSocketFactory tls;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;

    /** An answer: status and the whole body. */
    public record Response(int status, byte[] body) { }

    /**
     * @param origin         {@code http://host:port} or {@code https://host:port} (a path, if any, is ignored)
     * @param connectTimeout for opening a connection (and the TLS handshake)
     * @param readTimeout    longest wait for the server's next bytes
     */
    public KeepAliveHttpClient(URI origin, Duration connectTimeout, Duration readTimeout) {
        this(origin, connectTimeout, readTimeout, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** With the trust of {@code tlsFactory} for {@code https} (tests). */
    KeepAliveHttpClient(URI origin, Duration connectTimeout, Duration readTimeout, SSLSocketFactory tlsFactory) {
        String scheme = origin.getScheme() == null ? "" : origin.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("need an http or https URL, got " + origin);
        }
        if (origin.getHost() == null) {
            throw new IllegalArgumentException("URL has no host: " + origin);
        }
        this.host = origin.getHost();
        boolean secure = scheme.equals("https");
        this.port = origin.getPort() >= 0 ? origin.getPort() : secure ? 443 : 80;
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        this.hostHeader = origin.getPort() >= 0 ? h + ":" + port : h;
        this.tls = secure ? tlsFactory : null;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
    }

    /**
     * Sends {@code POST path} with {@code body} and reads the answer.
     *
     * @param path the request target, starting with {@code /}
     * @throws IOException if the server cannot be reached, times out, or answers something that is not HTTP/1.x
     */
    public Response post(String path, String contentType, byte[] body) throws IOException {
        if (path.isEmpty() || path.charAt(0) != '/' || path.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("request target must be an absolute path without spaces: " + path);
        }
        if (contentType.chars().anyMatch(c -> c < ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("content type must be printable ASCII");
        }
        if (closed) {
            throw new IOException("client is closed");
        }
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nContent-Type: " + contentType
            + "\r\nAccept: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        Connection c = idle.pollFirst();
        if (c != null) {
            idleCount.decrementAndGet();
            try {
                return exchange(c, request, true);
            } catch (StaleConnectionException e) {
                // the server closed it while idle: once more on a new connection
            }
        }
        try {
            return exchange(open(), request, false);
        } catch (StaleConnectionException e) {
            throw new IOException("server closed the connection without answering", e);
        }
    }

    private Response exchange(Connection c, byte[] request, boolean reused) throws IOException {
        boolean done = false;
        try {
            try {
                c.out.write(request);
                c.out.flush();
            } catch (java.net.SocketException e) {
                if (reused) {
                    throw new StaleConnectionException(e);
                }
                throw e;
            }
            Response r = read(c);
            done = true;
            release(c);
            return r;
        } finally {
            if (!done) {
                c.close();
            }
        }
    }

    private void release(Connection c) {
        if (!c.reusable || closed) {
            c.close();
            return;
        }
        if (idleCount.incrementAndGet() > MAX_IDLE) {
            idleCount.decrementAndGet();
            c.close();
            return;
        }
        idle.offerFirst(c);
        if (closed && idle.remove(c)) {
            idleCount.decrementAndGet();
            c.close();
        }
    }

    private Connection open() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            s.setSoTimeout(readTimeoutMillis);
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(s, host, port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
                ssl.setSoTimeout(readTimeoutMillis);
                ssl.startHandshake();
                s = ssl;
            }
            return new Connection(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static Response read(Connection c) throws IOException {
        while (true) {
            String status = line(c.in, true);
            if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
                throw new IOException("not an HTTP/1.x answer");
            }
            int code;
            try {
                code = Integer.parseInt(status.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("answer has no status code");
            }
            boolean http10 = status.startsWith("HTTP/1.0");
            long length = -1;
            boolean chunked = false;
            boolean close = http10;
            int headerBytes = status.length();
            for (String h = line(c.in, false); !h.isEmpty(); h = line(c.in, false)) {
                headerBytes += h.length();
                if (headerBytes > MAX_HEADER_BYTES) {
                    throw new IOException("answer headers are too large");
                }
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed answer header");
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> {
                        try {
                            long v = Long.parseLong(value);
                            if (v < 0 || (length >= 0 && length != v)) {
                                throw new IOException("conflicting or negative Content-Length");
                            }
                            length = v;
                        } catch (NumberFormatException e) {
                            throw new IOException("malformed Content-Length");
                        }
                    }
                    case "transfer-encoding" -> chunked = value.endsWith("chunked");
                    case "connection" -> {
                        if (value.contains("close")) {
                            close = true;
                        } else if (value.contains("keep-alive")) {
                            close = false;
                        }
                    }
                    default -> { }
                }
            }
            if (code >= 100 && code < 200) {
                continue;
            }
            byte[] body;
            if (code == 204 || code == 304) {
                body = new byte[0];
            } else if (chunked) {
                body = chunked(c.in);
            } else if (length >= 0) {
                if (length > MAX_BODY_BYTES) {
                    throw new IOException("answer is larger than " + MAX_BODY_BYTES + " bytes");
                }
                body = c.in.readNBytes((int) length);
                if (body.length != length) {
                    throw new IOException("connection closed before the answer's end");
                }
            } else {
                body = toEnd(c.in);
                close = true;
            }
            c.reusable = !close;
            return new Response(code, body);
        }
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in, false);
            int semi = size.indexOf(';');
            int n;
            try {
                n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size");
            }
            if (n < 0 || out.size() + (long) n > MAX_BODY_BYTES) {
                throw new IOException("answer is larger than " + MAX_BODY_BYTES + " bytes");
            }
            if (n == 0) {
                for (String trailer = line(in, false); !trailer.isEmpty(); trailer = line(in, false)) {
                    // trailers are not used
                }
                return out.toByteArray();
            }
            byte[] chunk = in.readNBytes(n);
            if (chunk.length != n) {
                throw new IOException("connection closed inside a chunk");
            }
            out.writeBytes(chunk);
            if (!line(in, false).isEmpty()) {
                throw new IOException("chunk is not followed by CRLF");
            }
        }
    }

    private static byte[] toEnd(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new IOException("answer is larger than " + MAX_BODY_BYTES + " bytes");
        }
        return body;
    }

    /** One CRLF (or LF) terminated line; {@code first}: an EOF before any byte means a stale connection. */
    private static String line(InputStream in, boolean first) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (java.net.SocketException e) {
                if (first && sb.isEmpty()) {
                    throw new StaleConnectionException(e);
                }
                throw e;
            }
            if (b < 0) {
                if (first && sb.isEmpty()) {
                    throw new StaleConnectionException(null);
                }
                throw new IOException("connection closed inside the answer's head");
            }
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= 8192) {
                throw new IOException("answer line is too long");
            }
            sb.append((char) b);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
            c.close();
        }
    }

    /** The server closed a kept connection before answering: the request can go again on a new one. */
    private static final class StaleConnectionException extends IOException {
        StaleConnectionException(Throwable cause) {
            super("connection closed by the server", cause);
        }
    }

    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean reusable;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
