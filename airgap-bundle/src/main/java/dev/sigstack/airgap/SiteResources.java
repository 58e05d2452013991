package dev.sigstack.airgap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Kubernetes resources and Helm values an export writes for a {@link Site}: policy-controller
 * {@code ClusterImagePolicy} examples ({@code policy.sigstore.dev/v1beta1}), the
 * {@code config-policy-controller} ConfigMap for each rollout stage, and the values of the charts
 * under {@code helm/}.
 *
 * <p>policy-controller requires every policy whose {@code images} glob matches an image to pass
 * (they are ANDed), so the sidecar globs must not overlap the CI-signed globs; {@link Site} checks
 * the obvious overlaps.
 */
final class SiteResources {

  /** The in-toto predicate types {@code cosign attest --type slsaprovenance1 / cyclonedx} write. */
  static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
  static final String CYCLONEDX = "https://cyclonedx.org/bom";
  /** The namespace label policy-controller's webhooks select on. */
  static final String INCLUDE_LABEL = "policy.sigstore.dev/include";

  /** A rollout stage: its policy mode and {@code no-match-policy}. */
  enum Stage {
    WARN("stage1-warn", "warn", "warn"),
    ENFORCE("stage2-enforce", "enforce", "deny");

    final String dir;
    final String mode;
    final String noMatchPolicy;

    Stage(String dir, String mode, String noMatchPolicy) {
      this.dir = dir;
      this.mode = mode;
      this.noMatchPolicy = noMatchPolicy;
    }
  }

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

  private final Site site;
  private final String caRoot;

  /**
   * @param caRoot the CA root certificate (PEM) the CT log accepts chains to, or null
   */
  SiteResources(Site site, String caRoot) {
    this.site = site;
    this.caRoot = caRoot;
  }

  /** The last certificate of a PEM chain (the root, for a chain ordered leaf or intermediate first). */
  static String lastCertificate(String pemChain) {
    int begin = pemChain.lastIndexOf("-----BEGIN CERTIFICATE-----");
    if (begin < 0) {
      throw new IllegalArgumentException("the CA chain holds no PEM certificate");
    }
    return pemChain.substring(begin).strip() + "\n";
  }

  static byte[] yaml(ObjectNode node) {
    try {
      return YAML.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- policies --------------------------------------------------------------------------------

  /** Keyless: signed by the CI workflow (issuer and {@code subjectRegExp}), logged in the site's Rekor. */
  ObjectNode keylessPolicy(Stage stage) {
    ObjectNode cip = policy("keyless-ci", site.images(), stage);
    cip.withObject("/spec").withArray("authorities").add(keylessAuthority("ci-signature"));
    return cip;
  }

  /** A SLSA v1 provenance attestation from the CI, optionally from a given builder. */
  ObjectNode provenancePolicy(Stage stage) {
    ObjectNode cip = policy("slsa-provenance", site.images(), stage);
    ObjectNode a = keylessAuthority("ci-provenance");
    StringBuilder cue = new StringBuilder("predicateType: \"" + SLSA_PROVENANCE_V1 + "\"\n")
        .append("predicate: buildDefinition: buildType: string\n");
    if (site.builderIdRegExp() != null) {
      cue.append("predicate: runDetails: builder: id: =~\"").append(cueString(site.builderIdRegExp())).append("\"\n");
    }
    a.withArray("attestations").add(attestation("slsa-provenance", SLSA_PROVENANCE_V1, cue.toString()));
    cip.withObject("/spec").withArray("authorities").add(a);
    return cip;
  }

  /** A CycloneDX SBOM attestation from the CI. */
  ObjectNode sbomPolicy(Stage stage) {
    ObjectNode cip = policy("cyclonedx-sbom", site.images(), stage);
    ObjectNode a = keylessAuthority("ci-sbom");
    a.withArray("attestations").add(attestation("cyclonedx-sbom", CYCLONEDX,
        "predicateType: \"" + CYCLONEDX + "\"\npredicate: bomFormat: \"CycloneDX\"\n"));
    cip.withObject("/spec").withArray("authorities").add(a);
    return cip;
  }

  /** A static pass for the named third-party sidecar images only; null when the site names none. */
  ObjectNode sidecarPolicy(Stage stage) {
    if (site.sidecars().isEmpty()) {
      return null;
    }
    ObjectNode cip = policy("third-party-sidecars", site.sidecars(), stage);
    cip.withObject("/spec").withArray("authorities").addObject().put("name", "static-pass")
        .putObject("static").put("action", "pass");
    return cip;
  }

  /** The {@code config-policy-controller} ConfigMap for a stage. */
  ObjectNode policyControllerConfig(Stage stage) {
    ObjectNode cm = F.objectNode();
    cm.put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", "config-policy-controller").put("namespace", site.namespace());
    cm.putObject("data").put("no-match-policy", stage.noMatchPolicy);
    return cm;
  }

  private ObjectNode policy(String suffix, List<String> globs, Stage stage) {
    ObjectNode cip = F.objectNode();
    cip.put("apiVersion", "policy.sigstore.dev/v1beta1").put("kind", "ClusterImagePolicy");
    cip.putObject("metadata").put("name", site.name() + "-" + suffix)
        .putObject("labels").put("app.kubernetes.io/part-of", "sigstack").put("sigstack.dev/rollout-stage", stage.dir);
    ObjectNode spec = cip.putObject("spec");
    ArrayNode images = spec.putArray("images");
    globs.forEach(g -> images.addObject().put("glob", g));
    spec.put("mode", stage.mode);
    spec.putArray("authorities");
    return cip;
  }

  private ObjectNode keylessAuthority(String name) {
    ObjectNode a = F.objectNode();
    a.put("name", name);
    ObjectNode k = a.putObject("keyless");
    k.put("url", site.fulcio().toString());
    k.put("trustRootRef", site.name());
    k.putArray("identities").addObject().put("issuer", site.oidcIssuer().toString())
        .put("subjectRegExp", site.subjectRegExp());
    a.putObject("ctlog").put("url", site.rekor().toString()).put("trustRootRef", site.name());
    return a;
  }

  private static ObjectNode attestation(String name, String predicateType, String cue) {
    ObjectNode at = F.objectNode();
    at.put("name", name).put("predicateType", predicateType);
    at.putObject("policy").put("type", "cue").put("data", cue);
    return at;
  }

  private static String cueString(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  // --- Helm values -----------------------------------------------------------------------------

  /** Values for the umbrella chart {@code helm/sigstack}: {@code global} plus one section per chart. */
  ObjectNode umbrellaValues() {
    ObjectNode v = F.objectNode();
    v.set("global", global());
    v.set("ca-service", caValues());
    v.set("tlog-service", tlogValues());
    v.set("tuf-mirror", F.objectNode().put("replicas", 2));
    v.set("log-monitor", F.objectNode());
    // The umbrella's own values.yaml sends break-glass admissions to this release's log-monitor.
    v.set("admission-gate", gateValues());
    return v;
  }

  /** Values for one chart installed on its own: {@code global} plus the chart's section. */
  ObjectNode chartValues(String chart) {
    ObjectNode v = F.objectNode();
    v.set("global", global());
    ObjectNode section = (ObjectNode) umbrellaValues().get(chart);
    if (section == null) {
      throw new IllegalArgumentException("no chart " + chart);
    }
    v.setAll(section);
    return v;
  }

  private ObjectNode global() {
    ObjectNode g = F.objectNode();
    g.put("site", site.name());
    g.putObject("image").put("repository", site.imageRepository()).put("tag", site.imageTag());
    ObjectNode urls = g.putObject("urls");
    urls.put("fulcio", site.fulcio().toString());
    urls.put("rekor", site.rekor().toString());
    urls.put("tuf", site.tuf().toString());
    urls.put("oidcIssuer", site.oidcIssuer().toString());
    if (site.tsa() != null) {
      urls.put("tsa", site.tsa().toString());
    }
    ObjectNode api = g.putObject("networkPolicy").put("enabled", true).putObject("apiServer");
    ArrayNode cidrs = api.putArray("cidrs");
    site.apiServerCidrs().forEach(cidrs::add);
    ArrayNode ports = api.putArray("ports");
    site.apiServerPorts().forEach(ports::add);
    return g;
  }

  private ObjectNode caValues() {
    ObjectNode ca = F.objectNode();
    ca.put("replicas", 2);
    ca.put("hostname", site.fulcio().getHost());
    // Fulcio's identity config keys (config/identity/config.yaml): IssuerURL, ClientID, Type, CIProvider.
    ObjectNode issuer = ca.putObject("identity").putObject("oidcIssuers").putObject(site.oidcIssuer().toString());
    issuer.put("IssuerURL", site.oidcIssuer().toString()).put("ClientID", "sigstore").put("Type", site.issuerType());
    if (site.ciProvider() != null) {
      issuer.put("CIProvider", site.ciProvider());
    }
    // The TSA key and chain every replica shares; tsa-chain.pem is the chain the TUF stack file names.
    ca.putObject("tsa").put("secretName", "sigstack-tsa");
    if (site.caKey().keySecret() != null) {
      ca.putObject("caKey").put("secretName", site.caKey().keySecret());
    } else {
      ca.putObject("pkcs11").put("enabled", true).put("secretName", site.caKey().pkcs11Secret())
          .put("keyAlias", site.caKey().pkcs11KeyAlias());
    }
    return ca;
  }

  private ObjectNode tlogValues() {
    ObjectNode t = F.objectNode();
    t.put("replicas", 2);
    ArrayNode logs = t.putArray("logs");
    logs.addObject().put("name", "rekor").put("api", "rekor-v1").put("hostname", site.rekor().getHost())
        .put("database", "rekor").put("keySecret", "sigstack-rekor-key");
    ObjectNode ct = logs.addObject().put("name", "ctlog").put("api", "ct").put("hostname", site.rekor().getHost())
        .put("database", "ctlog").put("keySecret", "sigstack-ctlog-key");
    if (caRoot != null) {
      ct.put("ctRootsPem", caRoot);
    }
    Site.Postgres pg = site.postgres();
    ObjectNode p = t.putObject("postgresql");
    p.put("host", pg.host()).put("port", pg.port()).put("user", pg.user()).put("sslmode", pg.sslmode());
    p.putObject("passwordSecret").put("name", pg.passwordSecret()).put("key", "password");
    return t;
  }

  private ObjectNode gateValues() {
    ObjectNode g = F.objectNode();
    g.put("replicas", 2);
    g.putObject("trustRoot").put("name", site.name());
    g.putObject("policy").put("noMatchPolicy", Stage.WARN.noMatchPolicy);
    ObjectNode reg = g.putObject("registry");
    reg.put("host", site.registryHost());
    ArrayNode cidrs = reg.putArray("cidrs");
    site.registryCidrs().forEach(cidrs::add);
    ArrayNode ports = reg.putArray("ports");
    site.registryPorts().forEach(ports::add);
    g.putObject("breakGlass").put("namespace", site.breakGlassNamespace());
    return g;
  }

  // --- client commands -------------------------------------------------------------------------

  /** {@code clients/COMMANDS.md}: cosign and sigstore-js invocations with the site's URLs. */
  String clientCommands(boolean tlsBundle) {
    String f = site.fulcio().toString();
    String r = site.rekor().toString();
    String t = site.tuf().toString();
    String o = site.oidcIssuer().toString();
    String re = site.subjectRegExp();
    StringBuilder s = new StringBuilder();
    s.append("# Signing and verifying against ").append(site.name()).append("'s sigstack\n\n")
        .append("Paths are relative to the imported bundle. Every URL is internal; nothing here reaches the internet.\n\n");
    if (tlsBundle) {
      s.append("## TLS trust\n\n")
          .append("The services' TLS certificates chain to `clients/tls-trust-bundle.pem`. Go clients (cosign) read\n")
          .append("`SSL_CERT_FILE`; Node (sigstore-js) reads `NODE_EXTRA_CA_CERTS`; Java reads a trust store\n")
          .append("(`keytool -importcert -file clients/tls-trust-bundle.pem -keystore ci-truststore.p12`).\n\n")
          .append("```sh\nexport SSL_CERT_FILE=$PWD/clients/tls-trust-bundle.pem\n")
          .append("export NODE_EXTRA_CA_CERTS=$PWD/clients/tls-trust-bundle.pem\n```\n\n");
    }
    s.append("## cosign\n\n")
        .append("Trust the site's TUF root once per machine (writes `~/.sigstore/root`), or pass the trusted root\n")
        .append("explicitly with `--trusted-root`:\n\n")
        .append("```sh\ncosign initialize --mirror ").append(t).append(" --root tuf/root.json\n```\n\n")
        .append("Sign an image in CI (keyless, with the CI's OIDC token):\n\n")
        .append("```sh\ncosign sign --yes \\\n  --fulcio-url ").append(f).append(" \\\n  --rekor-url ").append(r)
        .append(" \\\n  --oidc-issuer ").append(o).append(" \\\n  --identity-token \"$CI_OIDC_TOKEN\" \\\n")
        .append("  IMAGE@sha256:DIGEST\n```\n\n")
        .append("With cosign 2.5 and later the signing config carries the URLs instead:\n\n")
        .append("```sh\ncosign sign --yes --signing-config clients/signing_config.v0.2.json \\\n")
        .append("  --trusted-root clients/trusted_root.json --identity-token \"$CI_OIDC_TOKEN\" IMAGE@sha256:DIGEST\n```\n\n")
        .append("Attest provenance and an SBOM (what the example policies require):\n\n")
        .append("```sh\ncosign attest --yes --type slsaprovenance1 --predicate provenance.json \\\n  --fulcio-url ")
        .append(f).append(" --rekor-url ").append(r).append(" \\\n  --trusted-root clients/trusted_root.json")
        .append(" --identity-token \"$CI_OIDC_TOKEN\" IMAGE@sha256:DIGEST\n")
        .append("cosign attest --yes --type cyclonedx --predicate sbom.cdx.json \\\n  --fulcio-url ").append(f)
        .append(" --rekor-url ").append(r).append(" \\\n  --trusted-root clients/trusted_root.json")
        .append(" --identity-token \"$CI_OIDC_TOKEN\" IMAGE@sha256:DIGEST\n```\n\n")
        .append("Verify:\n\n")
        .append("```sh\ncosign verify --trusted-root clients/trusted_root.json \\\n")
        .append("  --certificate-oidc-issuer ").append(o).append(" \\\n")
        .append("  --certificate-identity-regexp '").append(re).append("' \\\n  IMAGE@sha256:DIGEST\n")
        .append("cosign verify-attestation --type slsaprovenance1 --trusted-root clients/trusted_root.json \\\n")
        .append("  --certificate-oidc-issuer ").append(o).append(" --certificate-identity-regexp '").append(re)
        .append("' IMAGE@sha256:DIGEST\n```\n\n")
        .append("## sigstore-js (`@sigstore/cli`, `sigstore` npm package)\n\n")
        .append("```sh\nsigstore initialize --mirror ").append(t).append(" --root tuf/root.json\n")
        .append("sigstore attest statement.json --fulcio-url ").append(f).append(" --rekor-url ").append(r)
        .append(" \\\n  --oidc-issuer ").append(o).append(" -o statement.sigstore.json\n")
        .append("sigstore verify statement.sigstore.json --tuf-mirror-url ").append(t)
        .append(" --tuf-root-path tuf/root.json \\\n  --certificate-issuer ").append(o).append("\n```\n\n")
        .append("In code: `sigstore.sign(payload, {fulcioURL: '").append(f).append("', rekorURL: '").append(r)
        .append("'})` and\n`sigstore.verify(bundle, {tufMirrorURL: '").append(t)
        .append("', tufRootPath: 'tuf/root.json', certificateIssuer: '").append(o).append("'})`.\n\n")
        .append("## Check the bundle signing key\n\n")
        .append("`MANIFEST.json.sig` is a `cosign sign-blob` signature:\n\n")
        .append("```sh\ncosign verify-blob --key bundle-signing.pub --signature MANIFEST.json.sig")
        .append(" --insecure-ignore-tlog MANIFEST.json\n```\n");
    return s.toString();
  }
}
