package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.config.DefaultsConfig;
import dev.switchboard.config.HealthConfig;
import dev.switchboard.config.MockConfig;
import dev.switchboard.config.RateLimitConfig;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.mock.MockProvider;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.schema.RequestBody;
import dev.switchboard.schema.SseEvent;

/** The mock answers in OpenAI's format and fails exactly as configured. */
class MockProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);

    private static MockProvider mock(MockConfig config, double random) {
        ProviderSpec spec = new ProviderSpec("drill", "mock", null, null, "Authorization", Map.of(), Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(5), 0, DefaultsConfig.BUILT_IN_BREAKER, RateLimitConfig.BUILT_IN,
                HealthConfig.BUILT_IN,
                config);
        return new MockProvider(spec, () -> random, CLOCK);
    }

    private static Attempt attempt(Endpoint endpoint, String body) {
        return new Attempt(endpoint, RequestBody.parse(body.getBytes(StandardCharsets.UTF_8)), "m1", 0);
    }

    private static Reply send(MockProvider provider, Attempt attempt) {
        return provider.send(attempt).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void answersAChatCompletion() throws Exception {
        Reply reply = send(mock(MockConfig.DEFAULT, 0.9), attempt(Endpoint.CHAT, "{\"model\":\"x\"}"));

        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = JSON.readTree(((Reply.Complete) reply).body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo("m1", 0);
        assertThat(body.path("created").asLong()).isEqualTo(1_700_000_000L);
        assertThat(body.path("choices").get(0).path("message").path("content").asText()).contains("drill");
        assertThat(body.path("usage").path("total_tokens").asInt()).isPositive();
    }

    @Test
    void failsWithTheConfiguredStatusAtTheConfiguredRate() throws Exception {
        MockConfig flaky = new MockConfig(null, null, null, 0.25, 429, null);

        Reply failed = send(mock(flaky, 0.24), attempt(Endpoint.CHAT, "{\"model\":\"x\"}"));
        Reply passed = send(mock(flaky, 0.25), attempt(Endpoint.CHAT, "{\"model\":\"x\"}"));

        assertThat(failed.status()).isEqualTo(429);
        assertThat(JSON.readTree(((Reply.Complete) failed).body()).path("error").path("code").asText())
                .isEqualTo("mock_failure");
        assertThat(passed.status()).isEqualTo(200);
    }

    @Test
    void streamsTheConfiguredNumberOfChunksThenDone() throws Exception {
        MockConfig config = new MockConfig(Duration.ZERO, 3, Duration.ofMillis(1), null, null, null);

        Reply.Stream stream = (Reply.Stream) send(mock(config, 0.9),
                attempt(Endpoint.CHAT, "{\"model\":\"x\",\"stream\":true}"));
        List<SseEvent> events = new ArrayList<>();
        events.add(stream.first());
        events.addAll(stream.rest().collect().asList().await().atMost(Duration.ofSeconds(5)));

        assertThat(events).hasSize(5); // 3 content chunks, the finish chunk, [DONE]
        assertThat(events.get(4).isDone()).isTrue();
        StringBuilder text = new StringBuilder();
        for (SseEvent event : events.subList(0, 4)) {
            JsonNode chunk = JSON.readTree(event.data());
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            text.append(chunk.path("choices").get(0).path("delta").path("content").asText(""));
        }
        assertThat(text.toString()).isEqualTo("This is a mock answer from provider drill for model m1.");
        assertThat(JSON.readTree(events.get(3).data()).path("choices").get(0).path("finish_reason").asText())
                .isEqualTo("stop");
    }

    @Test
    void endsAStreamWithAUsageChunkOnlyWhenTheCallerAsksForIt() throws Exception {
        MockConfig config = new MockConfig(Duration.ZERO, 3, Duration.ZERO, null, null, null);
        String body = "{\"model\":\"x\",\"stream\":true%s}";

        Reply.Stream asked = (Reply.Stream) send(mock(config, 0.9), attempt(Endpoint.CHAT,
                body.formatted(",\"stream_options\":{\"include_usage\":true}")));
        Reply.Stream silent = (Reply.Stream) send(mock(config, 0.9), attempt(Endpoint.CHAT, body.formatted("")));
        List<SseEvent> withUsage = asked.rest().collect().asList().await().atMost(Duration.ofSeconds(5));
        List<SseEvent> without = silent.rest().collect().asList().await().atMost(Duration.ofSeconds(5));

        // as OpenAI does: one more chunk before [DONE], with no choices and the whole usage
        assertThat(withUsage).hasSize(without.size() + 1);
        JsonNode usageChunk = JSON.readTree(withUsage.get(withUsage.size() - 2).data());
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("usage").path("prompt_tokens").asLong()).isEqualTo(asked.usage().reported()
                .promptTokens());
        assertThat(usageChunk.path("usage").path("completion_tokens").asLong()).isPositive();
        assertThat(without).noneMatch(e -> !e.isDone() && e.data().contains("\"usage\""));
        // the usage is reported to Switchboard either way (the prompt estimate follows each body's size)
        assertThat(silent.usage().reported().completionTokens()).isEqualTo(asked.usage().reported().completionTokens());
        assertThat(silent.usage().reported().estimated()).isFalse();
    }

    @Test
    void answersOneEmbeddingPerInput() throws Exception {
        Reply reply = send(mock(MockConfig.DEFAULT, 0.9),
                attempt(Endpoint.EMBEDDINGS, "{\"model\":\"x\",\"input\":[\"a\",\"b\",\"c\"],\"dimensions\":4}"));

        JsonNode body = JSON.readTree(((Reply.Complete) reply).body());
        assertThat(body.path("data")).hasSize(3);
        assertThat(body.path("data").get(2).path("embedding")).hasSize(4);
    }

    @Test
    void encodesEmbeddingsAsBase64WhenAsked() throws Exception {
        Reply reply = send(mock(MockConfig.DEFAULT, 0.9),
                attempt(Endpoint.EMBEDDINGS, "{\"model\":\"x\",\"input\":\"a\",\"encoding_format\":\"base64\"}"));

        String encoded = JSON.readTree(((Reply.Complete) reply).body()).path("data").get(0).path("embedding").asText();
        java.nio.ByteBuffer floats = java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(encoded))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(floats.remaining()).isEqualTo(8 * 4);
        assertThat(floats.getFloat(0)).isEqualTo((float) (Math.sin(1) / 2));
    }
}
