package dev.sigstack.gate.admission;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.testing.MapEnvironment;
import dev.sigstack.gate.testing.TestTls;
import dev.sigstack.gate.verify.PolicyEngine;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A port that is taken stops the start with an error, instead of a gate that listens nowhere. */
class AdmissionServerPortInUseTest {

    @Test
    void start_portInUse_throwsNamingThePort() throws Exception {
        PolicyEngine engine = new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()),
                GateConfig::defaults, List::of, new MapEnvironment(), Clock.systemUTC(), Duration.ofMinutes(5));
        GateMetrics metrics = new GateMetrics();
        AdmissionHandler handler = new AdmissionHandler(engine, new AdmissionServerTest.FakeCluster(),
                new GateSettings(GateSettings.Mutation.OFF, "policy.sigstore.dev/include", "sigstack.dev/break-glass",
                        null), metrics);
        TestTls tls = new TestTls();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> AdmissionServer.start(
                    "127.0.0.1", port, tls.key.getPrivate(), List.of(tls.cert), handler, metrics).close());
            assertTrue(e.getMessage().contains("127.0.0.1:" + port + " (address in use?)"), e.getMessage());
        }
    }
}
