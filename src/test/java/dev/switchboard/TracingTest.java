package dev.switchboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.testing.FakeProviders;
import dev.switchboard.testing.Stubs;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * With tracing on, a request that failed over once is one server span (continuing the caller's traceparent) with the
 * route, the provider that answered and the attempt count, and two attempt spans under it with the GenAI attributes;
 * the first carries its failure. Nothing of the prompt or the answer is recorded.
 */
@QuarkusTest
@QuarkusTestResource(FakeProviders.class)
@TestProfile(TracingTest.TracingOn.class)
class TracingTest {

    /** The SDK on, spans exported as soon as they end. */
    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "10ms");
        }
    }

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final String PROMPT = "a secret prompt";

    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void reset() {
        spans.reset();
        FakeProviders.primary.resetAll();
        FakeProviders.secondary.resetAll();
        Stubs.answers(FakeProviders.secondary);
        Stubs.fails(FakeProviders.primary, Stubs.error(503, "error-500.json"));
    }

    private static String attribute(SpanData span, String key) {
        Object value = span.getAttributes().get(AttributeKey.stringKey(key));
        return value == null ? null : value.toString();
    }

    @Test
    void tracesARequestThatFailedOverOnceWithTwoAttemptSpans() {
        given().contentType(ContentType.JSON).header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01")
                .body("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).header("x-switchboard-attempts", "2");

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(s -> s.getKind() == SpanKind.SERVER));
        List<SpanData> finished = spans.getFinishedSpanItems();
        SpanData request = finished.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        // Switchboard's attempt spans (the HTTP client's own spans to the providers carry no switchboard.provider)
        List<SpanData> attempts = finished.stream().filter(s -> s.getKind() == SpanKind.CLIENT
                && attribute(s, "switchboard.provider") != null)
                .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).toList();

        // the caller's trace goes on
        assertThat(request.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(request.getParentSpanId()).isEqualTo(CALLER_SPAN);
        assertThat(attribute(request, "switchboard.route")).isEqualTo("chat");
        assertThat(attribute(request, "switchboard.provider")).isEqualTo("secondary");
        assertThat(request.getAttributes().get(AttributeKey.longKey("switchboard.attempts"))).isEqualTo(2L);
        assertThat(attribute(request, "switchboard.attempt_trail"))
                .matches("primary;status=503;ms=\\d+, secondary;status=200;ms=\\d+");

        assertThat(attempts).hasSize(2);
        SpanData failed = attempts.get(0);
        SpanData answered = attempts.get(1);
        for (SpanData attempt : attempts) {
            assertThat(attempt.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(attempt.getParentSpanId()).isEqualTo(request.getSpanId());
            assertThat(attribute(attempt, "gen_ai.operation.name")).isEqualTo("chat");
            assertThat(attribute(attempt, "gen_ai.provider.name")).isEqualTo("openai");
            assertThat(attribute(attempt, "server.address")).isEqualTo("127.0.0.1");
        }
        assertThat(failed.getName()).isEqualTo("chat gpt-4o-mini");
        assertThat(answered.getName()).isEqualTo("chat backup-model");
        assertThat(attribute(failed, "switchboard.provider")).isEqualTo("primary");
        assertThat(attribute(failed, "error.type")).isEqualTo("5xx");
        assertThat(attribute(failed, "switchboard.failure")).contains("503");
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attribute(answered, "switchboard.provider")).isEqualTo("secondary");
        assertThat(attribute(answered, "error.type")).isNull();
        assertThat(attribute(answered, "gen_ai.response.model")).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(answered.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(19L);
        // prompts and completions are never recorded
        assertThat(finished).allSatisfy(span -> assertThat(span.getAttributes().toString()).doesNotContain(PROMPT));
    }
}
