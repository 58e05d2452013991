package dev.sigstack.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackTargetsTest {

  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  @TempDir Path tmp;

  @Test
  void of_rotatedRekorKeys_bothInTrustedRootAndLegacyTargetsWithStatus() throws Exception {
    var files = DevStack.write(tmp, "https://sigstack.internal", NOW);
    DevStack.pemPublic(tmp.resolve("rekor2.pub"), DevStack.ec().getPublic());
    String yaml = Files.readString(files.stackFile()).replace("\ntlogs:\n",
        "\ntlogs:\n  - baseUrl: https://sigstack.internal/rekor\n    publicKey: rekor2.pub\n"
            + "    validFor: {start: 2025-01-01T00:00:00Z, end: 2026-01-01T00:00:00Z}\n");
    Files.writeString(files.stackFile(), yaml);
    var targets = StackTargets.of(StackFile.read(files.stackFile()), NOW);

    TrustedRoot.Builder tr = TrustedRoot.newBuilder();
    JsonFormat.parser().merge(new String(targets.get("trusted_root.json").content(), StandardCharsets.UTF_8), tr);
    assertEquals(2, tr.getTlogsCount());
    assertEquals(2, tr.getCertificateAuthorities(0).getCertChain().getCertificatesCount());
    assertEquals(2, tr.getTimestampAuthorities(0).getCertChain().getCertificatesCount());
    assertEquals(List.of("trusted_root.json", "signing_config.v0.2.json", "fulcio_v1.crt.pem", "rekor.pub",
        "rekor_2.pub", "ctfe.pub", "tsa.certchain.pem"), List.copyOf(targets.keySet()));
    assertEquals("Expired", targets.get("rekor.pub").custom().get("sigstore").get("status").asText());
    assertEquals("Active", targets.get("rekor_2.pub").custom().get("sigstore").get("status").asText());
    assertEquals("https://sigstack.internal/rekor", targets.get("rekor_2.pub").custom().get("sigstore").get("uri").asText());
    assertEquals("TSA", targets.get("tsa.certchain.pem").custom().get("sigstore").get("usage").asText());
    assertEquals("CTFE", targets.get("ctfe.pub").custom().get("sigstore").get("usage").asText());
    String chain = new String(targets.get("fulcio_v1.crt.pem").content(), StandardCharsets.US_ASCII);
    assertEquals(2, chain.split("-----BEGIN CERTIFICATE-----", -1).length - 1);
  }

  @Test
  void read_missingField_namesFileAndPath() throws Exception {
    Path stack = tmp.resolve("stack.yaml");
    Files.writeString(stack, "certificateAuthorities:\n  - chain: x.pem\n");
    var e = assertThrows(IOException.class, () -> StackFile.read(stack));
    assertEquals(stack + ": certificateAuthorities[0].uri is required", e.getMessage());
  }

  @Test
  void read_tsaChainRootFirst_refusedWithChainOrderMessage() throws Exception {
    var files = DevStack.write(tmp, "https://sigstack.internal", NOW);
    List<String> pems = List.of(Files.readString(tmp.resolve("tsa-chain.pem")).split("(?<=-----END CERTIFICATE-----\n)"));
    Files.writeString(tmp.resolve("tsa-chain.pem"), pems.get(1) + pems.get(0));
    var stack = StackFile.read(files.stackFile());
    var e = assertThrows(IllegalArgumentException.class, () -> StackTargets.of(stack, NOW));
    assertTrue(e.getMessage().endsWith("give the chain leaf first"), e.getMessage());
  }
}
