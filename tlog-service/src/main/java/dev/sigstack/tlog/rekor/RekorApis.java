package dev.sigstack.tlog.rekor;

import dev.sigstack.tlog.LogEngine;
import io.helidon.webserver.http.HttpRouting;
import java.security.KeyPair;

/** Wires both Rekor APIs into a routing. */
public final class RekorApis {
    private RekorApis() {
    }

    /**
     * Registers {@code /api/v1/...} over {@code v1} and {@code /api/v2/log/entries} over {@code v2}.
     *
     * @param v1 the Rekor v1 log; its origin should be {@code "<hostname> - <treeId>"} (Rekor's checkpoint form, which
     *     sigstore-go needs to tell a v1 checkpoint from a v2 one), its signer name {@code <hostname>}
     * @param v2 the Rekor v2 log, origin and signer name {@code <hostname>}; null to leave the v2 API out
     * @param logKey the key that signs checkpoints and SETs (ECDSA P-256: sigstore-go verifies SETs with ECDSA only)
     * @param treeId the v1 tree ID (in entry UUIDs and {@code /api/v1/log})
     */
    public static void register(HttpRouting.Builder routing, LogEngine v1, LogEngine v2, KeyPair logKey, long treeId,
            RekorLimits limits) {
        routing.register(new RekorV1Service(v1, logKey, treeId, limits));
        if (v2 != null) {
            routing.register(new RekorV2Service(v2, logKey.getPublic(), limits));
        }
    }
}
