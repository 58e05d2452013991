package dev.sigstack.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class StackTest {
    @TempDir
    Path dataDir;

    @Test
    void start_writesStackJsonWhoseUrlsAnswer_andRestartKeepsTheLogKey() throws Exception {
        String key;
        try (Stack stack = Stack.start(new Stack.Settings(dataDir, "127.0.0.1", 0))) {
            JsonNode json = new ObjectMapper().readTree(dataDir.resolve("stack.json").toFile());
            String checkpoint = json.at("/services/tlog/checkpoint").asText();
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(checkpoint)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().startsWith("localhost\n0\n"), r.body());
            key = json.at("/services/tlog/publicKey").asText();
            assertTrue(stack.banner().contains(stack.tlogUrl()));
        }
        try (Stack again = Stack.start(new Stack.Settings(dataDir, "127.0.0.1", 0))) {
            JsonNode json = new ObjectMapper().readTree(dataDir.resolve("stack.json").toFile());
            assertEquals(key, json.at("/services/tlog/publicKey").asText());
        }
    }
}
