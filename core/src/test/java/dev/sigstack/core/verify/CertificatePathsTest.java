package dev.sigstack.core.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.sigstore.proto.common.v1.TimeRange;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Authority validity windows: a closed interval, and (as sigstore-go) a missing bound is no bound. */
final class CertificatePathsTest {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant END = Instant.parse("2025-06-12T12:02:20Z");

    private static CertificatePaths.Authority authority(TimeRange r) {
        return new CertificatePaths.Authority("https://ca.example", r, List.of());
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    @Test
    void validAt_closedInterval() {
        var a = authority(TimeRange.newBuilder().setStart(ts(START)).setEnd(ts(END)).build());
        assertTrue(a.validAt(START));
        assertTrue(a.validAt(END));
        assertFalse(a.validAt(START.minusNanos(1)));
        assertFalse(a.validAt(END.plusNanos(1)));
    }

    @Test
    void validAt_missingBoundsAreOpen() {
        assertTrue(authority(null).validAt(Instant.EPOCH));
        var noStart = authority(TimeRange.newBuilder().setEnd(ts(END)).build());
        assertTrue(noStart.validAt(Instant.EPOCH));
        assertFalse(noStart.validAt(END.plusSeconds(1)));
        assertTrue(authority(TimeRange.newBuilder().setStart(ts(START)).build()).validAt(Instant.parse("2100-01-01T00:00:00Z")));
    }
}
