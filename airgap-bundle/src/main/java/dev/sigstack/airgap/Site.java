package dev.sigstack.airgap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigstack.core.config.KnownKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an export needs to know about the site beyond its TUF repository: internal URLs, the CI
 * identity that signs, the images the policies cover, the cluster's network, the log's database
 * and where the CA key lives. Read from {@code site.yaml}:
 *
 * <pre>
 * name: acme                                   # TrustRoot name and policy prefix (DNS label)
 * namespace: sigstack                          # where the charts install
 * urls:                                        # what the clients and the cluster reach
 *   fulcio: https://fulcio.acme.internal
 *   rekor: https://rekor.acme.internal
 *   tuf: https://tuf.acme.internal
 *   oidcIssuer: https://gitlab.acme.internal   # the CI's token issuer
 *   tsa: https://tsa.acme.internal/api/v1/timestamp   # optional
 * ci:
 *   subjectRegExp: ^https://gitlab\.acme\.internal/platform/.+$
 *   builderIdRegExp: ^https://gitlab\.acme\.internal/.+$   # optional, SLSA builder.id
 *   issuerType: ci-provider                    # Fulcio issuer Type (default ci-provider)
 *   provider: gitlab-pipeline                  # Fulcio CIProvider, optional
 * images: ["registry.acme.internal/apps/**"]   # must be signed by the CI
 * sidecars: ["registry.acme.internal/third-party/envoy:v1.31.*"]  # pass without signature
 * registry: {host: registry.acme.internal, cidrs: [10.20.0.10/32], ports: [443]}
 * apiServer: {cidrs: [10.96.0.1/32, 172.18.0.2/32], ports: [443, 6443]}
 * stackImages: {repository: registry.acme.internal/sigstack, tag: 0.1.0}
 * postgres: {host: pg.acme.internal, port: 5432, user: tlog,
 *            passwordSecret: sigstack-tlog-db, sslmode: verify-full}
 * ca: {keySecret: sigstack-ca-key}             # or pkcs11: {secret: sigstack-ca-pkcs11, keyAlias: fulcio}
 * breakGlassNamespace: sigstack-break-glass
 * </pre>
 */
public record Site(String name, String namespace, URI fulcio, URI rekor, URI tuf, URI oidcIssuer, URI tsa,
    String subjectRegExp, String builderIdRegExp, String issuerType, String ciProvider,
    List<String> images, List<String> sidecars, String registryHost,
    List<String> registryCidrs, List<Integer> registryPorts, List<String> apiServerCidrs, List<Integer> apiServerPorts,
    String imageRepository, String imageTag, Postgres postgres, CaKey caKey, String breakGlassNamespace) {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern CIDR = Pattern.compile("[0-9a-fA-F.:]+/\\d{1,3}");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KnownKeys ANY = KnownKeys.ANY;
  /** Every key site.yaml may hold: a typo ("sidecar:") is refused with its line, never silently dropped. */
  private static final KnownKeys KEYS = KnownKeys.mapping(
      "name", ANY, "namespace", ANY,
      "urls", KnownKeys.mapping("fulcio", ANY, "rekor", ANY, "tuf", ANY, "oidcIssuer", ANY, "tsa", ANY),
      "ci", KnownKeys.mapping("subjectRegExp", ANY, "builderIdRegExp", ANY, "issuerType", ANY, "provider", ANY),
      "images", ANY, "sidecars", ANY,
      "registry", KnownKeys.mapping("host", ANY, "cidrs", ANY, "ports", ANY),
      "apiServer", KnownKeys.mapping("cidrs", ANY, "ports", ANY),
      "stackImages", KnownKeys.mapping("repository", ANY, "tag", ANY),
      "postgres", KnownKeys.mapping("host", ANY, "port", ANY, "user", ANY, "passwordSecret", ANY, "sslmode", ANY),
      "ca", KnownKeys.mapping("keySecret", ANY, "pkcs11", KnownKeys.mapping("secret", ANY, "keyAlias", ANY)),
      "breakGlassNamespace", ANY);

  /**
   * The logs' external PostgreSQL, one database per log ({@code rekor}, {@code ctlog}); the password
   * stays in a Secret the site creates.
   */
  public record Postgres(String host, int port, String user, String passwordSecret, String sslmode) {
    public Postgres {
      requireText(host, "postgres.host");
      requireText(user, "postgres.user");
      requireText(passwordSecret, "postgres.passwordSecret");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("postgres.port out of range: " + port);
      }
    }
  }

  /** Where the CA key lives: a Secret with a PEM key, or a PKCS#11 token (config and PIN in a Secret). */
  public record CaKey(String keySecret, String pkcs11Secret, String pkcs11KeyAlias) {
    public CaKey {
      if ((keySecret == null) == (pkcs11Secret == null)) {
        throw new IllegalArgumentException("ca needs exactly one of keySecret or pkcs11.secret");
      }
    }
  }

  public Site {
    if (name == null || !DNS_LABEL.matcher(name).matches()) {
      throw new IllegalArgumentException("name must be a lower-case DNS label, got " + name);
    }
    if (namespace == null || !DNS_LABEL.matcher(namespace).matches()) {
      throw new IllegalArgumentException("namespace must be a lower-case DNS label, got " + namespace);
    }
    if (breakGlassNamespace == null || !DNS_LABEL.matcher(breakGlassNamespace).matches()) {
      throw new IllegalArgumentException("breakGlassNamespace must be a lower-case DNS label");
    }
    for (URI u : new URI[] {fulcio, rekor, tuf, oidcIssuer}) {
      requireHttp(u);
    }
    if (tsa != null) {
      requireHttp(tsa);
    }
    requireText(subjectRegExp, "ci.subjectRegExp");
    requireText(issuerType, "ci.issuerType");
    compiles(subjectRegExp, "ci.subjectRegExp");
    if (builderIdRegExp != null) {
      compiles(builderIdRegExp, "ci.builderIdRegExp");
    }
    images = List.copyOf(images);
    sidecars = List.copyOf(sidecars);
    if (images.isEmpty()) {
      throw new IllegalArgumentException("images: give at least one glob the CI signs");
    }
    for (String s : sidecars) {
      if (s.equals("**") || s.equals("*") || s.endsWith("/**") && s.indexOf('/') == s.length() - 3) {
        throw new IllegalArgumentException("sidecars: " + s + " is too broad for a static pass; name repositories");
      }
      if (images.contains(s)) {
        throw new IllegalArgumentException("sidecars: " + s + " is also in images");
      }
    }
    requireText(registryHost, "registry.host");
    registryCidrs = cidrs(registryCidrs, "registry.cidrs");
    apiServerCidrs = cidrs(apiServerCidrs, "apiServer.cidrs");
    registryPorts = ports(registryPorts, "registry.ports");
    apiServerPorts = ports(apiServerPorts, "apiServer.ports");
    requireText(imageRepository, "stackImages.repository");
    requireText(imageTag, "stackImages.tag");
    Objects.requireNonNull(postgres, "postgres");
    Objects.requireNonNull(caKey, "ca");
  }

  /** Reads and validates {@code site.yaml}. */
  public static Site read(Path file) throws IOException {
    String text = Files.readString(file);
    KEYS.check(file.toString(), text, YAML.getFactory());
    JsonNode r = YAML.readTree(text);
    if (r == null || !r.isObject()) {
      throw new IllegalArgumentException(file + ": not a YAML mapping");
    }
    JsonNode urls = r.path("urls");
    JsonNode ci = r.path("ci");
    JsonNode reg = r.path("registry");
    JsonNode api = r.path("apiServer");
    JsonNode img = r.path("stackImages");
    JsonNode pg = r.path("postgres");
    JsonNode ca = r.path("ca");
    return new Site(str(r, "name", null), str(r, "namespace", "sigstack"), uri(urls, "fulcio"), uri(urls, "rekor"),
        uri(urls, "tuf"), uri(urls, "oidcIssuer"), urls.has("tsa") ? uri(urls, "tsa") : null,
        str(ci, "subjectRegExp", null), str(ci, "builderIdRegExp", null), str(ci, "issuerType", "ci-provider"),
        str(ci, "provider", null), strings(r, "images"), strings(r, "sidecars"),
        str(reg, "host", null), strings(reg, "cidrs"), ints(reg, "ports", List.of(443)), strings(api, "cidrs"),
        ints(api, "ports", List.of(443, 6443)), str(img, "repository", null), str(img, "tag", "0.1.0"),
        new Postgres(str(pg, "host", null), pg.path("port").asInt(5432), str(pg, "user", "tlog"), str(pg, "passwordSecret", null), str(pg, "sslmode", "verify-full")),
        new CaKey(str(ca, "keySecret", null), str(ca.path("pkcs11"), "secret", null),
            str(ca.path("pkcs11"), "keyAlias", "fulcio")),
        str(r, "breakGlassNamespace", "sigstack-break-glass"));
  }

  private static String str(JsonNode n, String field, String dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isValueNode()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return v.asText();
  }

  private static URI uri(JsonNode n, String field) {
    String s = str(n, field, null);
    if (s == null) {
      throw new IllegalArgumentException("urls." + field + " is required");
    }
    return URI.create(s);
  }

  private static List<String> strings(JsonNode n, String field) {
    List<String> out = new ArrayList<>();
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(field + " must be a list");
    }
    v.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static List<Integer> ints(JsonNode n, String field, List<Integer> dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    List<Integer> out = new ArrayList<>();
    v.forEach(e -> out.add(e.asInt(-1)));
    return out;
  }

  private static void requireText(String s, String field) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
  }

  private static void requireHttp(URI u) {
    Objects.requireNonNull(u, "url");
    if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
      throw new IllegalArgumentException("not an http(s) URL: " + u);
    }
  }

  /** RE2 (RE2/J): the gate compiles {@code subjectRegExp} and the CUE {@code =~} of {@code builderIdRegExp} so. */
  private static void compiles(String regex, String field) {
    try {
      com.google.re2j.Pattern.compile(regex);
    } catch (com.google.re2j.PatternSyntaxException e) {
      throw new IllegalArgumentException(field + " is not a regular expression (RE2 syntax): " + e.getMessage());
    }
  }

  private static List<String> cidrs(List<String> cidrs, String field) {
    if (cidrs == null || cidrs.isEmpty()) {
      throw new IllegalArgumentException(field + ": give the addresses (CIDR) the gate may reach");
    }
    for (String c : cidrs) {
      if (!CIDR.matcher(c).matches()) {
        throw new IllegalArgumentException(field + ": not a CIDR: " + c);
      }
    }
    return List.copyOf(cidrs);
  }

  private static List<Integer> ports(List<Integer> ports, String field) {
    if (ports.isEmpty()) {
      throw new IllegalArgumentException(field + " is empty");
    }
    for (int p : ports) {
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException(field + ": port out of range: " + p);
      }
    }
    return List.copyOf(ports);
  }
}
