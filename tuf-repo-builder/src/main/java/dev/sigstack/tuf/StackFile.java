package dev.sigstack.tuf;

import dev.sigstack.core.pem.Pem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigstack.core.trustroot.StackDescription;
import dev.sigstack.core.trustroot.StackDescription.CertificateAuthority;
import dev.sigstack.core.trustroot.StackDescription.ServiceUrl;
import dev.sigstack.core.trustroot.StackDescription.TransparencyLog;
import dev.sigstack.core.trustroot.StackDescription.Window;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a stack description file (YAML or JSON). File paths in it are relative to the file.
 *
 * <pre>
 * certificateAuthorities:
 *   - uri: https://fulcio.internal
 *     chain: fulcio-chain.pem          # intermediate first, root last
 *     validFor: {start: 2025-01-01T00:00:00Z}
 * tlogs:
 *   - baseUrl: https://rekor.internal
 *     publicKey: rekor.pub
 *     validFor: {start: 2025-01-01T00:00:00Z, end: 2026-01-01T00:00:00Z}
 *     logId: 0123...                   # optional, hex; default SHA-256 of the key
 * ctlogs: [ ... as tlogs ... ]
 * timestampAuthorities:
 *   - uri: https://tsa.internal/api/v1/timestamp
 *     chain: tsa-chain.pem             # leaf first
 * services:
 *   ca:    [{url: https://fulcio.internal, majorApiVersion: 1, validFor: {start: ...}}]
 *   oidc:  [{url: https://oidc.internal, majorApiVersion: 1, validFor: {start: ...}}]
 *   rekor: [...]
 *   tsa:   [...]
 * </pre>
 */
public final class StackFile {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private StackFile() {}

  public static StackDescription read(Path file) throws IOException {
    JsonNode doc;
    try {
      doc = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not YAML/JSON: " + e.getMessage(), e);
    }
    if (doc == null || !doc.isObject()) {
      throw new IOException(file + ": expected a mapping at the top");
    }
    Path base = file.toAbsolutePath().getParent();
    Ctx c = new Ctx(file, base);
    JsonNode services = doc.path("services");
    try {
      return new StackDescription(
          c.authorities(doc.path("certificateAuthorities"), "certificateAuthorities"),
          c.logs(doc.path("tlogs"), "tlogs"),
          c.logs(doc.path("ctlogs"), "ctlogs"),
          c.authorities(doc.path("timestampAuthorities"), "timestampAuthorities"),
          c.services(services.path("ca"), "services.ca"),
          c.services(services.path("oidc"), "services.oidc"),
          c.services(services.path("rekor"), "services.rekor"),
          c.services(services.path("tsa"), "services.tsa"));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a PEM file of one or more certificates, in file order. */
  public static List<X509Certificate> certificates(Path pem) throws IOException {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(
          new ByteArrayInputStream(Files.readAllBytes(pem)))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IOException(pem + ": no certificates");
      }
      return out;
    } catch (CertificateException e) {
      throw new IOException(pem + ": bad certificate PEM: " + e.getMessage(), e);
    }
  }

  /** Reads a PEM public key. */
  public static PublicKey publicKey(Path pem) throws IOException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new IOException(pem + ": not a PEM public key");
    }
    try {
      return Pem.readPublicKey(text);
    } catch (IllegalArgumentException e) {
      throw new IOException(pem + ": " + e.getMessage(), e);
    }
  }

  private record Ctx(Path file, Path base) {
    List<CertificateAuthority> authorities(JsonNode list, String where) throws IOException {
      List<CertificateAuthority> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        JsonNode n = list.get(i);
        String at = where + "[" + i + "]";
        out.add(new CertificateAuthority(text(n, "uri", at), certificates(base.resolve(text(n, "chain", at))),
            n.has("validFor") ? window(n.get("validFor"), at) : null));
      }
      return out;
    }

    List<TransparencyLog> logs(JsonNode list, String where) throws IOException {
      List<TransparencyLog> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        JsonNode n = list.get(i);
        String at = where + "[" + i + "]";
        byte[] logId = n.hasNonNull("logId") ? HexFormat.of().parseHex(text(n, "logId", at)) : null;
        out.add(new TransparencyLog(text(n, "baseUrl", at), publicKey(base.resolve(text(n, "publicKey", at))),
            window(n.get("validFor"), at), logId));
      }
      return out;
    }

    List<ServiceUrl> services(JsonNode list, String where) throws IOException {
      List<ServiceUrl> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        JsonNode n = list.get(i);
        String at = where + "[" + i + "]";
        out.add(new ServiceUrl(text(n, "url", at), n.path("majorApiVersion").asInt(1), window(n.get("validFor"), at),
            n.path("operator").asText("")));
      }
      return out;
    }

    Window window(JsonNode w, String at) throws IOException {
      if (w == null || !w.isObject()) {
        throw new IOException(file + ": " + at + ".validFor with start is required");
      }
      return new Window(time(w, "start", at), w.hasNonNull("end") ? time(w, "end", at) : null);
    }

    Instant time(JsonNode n, String field, String at) throws IOException {
      try {
        return Instant.parse(text(n, field, at + ".validFor"));
      } catch (DateTimeParseException e) {
        throw new IOException(file + ": " + at + ".validFor." + field + " is not an RFC 3339 UTC time");
      }
    }

    String text(JsonNode n, String field, String at) throws IOException {
      JsonNode v = n.get(field);
      if (v == null || v.isNull() || !v.isValueNode() || v.asText().isEmpty()) {
        throw new IOException(file + ": " + at + "." + field + " is required");
      }
      return v.asText();
    }
  }
}
