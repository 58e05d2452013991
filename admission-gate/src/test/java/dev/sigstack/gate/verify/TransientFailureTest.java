package dev.sigstack.gate.verify;

import dev.sigstack.gate.testing.TestPolicies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sigstack.gate.testing.Cosign;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A refusal caused by a failing registry is not cached; a definite answer is. */
class TransientFailureTest {
    @Test
    void validate_registryErrorThenAnswer_errorNotCached() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/v2/", ex -> {
            int n = calls.incrementAndGet();
            byte[] body = (n == 1 ? "{\"errors\":[{\"code\":\"UNAVAILABLE\"}]}" : "{\"errors\":[{\"code\":"
                    + "\"MANIFEST_UNKNOWN\"}]}").getBytes();
            ex.sendResponseHeaders(n == 1 ? 503 : 404, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.start();
        try {
            String host = "127.0.0.1:" + s.getAddress().getPort();
            String policy = TestPolicies.keyPolicy("p", host + "/**", Cosign.ecKey().getPublic());
            List<CompiledPolicy> ps = TestPolicies.compile(policy);
            PolicyEngine e = TestPolicies.engine(ps);
            String img = host + "/team/app@sha256:" + "d".repeat(64);
            String first = e.validate(img, ResourceContext.pod("p")).toString();
            assertTrue(first.contains("failed to fetch signatures") && first.contains("HTTP 503"), first);
            String second = e.validate(img, ResourceContext.pod("p")).toString();
            assertTrue(second.contains("no signatures found"), second);
            String third = e.validate(img, ResourceContext.pod("p")).toString();
            assertEquals(second, third);
            assertEquals(2, calls.get(), "the definite answer is cached");
        } finally {
            s.stop(0);
        }
    }
}
