package dev.sigstack.gate.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Pull secrets: Docker config JSON forms, normalisation, hostile input, no secret in toString. */
class RegistryCredentialsTest {
    @Test
    void fromDockerConfig_authAndUserPassForms_byHost() {
        String auth = Base64.getEncoder().encodeToString("u1:p:with:colons".getBytes());
        RegistryCredentials c = RegistryCredentials.fromDockerConfig(("{\"auths\":{"
                + "\"https://registry.internal:5000/v2/\":{\"auth\":\"" + auth + "\"},"
                + "\"docker.io\":{\"username\":\"u2\",\"password\":\"p2\"}}}").getBytes());
        assertEquals("u1", c.forHost("registry.internal:5000").orElseThrow().username());
        assertEquals("p:with:colons", c.forHost("registry.internal:5000").orElseThrow().password());
        assertEquals("u2", c.forHost("index.docker.io").orElseThrow().username());
        assertTrue(c.forHost("other").isEmpty());
        assertFalse(c.toString().contains("p2") || c.forHost("index.docker.io").orElseThrow().toString()
                .contains("p2"));
    }

    @Test
    void fromDockerConfig_hostileInput_refusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> RegistryCredentials.fromDockerConfig("{".getBytes()));
        String noColon = Base64.getEncoder().encodeToString("nocolon".getBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistryCredentials
                .fromDockerConfig(("{\"auths\":{\"r\":{\"auth\":\"" + noColon + "\"}}}").getBytes()));
        assertTrue(e.getMessage().contains("without ':'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RegistryCredentials.fromDockerConfig(
                "{\"auths\":{\"r\":{\"auth\":\"***\"}}}".getBytes()));
    }
}
