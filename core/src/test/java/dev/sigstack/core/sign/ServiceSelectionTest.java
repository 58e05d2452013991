package dev.sigstack.core.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Choosing CA, Rekor and TSA services from a SigningConfig v0.2, as the Sigstore clients do. */
final class ServiceSelectionTest {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    private static String service(String url, int version, String start, String end) {
        return "{\"url\":\"" + url + "\",\"majorApiVersion\":" + version + ",\"validFor\":{\"start\":\"" + start + "\""
                + (end == null ? "" : ",\"end\":\"" + end + "\"") + "},\"operator\":\"example\"}";
    }

    private static byte[] config(String cas, String rekors, String rekorSelector, String tsas, String tsaSelector) {
        return ("{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.2+json\",\"caUrls\":[" + cas
                + "],\"oidcUrls\":[],\"rekorTlogUrls\":[" + rekors + "],\"rekorTlogConfig\":" + rekorSelector
                + ",\"tsaUrls\":[" + tsas + "],\"tsaConfig\":" + tsaSelector + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void select_prefersHighestSupportedVersionValidNow() throws Exception {
        byte[] json = config(
                service("https://ca.old", 1, "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z") + ","
                        + service("https://ca.example", 1, "2021-01-01T00:00:00Z", null),
                service("https://rekor-v1.example", 1, "2021-01-01T00:00:00Z", null) + ","
                        + service("https://rekor-v3.example", 3, "2021-01-01T00:00:00Z", null) + ","
                        + service("https://rekor-v2.example", 2, "2021-01-01T00:00:00Z", null),
                "{\"selector\":\"ANY\"}",
                service("https://tsa.example/api/v1/timestamp", 1, "2021-01-01T00:00:00Z", null),
                "{\"selector\":\"ANY\"}");
        ServiceSelection s = ServiceSelection.select(ServiceSelection.parse(json), NOW);
        assertEquals("https://ca.example", s.ca().getUrl());
        assertEquals(1, s.tlogs().size());
        assertEquals("https://rekor-v2.example", s.tlogs().get(0).getUrl());
        assertEquals("https://tsa.example/api/v1/timestamp", s.tsas().get(0).getUrl());
    }

    @Test
    void select_exactAndAllSelectors() throws Exception {
        String two = service("https://a.example", 1, "2021-01-01T00:00:00Z", null) + ","
                + service("https://b.example", 1, "2021-01-01T00:00:00Z", null);
        String ca = service("https://ca.example", 1, "2021-01-01T00:00:00Z", null);
        assertEquals(2, ServiceSelection.select(ServiceSelection.parse(config(ca, two, "{\"selector\":\"ALL\"}", "",
                "{\"selector\":\"ANY\"}")), NOW).tlogs().size());
        assertEquals(1, ServiceSelection.select(ServiceSelection.parse(config(ca, two, "{\"selector\":\"EXACT\",\"count\":1}",
                "", "{\"selector\":\"ANY\"}")), NOW).tlogs().size());
        SigningException e = assertThrows(SigningException.class, () -> ServiceSelection.select(ServiceSelection.parse(
                config(ca, two, "{\"selector\":\"EXACT\",\"count\":3}", "", "{\"selector\":\"ANY\"}")), NOW));
        assertTrue(e.getMessage().contains("exactly 3"), e.getMessage());
        assertTrue(ServiceSelection.select(ServiceSelection.parse(config(ca, two, "{\"selector\":\"ANY\"}", "",
                "{\"selector\":\"ANY\"}")), NOW).tsas().isEmpty());
    }

    @Test
    void select_nothingUsable_throwsWithReason() throws Exception {
        String ca = service("https://ca.example", 1, "2021-01-01T00:00:00Z", null);
        String expired = service("https://rekor.example", 1, "2021-01-01T00:00:00Z", "2022-01-01T00:00:00Z");
        SigningException e = assertThrows(SigningException.class, () -> ServiceSelection.select(
                ServiceSelection.parse(config(ca, expired, "{\"selector\":\"ANY\"}", "", "{\"selector\":\"ANY\"}")), NOW));
        assertTrue(e.getMessage().contains("no Rekor"), e.getMessage());
        e = assertThrows(SigningException.class, () -> ServiceSelection.select(ServiceSelection.parse(config("",
                service("https://rekor.example", 1, "2021-01-01T00:00:00Z", null), "{\"selector\":\"ANY\"}", "",
                "{\"selector\":\"ANY\"}")), NOW));
        assertTrue(e.getMessage().contains("no CA"), e.getMessage());
    }

    @Test
    void parse_hostileOrWrongMediaType_throws() {
        assertThrows(SigningException.class, () -> ServiceSelection.parse("{".getBytes(StandardCharsets.UTF_8)));
        assertThrows(SigningException.class, () -> ServiceSelection.parse("[]".getBytes(StandardCharsets.UTF_8)));
        assertThrows(SigningException.class, () -> ServiceSelection.parse(
                "{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.1+json\"}".getBytes(StandardCharsets.UTF_8)));
    }
}
