package dev.sigstack.airgap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lints and renders every chart under {@code helm/} with a real Helm (helm-java), with the charts'
 * defaults and with the values {@code airgap-bundle export} writes, and checks the rendered objects.
 *
 * <p>One switch differs from the defaults when rendering: helm-java's template runs {@code lookup}
 * against a cluster (the helm CLI's {@code helm template} does not), so the gate's
 * {@code webhook.tls.keepExisting} lookup of its previous serving certificate is turned off.
 */
class HelmChartsTest {

  static final String NS = "sigstack";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir static Path work;
  static Path charts;
  static Path source;
  static Path values;
  static BundleFixture site;

  @BeforeAll
  static void setUp() throws Exception {
    String prop = System.getProperty("sigstack.helm");
    Path src = prop != null ? Path.of(prop) : Path.of("../helm");
    assumeTrue(Files.isDirectory(src), "no helm/ charts at " + src.toAbsolutePath());
    source = src;
    charts = work.resolve("helm");
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.toList()) {
        Path rel = src.relativize(p);
        if (rel.startsWith("sigstack/charts") || rel.toString().equals("sigstack/Chart.lock")) {
          continue;
        }
        Path to = charts.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    new Helm(charts.resolve("sigstack")).dependency().update().call();
    site = BundleFixture.create(work.resolve("site"));
    values = work.resolve("values");
    Files.createDirectories(values);
    for (var e : site.export().files().entrySet()) {
      if (e.getKey().startsWith("helm/")) {
        Files.write(values.resolve(e.getKey().substring(5)), e.getValue());
      }
    }
  }

  static List<JsonNode> render(String chart, Path valuesFile, Map<String, Object> set) throws Exception {
    TemplateCommand t = new Helm(charts.resolve(chart)).template().withName(NS).withNamespace(NS)
        .set((chart.equals("sigstack") ? "admission-gate." : "") + "webhook.tls.keepExisting", false);
    if (valuesFile != null) {
      t = t.withValuesFile(valuesFile);
    }
    for (var e : set.entrySet()) {
      t = t.set(e.getKey(), e.getValue());
    }
    String out = t.call();
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(out)) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isEmpty()) {
          docs.add(n);
        }
      }
    }
    return docs;
  }

  static Path exported(String chart) {
    return values.resolve("values-" + chart + ".yaml");
  }

  static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  static Set<String> kinds(List<JsonNode> docs) {
    Set<String> k = new HashSet<>();
    docs.forEach(d -> k.add(d.path("kind").asText()));
    return k;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ca-service", "tlog-service", "admission-gate", "sigstack"})
  void lint_chartDefaultsStrict_passes(String chart) {
    LintResult defaults = new Helm(charts.resolve(chart)).lint().strict().call();
    assertFalse(defaults.isFailed(), chart + ": " + defaults.getMessages());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ca-service", "tlog-service", "admission-gate", "sigstack"})
  void template_defaultsAndExportedValues_renderEveryKind(String chart) throws Exception {
    Set<String> expected = switch (chart) {
      case "ca-service" -> Set.of("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap");
      case "tlog-service" -> Set.of("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy");
      default -> Set.of("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap",
          "CustomResourceDefinition", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
          "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "Secret", "Namespace");
    };
    for (Path v : new Path[] {null, exported(chart)}) {
      List<JsonNode> docs = render(chart, v, Map.of());
      assertTrue(kinds(docs).containsAll(expected), chart + " with " + v + ": " + kinds(docs));
      if (!chart.equals("sigstack")) {
        continue;
      }
      assertEquals(4, ofKind(docs, "Deployment").size(), "the umbrella renders the CA, two logs and the gate");
    }
  }

  @Test
  void template_crds_clusterImagePolicyAndTrustRoot() throws Exception {
    List<JsonNode> crds = ofKind(render("admission-gate", null, Map.of()), "CustomResourceDefinition");
    Set<String> names = new HashSet<>();
    crds.forEach(c -> names.add(c.at("/metadata/name").asText()));
    assertEquals(Set.of("clusterimagepolicies.policy.sigstore.dev", "trustroots.policy.sigstore.dev"), names);
    for (JsonNode c : crds) {
      assertEquals("Cluster", c.at("/spec/scope").asText());
      assertEquals("keep", c.at("/metadata/annotations/helm.sh~1resource-policy").asText());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"clusterimagepolicy.yaml", "trustroot.yaml"})
  void crds_chartCopiesEqualTheGatesOwn(String file) throws Exception {
    Path gate = source.resolve("../admission-gate/src/main/resources/crds").resolve(file);
    assumeTrue(Files.isRegularFile(gate), "no gate CRD at " + gate);
    assertEquals(Files.readString(gate), Files.readString(source.resolve("admission-gate/files/crds").resolve(file)),
        "helm/admission-gate/files/crds/" + file + " drifted from the gate's; copy it again");
  }

  @Test
  void template_gate_runsGateMainWithTheSiteTrustRootAndServingCertificate() throws Exception {
    List<JsonNode> docs = render("admission-gate", exported("admission-gate"), Map.of());
    String args = ofKind(docs, "Deployment").get(0).at("/spec/template/spec/containers/0/args").toString();
    assertTrue(args.contains("\"serve\"") && args.contains("--default-trust-root=acme")
        && args.contains("--tls-cert=/etc/sigstack/tls/tls.crt") && args.contains("--tls-key=/etc/sigstack/tls/tls.key"),
        args);
    String rbac = ofKind(docs, "ClusterRole").get(0).toString();
    assertTrue(rbac.contains("events") && rbac.contains("trustroots") && rbac.contains("clusterimagepolicies"), rbac);
  }

  @Test
  void template_webhooks_failClosedWithCaBundleAndIncludeSelector() throws Exception {
    for (Path v : new Path[] {null, exported("admission-gate")}) {
      List<JsonNode> docs = render("admission-gate", v, Map.of());
      JsonNode secret = ofKind(docs, "Secret").get(0);
      String ca = new String(Base64.getDecoder().decode(secret.at("/data/ca.crt").asText()), StandardCharsets.US_ASCII);
      List<JsonNode> configs = new ArrayList<>(ofKind(docs, "ValidatingWebhookConfiguration"));
      configs.addAll(ofKind(docs, "MutatingWebhookConfiguration"));
      assertEquals(2, configs.size());
      for (JsonNode cfg : configs) {
        for (JsonNode w : cfg.get("webhooks")) {
          String bundle = w.at("/clientConfig/caBundle").asText();
          assertFalse(bundle.isEmpty(), "caBundle empty");
          assertEquals(ca, new String(Base64.getDecoder().decode(bundle), StandardCharsets.US_ASCII),
              "caBundle must be the CA of the serving certificate Secret");
          int timeout = w.get("timeoutSeconds").asInt();
          assertTrue(timeout >= 1 && timeout <= 30, "timeoutSeconds must be 1..30, got " + timeout);
          if (w.get("name").asText().equals("validating.clusterimagepolicy.sigstore.dev")) {
            // Cluster-scoped policy resources (/validate-policy): no namespaceSelector.
            assertEquals("Fail", w.get("failurePolicy").asText());
            assertTrue(w.get("rules").toString().contains("clusterimagepolicies"));
            continue;
          }
          JsonNode sel = w.get("namespaceSelector");
          if (w.get("name").asText().equals("breakglass-audit.sigstack.dev")) {
            assertEquals("Ignore", w.get("failurePolicy").asText(), "the audit webhook never blocks");
            continue;
          }
          assertEquals("Fail", w.get("failurePolicy").asText());
          assertEquals("None", w.get("sideEffects").asText());
          assertTrue(selects(sel, Map.of("policy.sigstore.dev/include", "true")));
          assertFalse(selects(sel, Map.of()));
          assertFalse(selects(sel, Map.of("policy.sigstore.dev/include", "false")));
          assertTrue(w.get("rules").toString().contains("pods"));
          assertTrue(w.get("rules").toString().contains("deployments"));
        }
      }
      // The serving certificate is signed by the caBundle CA and names the Service.
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      X509Certificate caCert = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(
          ca.getBytes(StandardCharsets.US_ASCII)));
      X509Certificate leaf = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(
          Base64.getDecoder().decode(secret.at("/data/tls.crt").asText())));
      leaf.verify(caCert.getPublicKey());
      String svc = ofKind(docs, "Service").get(0).at("/metadata/name").asText();
      assertTrue(leaf.getSubjectAlternativeNames().toString().contains(svc + "." + NS + ".svc"),
          leaf.getSubjectAlternativeNames().toString());
    }
  }

  @Test
  void template_breakGlassNamespace_neverSelectedByTheWebhooks() throws Exception {
    List<JsonNode> docs = render("admission-gate", exported("admission-gate"), Map.of());
    JsonNode ns = ofKind(docs, "Namespace").get(0);
    assertEquals("sigstack-break-glass", ns.at("/metadata/name").asText());
    Map<String, String> labels = YAML.convertValue(ns.at("/metadata/labels"), Map.class);
    assertEquals("true", labels.get("sigstack.dev/break-glass"));
    List<JsonNode> webhooks = new ArrayList<>();
    ofKind(docs, "ValidatingWebhookConfiguration").get(0).get("webhooks").forEach(webhooks::add);
    JsonNode enforcing = webhooks.stream().filter(w -> w.at("/clientConfig/service/path").asText().equals("/validate")
        && !w.get("name").asText().equals("breakglass-audit.sigstack.dev")).findFirst().orElseThrow();
    JsonNode audit = webhooks.stream().filter(w -> w.get("name").asText().equals("breakglass-audit.sigstack.dev"))
        .findFirst().orElseThrow();
    assertFalse(selects(enforcing.get("namespaceSelector"), labels), "enforcement skips break-glass");
    assertTrue(selects(audit.get("namespaceSelector"), labels), "the audit webhook sees break-glass");
    assertFalse(selects(audit.get("namespaceSelector"), Map.of("policy.sigstore.dev/include", "true")),
        "audit and enforcement select disjoint namespaces");
    assertFalse(selects(audit.get("namespaceSelector"), Map.of()));
    JsonNode rb = ofKind(docs, "RoleBinding").stream()
        .filter(r -> r.at("/metadata/namespace").asText().equals("sigstack-break-glass")).findFirst().orElseThrow();
    assertEquals("Group", rb.at("/subjects/0/kind").asText());
  }

  @Test
  void template_gateNetworkPolicy_egressOnlyToApiServerRegistryAndDns() throws Exception {
    List<JsonNode> docs = render("admission-gate", exported("admission-gate"), Map.of());
    JsonNode np = ofKind(docs, "NetworkPolicy").get(0);
    assertTrue(np.at("/spec/policyTypes").toString().contains("Egress"));
    JsonNode egress = np.at("/spec/egress");
    assertEquals(3, egress.size(), egress.toString());
    for (JsonNode rule : egress) {
      assertTrue(rule.has("to") && rule.get("to").size() > 0, "a rule without 'to' allows every address: " + rule);
      assertTrue(rule.has("ports") && rule.get("ports").size() > 0, "a rule without ports allows every port: " + rule);
    }
    assertEquals(List.of("10.96.0.1/32", "172.18.0.2/32"), cidrs(egress.get(0)));
    assertEquals(List.of(443, 6443), ports(egress.get(0)));
    assertEquals(List.of("10.20.0.10/32"), cidrs(egress.get(1)));
    assertEquals(List.of(443, 5000), ports(egress.get(1)));
    assertEquals("kube-system", egress.get(2).at("/to/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name")
        .asText());
    assertEquals(List.of(53, 53), ports(egress.get(2)));

    List<JsonNode> noDns = render("admission-gate", exported("admission-gate"),
        Map.of("global.networkPolicy.dns.enabled", false));
    assertEquals(2, ofKind(noDns, "NetworkPolicy").get(0).at("/spec/egress").size());
  }

  @Test
  void template_gateApiServerAuth_clientCaAndIngressOnlyFromTheApiServer() throws Exception {
    List<JsonNode> open = render("admission-gate", exported("admission-gate"), Map.of());
    JsonNode ingress = ofKind(open, "NetworkPolicy").get(0).at("/spec/ingress/0");
    assertFalse(ingress.has("from"), "without ingressCidrs any source may connect (documented): " + ingress);
    JsonNode gate = ofKind(open, "Deployment").get(0).at("/spec/template/spec/containers/0");
    assertFalse(gate.get("args").toString().contains("--client-ca"));
    assertTrue(gate.get("args").toString().contains("\"--review-timeout=PT8.0S\""), gate.get("args").toString());
    assertTrue(gate.get("args").toString().contains("\"--max-in-flight-bytes=134217728\""),
        gate.get("args").toString());

    String ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    List<JsonNode> closed = render("admission-gate", exported("admission-gate"), Map.of(
        "apiServerAuth.clientCa", ca, "apiServerAuth.ingressCidrs[0]", "172.18.0.2/32",
        "webhook.timeoutSeconds", 5));
    JsonNode np = ofKind(closed, "NetworkPolicy").get(0).at("/spec/ingress/0");
    assertEquals(1, np.get("from").size(), np.toString());
    assertEquals("172.18.0.2/32", np.at("/from/0/ipBlock/cidr").asText());
    JsonNode c = ofKind(closed, "Deployment").get(0).at("/spec/template/spec/containers/0");
    assertTrue(c.get("args").toString().contains("\"--client-ca=/etc/sigstack/client-ca/ca.pem\""));
    assertTrue(c.get("args").toString().contains("\"--review-timeout=PT4.0S\""), c.get("args").toString());
    assertTrue(c.at("/readinessProbe").has("tcpSocket"), "kubelet has no client certificate: " + c);
    assertTrue(ofKind(closed, "ConfigMap").stream().anyMatch(m -> m.at("/data/ca.pem").asText().contains("MIIB")));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"webhook.failurePolicy,Maybe", "webhook.timeoutSeconds,31",
      "policy.noMatchPolicy,permit", "registry.cidrs[0],registry.acme.internal", "podDisruptionBudget.maxUnavailable,0"})
  void template_gateValueOutOfSchema_refused(String key, String value) {
    Exception e = assertThrows(Exception.class, () -> render("admission-gate", null, Map.of(key, value)));
    assertTrue(e.getMessage().contains("schema"), e.getMessage());
  }

  @Test
  void template_gateWithoutApiServerCidrs_refused() {
    Exception e = assertThrows(Exception.class,
        () -> render("admission-gate", null, Map.of("global.networkPolicy.apiServer.cidrs", "null")));
    assertTrue(e.getMessage().contains("apiServer.cidrs is required"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ca-service", "tlog-service", "admission-gate", "sigstack"})
  void template_pdbAndReplicas_consistentAndUpgradeable(String chart) throws Exception {
    for (Path v : new Path[] {null, exported(chart)}) {
      List<JsonNode> docs = render(chart, v, Map.of());
      List<JsonNode> pdbs = ofKind(docs, "PodDisruptionBudget");
      List<JsonNode> deployments = ofKind(docs, "Deployment");
      assertEquals(deployments.size(), pdbs.size());
      for (JsonNode d : deployments) {
        int replicas = d.at("/spec/replicas").asInt();
        assertTrue(replicas >= 2, d.at("/metadata/name") + " replicas " + replicas);
        JsonNode pdb = pdbs.stream().filter(p -> p.at("/spec/selector/matchLabels")
            .equals(d.at("/spec/selector/matchLabels"))).findFirst().orElseThrow();
        assertTrue(pdb.at("/spec/minAvailable").isMissingNode(), "minAvailable blocks upgrades at low replica counts");
        int maxUnavailable = pdb.at("/spec/maxUnavailable").asInt();
        assertTrue(maxUnavailable >= 1 && maxUnavailable < replicas,
            "maxUnavailable " + maxUnavailable + " with " + replicas + " replicas");
        assertEquals(0, d.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt());
        JsonNode pod = d.at("/spec/template");
        JsonNode c = pod.at("/spec/containers/0");
        boolean gate = d.at("/metadata/name").asText().endsWith("admission-gate");
        // Helidon's observe endpoints for the services; the gate serves /healthz and /metrics itself.
        String health = gate ? "/healthz" : "/observe/health";
        assertTrue(c.at("/readinessProbe/httpGet/path").asText().startsWith(health), c.toString());
        assertTrue(c.at("/livenessProbe/httpGet/path").asText().startsWith(health), c.toString());
        assertEquals("true", pod.at("/metadata/annotations/prometheus.io~1scrape").asText());
        assertEquals(gate ? "/metrics" : "/observe/metrics", pod.at("/metadata/annotations/prometheus.io~1path").asText());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ca-service", "tlog-service", "admission-gate"})
  void template_oneReplica_refused(String chart) {
    Exception e = assertThrows(Exception.class, () -> render(chart, null, Map.of("replicas", 1)));
    // The template guard, or for the gate its values schema, names the setting.
    assertTrue(e.getMessage().contains("replicas must be at least 2")
        || e.getMessage().contains("at '/replicas': minimum: got 1, want 2"), e.getMessage());
  }

  @Test
  void template_exportedValues_carrySiteSecretsAndUrls() throws Exception {
    List<JsonNode> docs = render("sigstack", exported("sigstack"), Map.of());
    JsonNode tlog = ofKind(docs, "Deployment").stream()
        .filter(d -> d.at("/metadata/name").asText().endsWith("tlog-service-rekor")).findFirst().orElseThrow();
    String env = tlog.at("/spec/template/spec/containers/0/env").toString();
    assertTrue(env.contains("jdbc:postgresql://pg.acme.internal:5432/rekor"), env);
    assertTrue(env.contains("rekor-v1"), env);
    JsonNode roots = ofKind(docs, "ConfigMap").stream()
        .filter(d -> d.at("/metadata/name").asText().endsWith("tlog-service-ctlog-roots")).findFirst().orElseThrow();
    String rootPem = roots.at("/data/ct-roots.pem").asText();
    X509Certificate root = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(rootPem.getBytes(StandardCharsets.US_ASCII)));
    assertEquals(root.getSubjectX500Principal(), root.getIssuerX500Principal(), "the CT log accepts chains to the root");
    JsonNode ca0 = ofKind(docs, "Deployment").stream()
        .filter(d -> d.at("/metadata/name").asText().endsWith("ca-service")).findFirst().orElseThrow();
    assertTrue(ca0.toString().contains("--ct-log=http://sigstack-tlog-service-ctlog.sigstack.svc:3000"), ca0.toString());
    assertTrue(env.contains("sigstack-tlog-db"), env);
    assertFalse(env.contains("password=secret"), env);
    JsonNode ca = ofKind(docs, "Deployment").stream()
        .filter(d -> d.at("/metadata/name").asText().endsWith("ca-service")).findFirst().orElseThrow();
    assertTrue(ca.toString().contains("sigstack-ca-key"));
    assertTrue(ca.at("/spec/template/spec/containers/0/image").asText().startsWith("registry.acme.internal/sigstack/"));
    JsonNode identity = ofKind(docs, "ConfigMap").stream()
        .filter(d -> d.at("/metadata/name").asText().endsWith("identity")).findFirst().orElseThrow();
    assertTrue(identity.at("/data/identity.json").asText().contains("\"IssuerURL\": \"https://gitlab.acme.internal\""),
        identity.toString());
    JsonNode cfg = ofKind(docs, "ConfigMap").stream()
        .filter(d -> d.at("/metadata/name").asText().equals("config-policy-controller")).findFirst().orElseThrow();
    assertEquals("warn", cfg.at("/data/no-match-policy").asText(), "stage one warns");
  }

  @Test
  void template_caWithGrpcKeystore_mountsItWithItsPassword() throws Exception {
    String c = ofKind(render("ca-service", null, Map.of("grpcTls.secretName", "ca-grpc-tls")), "Deployment").get(0)
        .toString();
    assertTrue(c.contains("--grpc-keystore=/etc/sigstack/grpc/keystore.p12") && c.contains("SIGSTACK_GRPC_KEYSTORE_PASSWORD")
        && c.contains("ca-grpc-tls"), c);
  }

  @Test
  void template_caWithPkcs11_mountsTokenConfigAndPin() throws Exception {
    List<JsonNode> docs = render("ca-service", null, Map.of("pkcs11.enabled", true));
    String c = ofKind(docs, "Deployment").get(0).toString();
    assertTrue(c.contains("SIGSTACK_PKCS11_PIN") && c.contains("pkcs11.cfg"), c);
    assertFalse(c.contains("SIGSTACK_CA_KEY_PASSWORD"), c);
  }

  @Test
  void importedBundle_carriedChartsRenderWithTheCarriedValues(@TempDir Path tmp) throws Exception {
    Path tgz = tmp.resolve("acme.tar.gz");
    Exporter.write(site.export(source), tgz);
    Path into = tmp.resolve("imported");
    Verifier.Verified v = Importer.importBundle(tgz, into, site.options(), Progress.NONE);
    assertTrue(v.files().containsKey("helm/charts/sigstack/Chart.yaml"), v.files().keySet().toString());
    assertFalse(v.files().keySet().stream().anyMatch(k -> k.startsWith("helm/charts/sigstack/charts/")),
        "built dependencies are not carried");
    Path umbrella = into.resolve("helm/charts/sigstack");
    new Helm(umbrella).dependency().update().call();
    String out = new Helm(umbrella).template().withName(NS).withNamespace(NS)
        .withValuesFile(into.resolve("helm/values-sigstack.yaml"))
        .set("admission-gate.webhook.tls.keepExisting", false).call();
    assertTrue(out.contains("kind: ValidatingWebhookConfiguration"), out);
    assertTrue(out.contains("registry.acme.internal/sigstack/admission-gate:0.1.0"), out);
  }

  /** Evaluates a label selector (matchLabels and matchExpressions) the way the API server does. */
  static boolean selects(JsonNode selector, Map<String, String> labels) {
    var ml = selector.path("matchLabels").properties();
    for (var e : ml) {
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonNode ex : selector.path("matchExpressions")) {
      String key = ex.get("key").asText();
      Set<String> vals = new HashSet<>();
      ex.path("values").forEach(x -> vals.add(x.asText()));
      boolean ok = switch (ex.get("operator").asText()) {
        case "In" -> labels.containsKey(key) && vals.contains(labels.get(key));
        case "NotIn" -> !labels.containsKey(key) || !vals.contains(labels.get(key));
        case "Exists" -> labels.containsKey(key);
        case "DoesNotExist" -> !labels.containsKey(key);
        default -> throw new IllegalArgumentException(ex.toString());
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static List<String> cidrs(JsonNode rule) {
    List<String> out = new ArrayList<>();
    rule.get("to").forEach(t -> out.add(t.at("/ipBlock/cidr").asText()));
    return out;
  }

  private static List<Integer> ports(JsonNode rule) {
    List<Integer> out = new ArrayList<>();
    rule.get("ports").forEach(p -> out.add(p.get("port").asInt()));
    return out;
  }

  static void assertPresent(Object o) {
    assertNotNull(o);
  }
}
