package dev.sigstack.airgap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.sigstack.ca.identity.IdentityConfig;
import dev.sigstack.ca.tsa.TimestampAuthority;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The charts as a cluster would take them, as far as this machine allows (no API server runs here): every chart
 * rendered with several value sets by a real Helm (helm-java), every object parsed into fabric8's Kubernetes model
 * with unknown fields refused, applied to fabric8's mock API server in CRUD mode and read back; and the findings of
 * issue 17 (TSA keys shared, whole identity config, probes, shutdown, scheduling, digests, security context,
 * ServiceMonitor, Ingress, TUF mirror, log monitor and its break-glass join with the gate).
 */
@EnableKubernetesMockClient(crud = true)
class HelmChartsKubernetesTest {

  static final String NS = "sigstack";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> CHARTS = List.of("ca-service", "tlog-service", "tuf-mirror", "log-monitor", "admission-gate",
      "sigstack");
  static final String DIGEST = "sha256:" + "ab".repeat(32);

  static KubernetesClient client;

  @TempDir static Path work;
  static Path charts;
  static Path values;

  @BeforeAll
  static void setUp() throws Exception {
    String prop = System.getProperty("sigstack.helm");
    Path src = prop != null ? Path.of(prop) : Path.of("../helm");
    assumeTrue(Files.isDirectory(src), "no helm/ charts at " + src.toAbsolutePath());
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
    BundleFixture site = BundleFixture.create(work.resolve("site"));
    values = work.resolve("values");
    Files.createDirectories(values);
    for (var e : site.export().files().entrySet()) {
      if (e.getKey().startsWith("helm/")) {
        Files.write(values.resolve(e.getKey().substring(5)), e.getValue());
      }
    }
  }

  /** The value sets every chart is rendered with: defaults, what airgap-bundle export writes, and every opt-in on. */
  static List<Map<String, Object>> valueSets(String chart) {
    String p = chart.equals("sigstack") ? "" : null;
    List<Map<String, Object>> sets = new ArrayList<>();
    sets.add(Map.of());
    sets.add(Map.of("-f", values.resolve("values-" + chart + ".yaml")));
    Map<String, Object> all = new LinkedHashMap<>();
    for (String c : chart.equals("sigstack") ? CHARTS.subList(0, 5) : List.of(chart)) {
      String k = p == null ? "" : c + ".";
      all.put(k + "image.digest", DIGEST);
      all.put(k + "imagePullSecrets[0].name", "site-registry");
      all.put(k + "nodeSelector.sigstack\\.dev/pool", "trusted");
      all.put(k + "tolerations[0].key", "dedicated");
      all.put(k + "tolerations[0].operator", "Exists");
      all.put(k + "tolerations[0].effect", "NoSchedule");
      all.put(k + "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
          + ".matchExpressions[0].key", "zone");
      all.put(k + "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
          + ".matchExpressions[0].operator", "Exists");
      all.put(k + "resources.limits.cpu", "2");
      all.put(k + "podAnnotations.site\\.example/owner", "platform");
      if (!c.equals("tuf-mirror")) {
        all.put(k + "metrics.serviceMonitor.enabled", true);
      }
      if (Set.of("ca-service", "tlog-service", "tuf-mirror").contains(c)) {
        all.put(k + "ingress.enabled", true);
        all.put(k + "ingress.className", "nginx");
        all.put(k + "ingress.tls.secretName", c + "-tls");
      }
    }
    sets.add(all);
    return sets;
  }

  /** Renders once per chart and value set: helm-java takes up to a second a render on this machine. */
  static final Map<String, List<JsonNode>> RENDERED = new java.util.concurrent.ConcurrentHashMap<>();

  static List<JsonNode> render(String chart, Map<String, Object> set) throws Exception {
    String key = chart + " " + set;
    List<JsonNode> done = RENDERED.get(key);
    if (done == null) {
      done = renderNow(chart, set);
      RENDERED.put(key, done);
    }
    return done;
  }

  static List<JsonNode> renderNow(String chart, Map<String, Object> set) throws Exception {
    TemplateCommand t = new Helm(charts.resolve(chart)).template().withName(NS).withNamespace(NS);
    if (chart.equals("sigstack") || chart.equals("admission-gate")) {
      // helm-java's template runs lookup against a cluster; the gate's keepExisting lookup is turned off.
      t = t.set((chart.equals("sigstack") ? "admission-gate." : "") + "webhook.tls.keepExisting", false);
    }
    for (var e : set.entrySet()) {
      t = e.getKey().equals("-f") ? t.withValuesFile((Path) e.getValue()) : t.set(e.getKey(), e.getValue());
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
    return List.copyOf(docs);
  }

  static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  static JsonNode named(List<JsonNode> docs, String kind, String name) {
    return ofKind(docs, kind).stream().filter(d -> d.at("/metadata/name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  // --- schema validation: strict fabric8 parse, and the CRUD mock API server ------------------------------------

  /**
   * Every field of a fabric8 model object must be one the model knows: fabric8 keeps unknown fields in
   * {@code additionalProperties} instead of failing, so a misspelt or misplaced field (or one this Kubernetes API
   * version does not have) shows up there.
   */
  static void unknownFields(Object o, String path, List<String> out) throws Exception {
    if (o == null || o instanceof GenericKubernetesResource) {
      return;
    }
    if (o instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        unknownFields(e.getValue(), path + "." + e.getKey(), out);
      }
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object x : c) {
        unknownFields(x, path + "[" + i++ + "]", out);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
        continue;
      }
      Object v = m.invoke(o);
      if (m.getName().equals("getAdditionalProperties")) {
        if (v instanceof Map<?, ?> ap && !ap.isEmpty()) {
          out.add(path + ": unknown " + ap.keySet());
        }
        continue;
      }
      unknownFields(v, path + "." + m.getName().substring(3), out);
    }
  }

  static HasMetadata typed(JsonNode doc) {
    return new KubernetesSerialization().unmarshal(doc.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ca-service", "tlog-service", "tuf-mirror", "log-monitor", "admission-gate", "sigstack"})
  void everyRenderedObject_parsesStrictlyIntoTheKubernetesModel(String chart) throws Exception {
    int checked = 0;
    for (Map<String, Object> set : valueSets(chart)) {
      List<String> problems = new ArrayList<>();
      for (JsonNode doc : render(chart, set)) {
        HasMetadata o = typed(doc);
        String id = doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText();
        if (o instanceof GenericKubernetesResource) {
          // Only custom resources of CRDs fabric8 has no model for may be generic.
          assertEquals("ServiceMonitor", doc.path("kind").asText(), id + " parsed as a generic resource");
          assertTrue(doc.at("/spec/selector/matchLabels").size() > 0, id);
          continue;
        }
        unknownFields(o, id, problems);
        checked++;
      }
      assertEquals(List.of(), problems, chart + " with " + set);
    }
    assertTrue(checked > 10, "only " + checked + " objects checked");
  }

  /**
   * npm kubernetes-models 5.x (installed by scripts/peers.sh into src/test/js, as the interop peers are): every
   * object of every chart and value set, built as its model class and validated against the API's JSON schema
   * (types, enums, required fields). Skips when Node or the package is missing.
   */
  @Test
  void everyRenderedObject_validatesWithNpmKubernetesModels(@TempDir Path tmp) throws Exception {
    Path js = Path.of("src/test/js");
    assumeTrue(Files.isRegularFile(js.resolve("node_modules/kubernetes-models/package.json")),
        "npm kubernetes-models not installed in " + js.toAbsolutePath() + " (scripts/peers.sh installs it)");
    List<JsonNode> all = new ArrayList<>();
    for (String chart : CHARTS) {
      for (Map<String, Object> set : valueSets(chart)) {
        all.addAll(render(chart, set));
      }
    }
    Path file = tmp.resolve("objects.json");
    JSON.writeValue(file.toFile(), all);
    Process p = new ProcessBuilder("node", "validate-k8s.mjs", file.toAbsolutePath().toString())
        .directory(js.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "node did not finish");
    assertEquals(0, p.exitValue(), out);
    long monitors = all.stream().filter(d -> d.path("kind").asText().equals("ServiceMonitor")).count();
    assertTrue(out.contains("validated " + (all.size() - monitors) + ","), out);
  }

  @Test
  void umbrella_appliedToTheMockApiServer_readsBackEveryObject() throws Exception {
    List<JsonNode> docs = render("sigstack", valueSets("sigstack").get(2));
    int applied = 0;
    for (JsonNode doc : docs) {
      if (doc.path("kind").asText().equals("ServiceMonitor")) {
        continue; // prometheus-operator's CRD is not installed on the mock server
      }
      HasMetadata o = typed(doc);
      HasMetadata created = client.resource(o).create();
      assertNotNull(created, doc.path("kind").asText());
      HasMetadata read = client.resource(o).get();
      assertNotNull(read, "read back " + doc.path("kind").asText() + "/" + o.getMetadata().getName());
      JsonNode got = JSON.readTree(new KubernetesSerialization().asJson(read));
      for (String field : List.of("spec", "data", "rules", "webhooks", "roleRef", "subjects")) {
        if (doc.has(field)) {
          assertEquals(JSON.readTree(new KubernetesSerialization().asJson(o)).path(field), got.path(field),
              doc.path("kind").asText() + "/" + o.getMetadata().getName() + " " + field);
        }
      }
      applied++;
    }
    assertTrue(applied >= 30, "applied " + applied);
    assertEquals(6, client.apps().deployments().inNamespace(NS).list().getItems().size());
    assertEquals(2, client.persistentVolumeClaims().inNamespace(NS).list().getItems().size());
    assertEquals(2, client.apiextensions().v1().customResourceDefinitions().list().getItems().size());
  }

  // --- findings of issue 17 ------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"ca-service", "tlog-service", "tuf-mirror", "log-monitor", "admission-gate"})
  void everyPod_nonRoot65532ReadOnlyRootGracefulAndScheduledAsValuesSay(String chart) throws Exception {
    for (int i = 0; i < 3; i++) {
      Map<String, Object> set = valueSets(chart).get(i);
      for (JsonNode d : ofKind(render(chart, set), "Deployment")) {
        JsonNode pod = d.at("/spec/template/spec");
        String id = chart + " " + d.at("/metadata/name").asText() + " set " + i;
        assertEquals(65532, pod.at("/securityContext/runAsUser").asInt(), id);
        assertEquals(65532, pod.at("/securityContext/runAsGroup").asInt(), id);
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), id);
        int grace = pod.at("/terminationGracePeriodSeconds").asInt();
        assertTrue(grace > 0, id);
        for (JsonNode c : pod.get("containers")) {
          assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean(), id);
          assertEquals(65532, c.at("/securityContext/runAsUser").asInt(), id);
          assertFalse(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true), id);
          assertTrue(c.path("volumeMounts").toString().contains("\"/tmp\""), id + ": /tmp must be writable");
          JsonNode sleep = c.at("/lifecycle/preStop/sleep/seconds");
          if (!sleep.isMissingNode()) {
            assertTrue(sleep.asInt() < grace, id + ": the lame-duck sleep must end before the grace period");
          } else {
            assertEquals("log-monitor", chart, id + ": no preStop lame duck");
          }
          String image = c.get("image").asText();
          if (i == 2) {
            assertTrue(image.endsWith("@" + DIGEST) && !image.contains(":0.1.0"), id + ": digest wins: " + image);
            assertEquals("2", c.at("/resources/limits/cpu").asText(), id);
          } else {
            assertTrue(image.matches(".+/[a-z-]+:[^@]+"), image);
          }
        }
        if (i == 2) {
          assertEquals("site-registry", pod.at("/imagePullSecrets/0/name").asText(), id);
          assertEquals("trusted", pod.at("/nodeSelector/sigstack.dev~1pool").asText(), id);
          assertEquals("dedicated", pod.at("/tolerations/0/key").asText(), id);
          assertEquals("zone", pod.at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
              + "/nodeSelectorTerms/0/matchExpressions/0/key").asText(), id);
          assertEquals("platform", d.at("/spec/template/metadata/annotations/site.example~1owner").asText(), id);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ca-service", "tlog-service", "tuf-mirror"})
  void probes_readinessAndLivenessAreSeparateChecks(String chart) throws Exception {
    for (JsonNode d : ofKind(render(chart, Map.of()), "Deployment")) {
      JsonNode c = d.at("/spec/template/spec/containers/0");
      String ready = c.at("/readinessProbe/httpGet/path").asText();
      String live = c.at("/livenessProbe/httpGet/path").asText();
      assertFalse(ready.isEmpty() || live.isEmpty(), c.toString());
      assertNotEquals(ready, live, chart + ": one path for both probes");
      // Helidon's /observe/health is every check together (liveness included): readiness must be its own check.
      assertFalse(live.startsWith(ready) || ready.startsWith(live), chart + ": " + ready + " includes " + live);
    }
  }

  @Test
  void ca_tsaKeyAndChain_comeFromOneSecretEveryReplicaMounts(@TempDir Path tmp) throws Exception {
    List<JsonNode> docs = render("ca-service", Map.of("-f", values.resolve("values-ca-service.yaml")));
    JsonNode d = ofKind(docs, "Deployment").get(0);
    assertTrue(d.at("/spec/replicas").asInt() >= 2);
    JsonNode pod = d.at("/spec/template/spec");
    String data = null;
    for (JsonNode a : pod.at("/containers/0/args")) {
      if (a.asText().startsWith("--data=")) {
        data = a.asText().substring(7);
      }
    }
    assertNotNull(data);
    String tsaDir = data + "/tsa";
    JsonNode mount = null;
    for (JsonNode m : pod.at("/containers/0/volumeMounts")) {
      if (m.get("mountPath").asText().equals(tsaDir)) {
        mount = m;
      }
    }
    assertNotNull(mount, "nothing mounted at " + tsaDir + ": each replica would make its own TSA in the emptyDir");
    String volumeName = mount.get("name").asText();
    JsonNode volume = null;
    for (JsonNode v : pod.get("volumes")) {
      if (v.get("name").asText().equals(volumeName)) {
        volume = v;
      }
    }
    assertNotNull(volume);
    assertEquals("sigstack-tsa", volume.at("/secret/secretName").asText(), volume.toString());

    // The site makes the TSA once ("sigstack-ca keys tsa --dir tsa/"), and its tsa-chain.pem is what the TUF stack
    // file names. Lay the Secret out as the kubelet would from the rendered items; the CA must load that TSA, not
    // make a new one.
    char[] password = "tsa-password".toCharArray();
    Path made = tmp.resolve("made");
    TimestampAuthority site = TimestampAuthority.createOrLoad(made, password, "acme", Clock.systemUTC());
    Path replicaTsa = tmp.resolve("replica" + tsaDir);
    Files.createDirectories(replicaTsa);
    for (JsonNode item : volume.at("/secret/items")) {
      Files.copy(made.resolve(item.get("key").asText()), replicaTsa.resolve(item.get("path").asText()));
    }
    TimestampAuthority loaded = TimestampAuthority.createOrLoad(replicaTsa, password, "acme", Clock.systemUTC());
    assertEquals(site.chain(), loaded.chain(), "the replica serves the site's TSA chain");
    try (Stream<Path> files = Files.list(replicaTsa)) {
      assertEquals(2, files.count(), "the CA wrote nothing beside the Secret's files");
    }
  }

  @Test
  void ca_wholeIdentityConfig_loadsInTheCaWithStaticJwks(@TempDir Path tmp) throws Exception {
    String jwks = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k1\",\"use\":\"sig\","
        + "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("identity.oidcIssuers.https://gitlab\\.acme\\.internal.IssuerURL", "https://gitlab.acme.internal");
    set.put("identity.oidcIssuers.https://gitlab\\.acme\\.internal.ClientID", "sigstore");
    set.put("identity.oidcIssuers.https://gitlab\\.acme\\.internal.Type", "ci-provider");
    set.put("identity.oidcIssuers.https://gitlab\\.acme\\.internal.CIProvider", "gitlab-pipeline");
    set.put("identity.oidcIssuers.https://gitlab\\.acme\\.internal.JWKSFile", "gitlab.jwks.json");
    set.put("identity.metaIssuers.https://*\\.oidc\\.acme\\.internal.ClientID", "sigstore");
    set.put("identity.metaIssuers.https://*\\.oidc\\.acme\\.internal.Type", "kubernetes");
    set.put("identity.ciIssuerMetadata.gitlab-pipeline.DefaultTemplateValues.url", "https://gitlab.acme.internal");
    set.put("identity.ciIssuerMetadata.gitlab-pipeline.ExtensionTemplates.sourceRepositoryURI", "{{.url}}/{{.project_path}}");
    set.put("identity.ciIssuerMetadata.gitlab-pipeline.SubjectAlternativeNameTemplate", "{{.url}}/{{.ci_config_ref_uri}}");
    set.put("identity.jwksFiles.gitlab\\.jwks\\.json", jwks);
    List<JsonNode> docs = render("ca-service", set);
    JsonNode cm = named(docs, "ConfigMap", NS + "-ca-service-identity");
    // Lay the ConfigMap out as the kubelet would, and load it with the CA's own parser.
    Path dir = tmp.resolve("identity");
    Files.createDirectories(dir);
    for (var e : cm.get("data").properties()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue().asText(), StandardCharsets.UTF_8);
    }
    JsonNode id = JSON.readTree(cm.at("/data/identity.json").asText());
    assertEquals(Set.of("OIDCIssuers", "MetaIssuers", "CIIssuerMetadata"), Set.copyOf(iterable(id.fieldNames())));
    IdentityConfig config = IdentityConfig.load(dir.resolve("identity.json"));
    assertNotNull(config);
    assertEquals(jwks, JSON.readTree(Files.readString(dir.resolve("gitlab.jwks.json"))).toString());
    String args = ofKind(docs, "Deployment").get(0).at("/spec/template/spec/containers/0/args").toString();
    assertTrue(args.contains("--identity-config=/etc/sigstack/identity/identity.json"), args);
    String mounts = ofKind(docs, "Deployment").get(0).at("/spec/template/spec/containers/0/volumeMounts").toString();
    assertTrue(mounts.contains("/etc/sigstack/identity"), mounts);

    // A JWKSFile no jwksFiles entry provides is refused at render time, not at the CA's start.
    set.remove("identity.jwksFiles.gitlab\\.jwks\\.json");
    Exception e = assertThrows(Exception.class, () -> render("ca-service", set));
    assertTrue(e.getMessage().contains("JWKSFile gitlab.jwks.json"), e.getMessage());
  }

  static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> l = new ArrayList<>();
    it.forEachRemaining(l::add);
    return l;
  }

  @ParameterizedTest
  @CsvSource({
      "ca-service,identity.oidcIssuers.https://x.IssuerUrl,https://x",   // Fulcio's key is IssuerURL
      "ca-service,replica,3",
      "ca-service,tsa.secretName,''",
      "ca-service,image.digest,sha256:abc",
      "tlog-service,logs[0].keysecret,k",
      "tlog-service,ingres.enabled,true",
      "tuf-mirror,repository.existingclaim,x",
      "tuf-mirror,replicas,1",
      "log-monitor,alerts.webhok.url,https://x",
      "log-monitor,state.size,lots",
      "sigstack,tuf-miror.enabled,true",
      "sigstack,global.urls.fulcoi,https://x",
      "admission-gate,image.digest,latest",
      "admission-gate,metrics.servicemonitor.enabled,true"})
  void valuesOutOfSchema_refused(String chart, String key, String value) {
    Exception e = assertThrows(Exception.class, () -> render(chart, Map.of(key, value)));
    assertTrue(e.getMessage().contains("schema"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ca-service", "tlog-service", "tuf-mirror", "log-monitor", "admission-gate"})
  void serviceMonitor_optInAndSelectsTheServiceByItsPort(String chart) throws Exception {
    assertEquals(List.of(), ofKind(render(chart, Map.of()), "ServiceMonitor"), "opt-in");
    if (chart.equals("tuf-mirror")) {
      return; // static files, no metrics
    }
    List<JsonNode> docs = render(chart, Map.of("metrics.serviceMonitor.enabled", true));
    List<JsonNode> monitors = ofKind(docs, "ServiceMonitor");
    assertFalse(monitors.isEmpty());
    for (JsonNode sm : monitors) {
      JsonNode svc = ofKind(docs, "Service").stream()
          .filter(s -> HelmChartsTest.selects(sm.at("/spec/selector"), YAML.convertValue(s.at("/metadata/labels"), Map.class)))
          .findFirst().orElseThrow(() -> new AssertionError("no Service selected by " + sm));
      String port = sm.at("/spec/endpoints/0/port").asText();
      assertTrue(svc.at("/spec/ports").toString().contains("\"name\":\"" + port + "\""), svc.toString());
      assertTrue(sm.at("/spec/endpoints/0/path").asText().endsWith("metrics"));
    }
  }

  @ParameterizedTest
  @CsvSource({"ca-service,fulcio", "tlog-service,rekor", "tuf-mirror,tuf"})
  void ingress_optInWithTlsForTheSiteHost(String chart, String url) throws Exception {
    Path v = values.resolve("values-" + chart + ".yaml");
    JsonNode exported = YAML.readTree(v.toFile());
    String host = URI.create(exported.at("/global/urls/" + url).asText()).getHost();
    if (chart.equals("ca-service")) {
      assertEquals(host, exported.at("/hostname").asText(), "export writes the CA's hostname from urls.fulcio");
      // hostname wins over the URL's host
      JsonNode in = ofKind(render(chart, Map.of("-f", v, "ingress.enabled", true, "ingress.tls.secretName", "t",
          "hostname", "ca.other.internal")), "Ingress").get(0);
      assertEquals("ca.other.internal", in.at("/spec/rules/0/host").asText());
    }
    assertEquals(List.of(), ofKind(render(chart, Map.of("-f", v)), "Ingress"), "opt-in");
    Exception e = assertThrows(Exception.class, () -> render(chart, Map.of("-f", v, "ingress.enabled", true)));
    assertTrue(e.getMessage().contains("ingress.tls.secretName is required"), e.getMessage());
    List<JsonNode> docs = render(chart, Map.of("-f", v, "ingress.enabled", true, "ingress.tls.secretName", "site-tls"));
    JsonNode in = ofKind(docs, "Ingress").get(0);
    assertEquals(host, in.at("/spec/rules/0/host").asText(), "the host of the site's URL (hostname / global.urls)");
    assertEquals(host, in.at("/spec/tls/0/hosts/0").asText());
    assertEquals("site-tls", in.at("/spec/tls/0/secretName").asText());
    String backend = in.at("/spec/rules/0/http/paths/0/backend/service/name").asText();
    named(docs, "Service", backend);
  }

  @Test
  void tufMirror_servesTheRepositoryFromAReadOnlyClaim() throws Exception {
    List<JsonNode> docs = render("tuf-mirror", Map.of());
    JsonNode pod = ofKind(docs, "Deployment").get(0).at("/spec/template/spec");
    assertEquals("[\"serve\",\"--repo=/var/lib/sigstack/repository\",\"--bind=0.0.0.0\",\"--port=8080\"]",
        pod.at("/containers/0/args").toString());
    JsonNode pvc = ofKind(docs, "PersistentVolumeClaim").get(0);
    assertEquals(pvc.at("/metadata/name").asText(), pod.at("/volumes/0/persistentVolumeClaim/claimName").asText());
    assertTrue(pod.at("/volumes/0/persistentVolumeClaim/readOnly").asBoolean());
    assertEquals("keep", pvc.at("/metadata/annotations/helm.sh~1resource-policy").asText(), "roots outlive the release");
    List<JsonNode> own = render("tuf-mirror", Map.of("repository.existingClaim", "site-tuf"));
    assertEquals(List.of(), ofKind(own, "PersistentVolumeClaim"));
    assertEquals("site-tuf", ofKind(own, "Deployment").get(0)
        .at("/spec/template/spec/volumes/0/persistentVolumeClaim/claimName").asText());
  }

  @Test
  void logMonitor_allowlistStateAlertsAndTheGatesBreakGlassJoin() throws Exception {
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("allowlist.identities[0].issuer", "https://gitlab.acme.internal");
    set.put("allowlist.identities[0].subjectRegExp", "^https://gitlab\\.acme\\.internal/platform/.+$");
    set.put("alerts.webhook.url", "https://alerts.acme.internal/hook");
    set.put("alerts.webhook.tokenSecret.name", "monitor-webhook");
    set.put("alerts.egress.cidrs[0]", "10.30.0.5/32");
    List<JsonNode> docs = render("sigstack", Map.of("-f", values.resolve("values-sigstack.yaml")));
    List<JsonNode> mon = render("log-monitor", set);
    JsonNode d = ofKind(mon, "Deployment").get(0);
    assertEquals("Recreate", d.at("/spec/strategy/type").asText(), "one writer of the state");
    assertEquals(1, d.at("/spec/replicas").asInt());
    String args = d.at("/spec/template/spec/containers/0/args").toString();
    for (String a : List.of("\"run\"", "--state=/var/lib/sigstack/state", "--allowlist=", "--webhook=https://alerts.acme.internal/hook",
        "--webhook-token-file=", "--listen=0.0.0.0:9464", "--log-url=http://sigstack-tlog-service-rekor.sigstack.svc:3000",
        "--log-key=")) {
      assertTrue(args.contains(a), a + " in " + args);
    }
    JsonNode cm = ofKind(mon, "ConfigMap").get(0);
    assertTrue(cm.at("/data/allowlist.yaml").asText().contains("gitlab.acme.internal"), cm.toString());
    assertEquals("ReadWriteOnce", ofKind(mon, "PersistentVolumeClaim").get(0).at("/spec/accessModes/0").asText());
    JsonNode egress = named(mon, "NetworkPolicy", NS + "-log-monitor").at("/spec/egress");
    assertTrue(egress.toString().contains("10.30.0.5/32"), "the alert webhook is reachable: " + egress);

    // The join in the umbrella: the gate posts to the monitor's Service, and a policy lets it.
    JsonNode gate = named(docs, "Deployment", NS + "-admission-gate");
    String hook = null;
    for (JsonNode a : gate.at("/spec/template/spec/containers/0/args")) {
      if (a.asText().startsWith("--break-glass-webhook=")) {
        hook = a.asText().substring("--break-glass-webhook=".length());
      }
    }
    assertNotNull(hook, "the gate has no break-glass alert target");
    URI u = URI.create(hook);
    assertEquals("/v1/break-glass", u.getPath());
    JsonNode svc = named(docs, "Service", u.getHost().split("\\.")[0]);
    assertEquals(u.getPort(), svc.at("/spec/ports/0/port").asInt());
    Map<String, String> gateLabels = YAML.convertValue(gate.at("/spec/template/metadata/labels"), Map.class);
    JsonNode monPod = named(docs, "Deployment", NS + "-log-monitor").at("/spec/template");
    Map<String, String> monLabels = YAML.convertValue(monPod.at("/metadata/labels"), Map.class);
    int targetPort = monPod.at("/spec/containers/0/ports/0/containerPort").asInt();
    boolean allowed = false;
    for (JsonNode np : ofKind(docs, "NetworkPolicy")) {
      if (!HelmChartsTest.selects(np.at("/spec/podSelector"), gateLabels)) {
        continue;
      }
      for (JsonNode rule : np.at("/spec/egress")) {
        boolean to = false;
        for (JsonNode peer : rule.path("to")) {
          to |= peer.has("podSelector") && !peer.has("namespaceSelector")
              && HelmChartsTest.selects(peer.get("podSelector"), monLabels);
        }
        boolean port = false;
        for (JsonNode p : rule.path("ports")) {
          port |= p.get("port").asInt() == targetPort;
        }
        allowed |= to && port;
      }
    }
    assertTrue(allowed, "no NetworkPolicy lets the gate reach the log-monitor on " + targetPort);
    // The monitor accepts the gate's posts: the gate sends no token, so the umbrella sets none.
    assertFalse(named(docs, "Deployment", NS + "-log-monitor").toString().contains("--break-glass-token-file"));
  }

  @Test
  void umbrella_installsEveryPartAndTheCrdsBeforeTheWebhooks() throws Exception {
    List<JsonNode> docs = render("sigstack", Map.of("-f", values.resolve("values-sigstack.yaml")));
    Set<String> parts = new java.util.TreeSet<>();
    ofKind(docs, "Deployment").forEach(d -> parts.add(d.at("/metadata/labels/app.kubernetes.io~1name").asText()));
    assertEquals(Set.of("ca-service", "tlog-service", "tuf-mirror", "log-monitor", "admission-gate"), parts);
    assertEquals(2, ofKind(docs, "CustomResourceDefinition").size());
    // Helm applies a release in its kind order: CRDs before the Deployments, the webhook configurations last.
    String out = new Helm(charts.resolve("sigstack")).template().withName(NS).withNamespace(NS)
        .withValuesFile(values.resolve("values-sigstack.yaml")).set("admission-gate.webhook.tls.keepExisting", false).call();
    int crd = out.indexOf("kind: CustomResourceDefinition");
    int deployment = out.indexOf("kind: Deployment");
    int webhook = out.indexOf("kind: ValidatingWebhookConfiguration");
    assertTrue(crd >= 0 && crd < deployment && deployment < webhook, crd + " " + deployment + " " + webhook);
  }
}
