package dev.sigstack.ca.issuance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateIssuerTimeTest {

    /** The cached validity encoding is byte for byte what BouncyCastle's Time(Date) gives (UTCTime to 2049). */
    @ParameterizedTest
    @ValueSource(strings = {"2026-11-27T04:30:00Z", "2026-01-02T03:04:05Z", "1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z",
        "2049-12-31T23:59:59Z", "2050-01-01T00:00:00Z", "1950-01-01T00:00:00Z"})
    void time_anyInstant_sameDerAsBouncyCastle(String instant) throws Exception {
        Instant t = Instant.parse(instant);
        assertArrayEquals(new Time(Date.from(t)).getEncoded(), CertificateIssuer.time(t).getEncoded(), instant);
    }
}
