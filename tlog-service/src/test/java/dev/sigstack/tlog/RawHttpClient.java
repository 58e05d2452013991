package dev.sigstack.tlog;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * TEST-ONLY load-generator connection: one HTTP/1.1 keep-alive connection on a blocking socket that sends
 * pre-built POST requests and reads each answer in full (status line, headers, a {@code Content-Length} or
 * chunked body). It exists so that the benchmark's client costs little CPU next to the server it measures on the
 * same cores (the JDK {@code HttpClient} cost about 0.8 ms of CPU per request here). Not a general HTTP client: no
 * TLS, no redirects, no 1xx handling beyond skipping it.
 */
final class RawHttpClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawHttpClient(String host, int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16384);
    }

    /** The bytes of a POST of {@code body} (build them before the timed phase). */
    static byte[] request(String host, int port, String path, String contentType, byte[] body) {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: "
                + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] r = new byte[head.length + body.length];
        System.arraycopy(head, 0, r, 0, head.length);
        System.arraycopy(body, 0, r, head.length, body.length);
        return r;
    }

    /** Sends one pre-built request and reads the whole answer; returns its status code. */
    int send(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        int status;
        do {
            String statusLine = line();
            if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
                throw new IOException("bad status line: " + statusLine);
            }
            status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("transfer-encoding")) {
                    chunked = value.equalsIgnoreCase("chunked");
                } else if (name.equalsIgnoreCase("connection")) {
                    close = value.equalsIgnoreCase("close");
                }
            }
            if (status >= 200) {
                if (chunked) {
                    for (long n = Long.parseLong(line().split(";")[0].trim(), 16); n > 0;
                            n = Long.parseLong(line().split(";")[0].trim(), 16)) {
                        skip(n);
                        line();
                    }
                    while (!line().isEmpty()) {
                        // trailers
                    }
                } else if (length >= 0) {
                    skip(length);
                } else {
                    throw new IOException("answer " + status + " without Content-Length or chunked body");
                }
                if (close) {
                    throw new IOException("server closed the connection after " + status);
                }
            }
        } while (status < 200);
        return status;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed mid-body");
                }
                s = 1;
            }
            n -= s;
        }
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            b.append((char) c);
        }
        throw new IOException("connection closed");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
