package dev.sigstack.ca;

import java.util.Objects;

/**
 * A request the CA refuses or cannot serve, with the gRPC status code Fulcio answers. REST maps it to
 * {@code {code, message}} with the HTTP status grpc-gateway uses; gRPC to a {@code Status}.
 */
public final class CaException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Code code;

    /** The gRPC codes this CA answers, with grpc-gateway's HTTP status for each. */
    public enum Code {
        INVALID_ARGUMENT(3, 400),
        NOT_FOUND(5, 404),
        RESOURCE_EXHAUSTED(8, 429),
        UNIMPLEMENTED(12, 501),
        INTERNAL(13, 500),
        UNAVAILABLE(14, 503),
        UNAUTHENTICATED(16, 401);

        private final int grpc;
        private final int http;

        Code(int grpc, int http) {
            this.grpc = grpc;
            this.http = http;
        }

        public int grpc() {
            return grpc;
        }

        public int http() {
            return http;
        }
    }

    public CaException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code);
    }

    public CaException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code);
    }

    public Code code() {
        return code;
    }
}
