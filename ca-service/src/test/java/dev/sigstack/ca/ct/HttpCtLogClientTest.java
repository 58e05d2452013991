package dev.sigstack.ca.ct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

class HttpCtLogClientTest {

    @Test
    void requestBody_chain_isTheRfc6962JsonWithEachCertificateInBase64() throws Exception {
        List<byte[]> chain = List.of(new byte[] {0x30, 0x01, (byte) 0xff}, new byte[0], new byte[1000]);
        JsonNode n = new ObjectMapper().readTree(HttpCtLogClient.requestBody(chain));
        assertEquals(1, n.size());
        assertEquals(3, n.get("chain").size());
        for (int i = 0; i < chain.size(); i++) {
            assertArrayEquals(chain.get(i), Base64.getDecoder().decode(n.get("chain").get(i).asText()));
        }
        assertEquals("{\"chain\":[]}", new String(HttpCtLogClient.requestBody(List.of())));
    }
}
