package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.testing.PackagedApp;

/**
 * SIGTERM with streams in flight, against the packaged application: readiness goes DOWN at once, new requests are
 * still answered, streams that fit the drain complete with [DONE], and those that do not end with a shutting_down
 * error event, never a reset.
 */
class DrainIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "{\"model\":\"slow\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String CHAT = "{\"model\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private PackagedApp start(int chunks, String chunkDelay, String drain) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                providers:
                  slow: { type: mock, mock: { chunks: %d, chunk-delay: %s } }
                routes:
                  slow: { targets: [ { provider: slow, model: m } ] }
                """.formatted(chunks, chunkDelay));
        return PackagedApp.start(Map.of("SWITCHBOARD_POLICY", policy.toString(), "SWITCHBOARD_SHUTDOWN_DRAIN", drain))
                .awaitStarted(Duration.ofSeconds(60));
    }

    /** Opens {@code n} streams and returns once every one has delivered its first event. */
    private List<CompletableFuture<List<String>>> openStreams(PackagedApp app, int n) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(n);
        List<CompletableFuture<List<String>>> streams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(app.url("/v1/chat/completions")))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(STREAM)).build();
            streams.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApply(response -> {
                List<String> data = new ArrayList<>();
                response.body().filter(line -> line.startsWith("data: ")).forEach(line -> {
                    if (data.isEmpty()) {
                        started.countDown();
                    }
                    data.add(line.substring(6));
                });
                return data;
            }));
        }
        assertThat(started.await(30, TimeUnit.SECONDS)).as("every stream started").isTrue();
        return streams;
    }

    private int status(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void servesStreamsInFlightAndNewRequestsToTheEndWhenTheyFitTheDrain() throws Exception {
        try (PackagedApp app = start(30, "300ms", "30s")) {
            List<CompletableFuture<List<String>>> streams = openStreams(app, 50);

            app.terminate();

            // readiness goes DOWN at once, while the proxy still answers the app
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int ready;
            do {
                ready = status(app.managementUrl("/q/health/ready"));
            } while (ready == 200 && System.nanoTime() < deadline);
            assertThat(ready).isEqualTo(503);
            HttpResponse<String> late = client.send(HttpRequest.newBuilder(URI.create(app.url("/v1/chat/completions")))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(late.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(late.body()).path("choices").isArray()).isTrue();

            for (CompletableFuture<List<String>> stream : streams) {
                List<String> data = stream.get(60, TimeUnit.SECONDS);
                assertThat(data).last().isEqualTo("[DONE]");
                assertThat(JSON.readTree(data.get(data.size() - 2)).at("/choices/0/finish_reason").asText())
                        .isEqualTo("stop");
            }
            app.awaitExit(Duration.ofSeconds(30));
            assertThat(app.output()).contains("Drained: no request in flight");
        }
    }

    @Test
    void endsStreamsStillOpenAfterTheDrainWithAShuttingDownEventNotAReset() throws Exception {
        try (PackagedApp app = start(100, "200ms", "1s")) {
            List<CompletableFuture<List<String>>> streams = openStreams(app, 20);
            long start = System.nanoTime();

            app.terminate();

            for (CompletableFuture<List<String>> stream : streams) {
                // a reset would fail the future with an IOException
                List<String> data = stream.get(30, TimeUnit.SECONDS);
                assertThat(data).doesNotContain("[DONE]");
                JsonNode error = JSON.readTree(data.get(data.size() - 1)).path("error");
                assertThat(error.path("code").asText()).isEqualTo("shutting_down");
                assertThat(error.path("message").asText()).contains("shutting down");
            }
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isNotNegative();
            // the 20 s streams were cut by the 1 s drain, not served to their end
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(app.output()).contains("ending the 20 request(s) still in flight with shutting_down");
        }
    }
}
