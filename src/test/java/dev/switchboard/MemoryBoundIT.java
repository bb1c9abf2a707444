package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.PackagedApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * Big bodies cannot exhaust the heap: with the shipped JVM settings (a 64 MiB heap), twenty concurrent 9.9 MB requests relayed
 * to an OpenAI-type
 * provider each get a whole answer or 503 overloaded at once, and the process stays live and answers the next
 * request in normal time (it used to throw OutOfMemoryError and answer nothing, liveness included).
 */
class MemoryBoundIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void answersOrShedsTwentyConcurrentNineMegabyteBodiesWithTheShippedSixtyFourMegabyteHeap() throws Exception {
        Vertx vertx = Vertx.vertx();
        byte[] completion = Fixtures.text("openai/chat-completion.json").getBytes(StandardCharsets.UTF_8);
        HttpServer sink = vertx.createHttpServer().requestHandler(request -> request.body()
                .onComplete(body -> request.response().putHeader("Content-Type", "application/json")
                        .end(io.vertx.core.buffer.Buffer.buffer(completion))));
        int port = sink.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                providers:
                  sink: { type: openai, base-url: "http://127.0.0.1:%d/v1" }
                routes:
                  big: { targets: [ { provider: sink, model: m } ] }
                """.formatted(port));
        String big = "{\"model\":\"big\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(9_900_000) + "\"}]}";
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        // the settings Switchboard ships with (a 64 MiB heap), as the image and the README's run command use them
        Path settings = Path.of("src", "main", "jvm", "switchboard.jvm").toAbsolutePath();
        assertThat(Files.readString(settings)).contains("-Xmx64m");
        try (PackagedApp app = PackagedApp.start(Map.of("SWITCHBOARD_POLICY", policy.toString(), "JDK_JAVA_OPTIONS",
                "@" + settings)).awaitStarted(Duration.ofSeconds(60))) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(app.url("/v1/chat/completions")))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(big, StandardCharsets.UTF_8)).build();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }

            int answered = 0;
            for (CompletableFuture<HttpResponse<String>> future : answers) {
                HttpResponse<String> response = future.get(120, TimeUnit.SECONDS);
                JsonNode body = JSON.readTree(response.body());
                if (response.statusCode() == 200) {
                    assertThat(body.path("choices").isArray()).isTrue();
                    answered++;
                } else {
                    assertThat(response.statusCode()).isEqualTo(503);
                    assertThat(body.at("/error/code").asText()).isEqualTo("overloaded");
                    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
                }
            }
            assertThat(answered).isPositive();

            long start = System.nanoTime();
            HttpResponse<String> next = client.send(HttpRequest.newBuilder(URI.create(app.url("/v1/chat/completions")))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"big\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(app.output()).doesNotContain("java.lang.OutOfMemoryError");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
