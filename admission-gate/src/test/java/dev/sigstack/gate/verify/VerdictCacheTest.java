package dev.sigstack.gate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.oci.RegistryCredentials;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.testing.MapEnvironment;
import dev.sigstack.gate.testing.TestPolicies;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 4: the verdict cache is keyed on its whole key (two workloads whose hash codes collide get their own
 * verdicts), stays within its entry and byte bounds under many keys, and forgets a verdict after its TTL.
 */
class VerdictCacheTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String IMAGE = "registry.internal/team/app@sha256:" + "c".repeat(64);
    static final String SPEC_POLICY = """
            apiVersion: policy.sigstore.dev/v1beta1
            kind: ClusterImagePolicy
            metadata: {name: spec-x}
            spec:
              images: [{glob: "registry.internal/**"}]
              authorities: [{static: {action: pass}}]
              policy:
                includeSpec: true
                type: cue
                data: |
                  spec: x: "Aa"
            """;
    static final String PASS_POLICY = """
            apiVersion: policy.sigstore.dev/v1beta1
            kind: ClusterImagePolicy
            metadata: {name: pass}
            spec:
              images: [{glob: "registry.internal/**"}]
              authorities: [{static: {action: pass}}]
            """;

    /** A clock the test moves. */
    static final class Ticking extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static PolicyEngine engine(String yaml, Clock clock, long maxEntries, long maxBytes) {
        List<CompiledPolicy> ps = TestPolicies.compile(yaml);
        return new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()),
                () -> new GateConfig(GateConfig.NoMatchPolicy.DENY, true, false), () -> ps, new MapEnvironment(),
                clock, Duration.ofMinutes(5), maxEntries, maxBytes);
    }

    static ResourceContext pod(String x, RegistryCredentials creds) throws Exception {
        return new ResourceContext("prod", "", "v1", "pods", Map.of(), JSON.readTree("{\"x\":\"" + x + "\"}"), null,
                null, creds);
    }

    @Test
    void validate_collidingHashCodes_separateVerdicts() throws Exception {
        PolicyEngine e = engine(SPEC_POLICY, Clock.systemUTC(), 1_000, 1 << 20);
        RegistryCredentials creds = RegistryCredentials.anonymous();
        ResourceContext allowed = pod("Aa", creds);
        ResourceContext denied = pod("BB", creds);
        // The premise: "Aa" and "BB" have one String hash code, so the two workloads have one hashCode.
        assertEquals(allowed.hashCode(), denied.hashCode());
        assertFalse(allowed.equals(denied));

        assertTrue(e.validate(IMAGE, allowed).isEmpty(), () -> e.validate(IMAGE, allowed).toString());
        String msg = e.validate(IMAGE, denied).toString();
        assertTrue(msg.contains("failed policy: spec-x"), msg);
        assertEquals(2, e.verifications(), "each workload verified on its own");
        assertTrue(e.validate(IMAGE, allowed).isEmpty());
        assertFalse(e.validate(IMAGE, denied).isEmpty());
        assertEquals(2, e.verifications(), "and each verdict reused for its own workload");
        assertEquals(2, e.cacheHits());
    }

    @Test
    void validate_manyImages_cacheWithinEntryBound() {
        PolicyEngine e = engine(PASS_POLICY, Clock.systemUTC(), 100, 1 << 20);
        ResourceContext ctx = ResourceContext.pod("prod");
        for (int i = 0; i < 5_000; i++) {
            assertTrue(e.validate(image(i), ctx).isEmpty());
            if (i % 500 == 0) {
                assertTrue(e.cachedVerdicts() <= 100, "entries " + e.cachedVerdicts() + " after " + i);
            }
        }
        assertTrue(e.cachedVerdicts() <= 100, "entries " + e.cachedVerdicts());
        assertTrue(e.cachedVerdicts() > 50, "the cache still caches: " + e.cachedVerdicts());
        assertEquals(5_000, e.verifications());
        long before = e.verifications();
        e.validate(image(4_999), ctx); // the newest is kept
        assertEquals(before, e.verifications());
    }

    @Test
    void validate_largeWorkloads_cacheWithinByteBound() throws Exception {
        long maxBytes = 1 << 20;
        PolicyEngine e = engine(SPEC_POLICY.replace("spec: x: \"Aa\"", "spec: y: string"), Clock.systemUTC(),
                10_000, maxBytes);
        String big = "v".repeat(16 << 10); // 16 Ki characters of spec per workload
        for (int i = 0; i < 1_000; i++) {
            ResourceContext ctx = new ResourceContext("prod", "", "v1", "pods", Map.of(), JSON.readTree(
                    "{\"y\":\"" + big + i + "\"}"), null, null);
            assertTrue(e.validate(IMAGE, ctx).isEmpty(), () -> e.validate(IMAGE, ctx).toString());
        }
        assertTrue(e.cachedVerdictBytes() <= maxBytes, "bytes " + e.cachedVerdictBytes());
        assertTrue(e.cachedVerdicts() <= maxBytes / (32 << 10), "entries " + e.cachedVerdicts());
        assertTrue(e.cachedVerdicts() > 0);
        assertEquals(1_000, e.verifications());
    }

    @Test
    void validate_afterTtl_verifiesAgain() {
        Ticking clock = new Ticking();
        PolicyEngine e = engine(PASS_POLICY, clock, 100, 1 << 20);
        ResourceContext ctx = ResourceContext.pod("prod");
        e.validate(IMAGE, ctx);
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        e.validate(IMAGE, ctx);
        assertEquals(1, e.verifications(), "within the TTL: cached");
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        e.validate(IMAGE, ctx);
        assertEquals(2, e.verifications(), "after the TTL: verified again");
    }

    static String image(int i) {
        byte[] d = new byte[32];
        d[0] = (byte) (i >> 8);
        d[1] = (byte) i;
        return "registry.internal/team/app@sha256:" + HexFormat.of().formatHex(d);
    }
}
