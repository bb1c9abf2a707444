package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.testing.PackagedApp;

/**
 * Past {@code switchboard.max-in-flight} a request is shed at once with 503 overloaded and Retry-After: 1, never
 * queued; the requests in flight are unharmed, and the shed one is counted.
 */
class OverloadIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpRequest chat(PackagedApp app) {
        return HttpRequest.newBuilder(URI.create(app.url("/v1/chat/completions")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
    }

    private String metric(PackagedApp app, String sample) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(app.managementUrl("/q/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body().lines().map(l -> l.replace(",}", "}")) // text format's ",}"
                .filter(l -> l.startsWith(sample + " "))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).findFirst().orElse("absent");
    }

    @Test
    void shedsTheRequestPastMaxInFlightAtOnceAndServesTheOthers() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                providers:
                  slow: { type: mock, mock: { latency: 3s } }
                routes:
                  slow: { targets: [ { provider: slow, model: m } ] }
                """);
        try (PackagedApp app = PackagedApp.start(Map.of("SWITCHBOARD_POLICY", policy.toString(),
                "SWITCHBOARD_MAX_IN_FLIGHT", "2")).awaitStarted(Duration.ofSeconds(60))) {
            List<CompletableFuture<HttpResponse<String>>> held = List.of(
                    client.sendAsync(chat(app), HttpResponse.BodyHandlers.ofString()),
                    client.sendAsync(chat(app), HttpResponse.BodyHandlers.ofString()));
            Awaitility.await().atMost(Duration.ofSeconds(2))
                    .until(() -> metric(app, "switchboard_requests_in_flight").equals("2.0"));

            long start = System.nanoTime();
            HttpResponse<String> shed = client.send(chat(app), HttpResponse.BodyHandlers.ofString());

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(shed.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(JSON.readTree(shed.body()).at("/error/code").asText()).isEqualTo("overloaded");
            assertThat(JSON.readTree(shed.body()).at("/error/message").asText()).contains("switchboard.max-in-flight");
            for (CompletableFuture<HttpResponse<String>> answer : held) {
                assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(metric(app, "switchboard_requests_shed_total{reason=\"in_flight\"}")).isEqualTo("1.0");
            Awaitility.await().atMost(Duration.ofSeconds(2))
                    .until(() -> metric(app, "switchboard_requests_in_flight").equals("0.0"));
        }
    }
}
