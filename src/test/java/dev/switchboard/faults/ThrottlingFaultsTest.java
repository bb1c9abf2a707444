package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.faults.Caller.Answer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A provider that answers 429: the request fails over at once; with nothing left the caller gets 429
 * {@code rate_limited} with the provider's own {@code Retry-After}. Throttling pauses the provider but is not a
 * failure: its breaker never counts it.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class ThrottlingFaultsTest {

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverA429WithRetryAfterToTheNextTarget(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-429-retry-after", stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
        assertThat(upstream.requests("429-retry-after")).isEqualTo(1);
        Blame.exactly(before, Map.of("faulty/429-retry-after/429", 1, "healthy/ok/success", 1));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverA429WithoutRetryAfterToTheNextTarget(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-429", stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
        assertThat(upstream.requests("429")).isEqualTo(1);
        Blame.exactly(before, Map.of("faulty/429/429", 1, "healthy/ok/success", 1));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void answers429RateLimitedWithTheProvidersRetryAfterWhenNoTargetIsLeft(boolean stream) {
        Answer answer = Caller.chat("only-429-retry-after", stream);

        JsonNode error = Expect.error(answer, 429, "rate_limited", 1);
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("message").asText()).contains("HTTP 429", "Rate limit reached for gpt-4o-mini");
        assertThat(answer.header("Retry-After")).isEqualTo("7");
        assertThat(answer.provider()).isEqualTo("faulty");
        assertThat(upstream.requests("429-retry-after")).isEqualTo(1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void answers429RateLimitedWithoutInventingARetryAfterWhenTheProviderSentNone(boolean stream) {
        Answer answer = Caller.chat("only-429", stream);

        JsonNode error = Expect.error(answer, 429, "rate_limited", 1);
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(answer.header("Retry-After")).isNull();
        assertThat(upstream.requests("429")).isEqualTo(1);
    }

    /** Its breaker opens after two failures in a row; four 429s in a row leave it closed, and every one is tried. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void neverCountsA429AgainstTheProvidersBreaker(boolean stream) {
        String provider = "throttled-" + stream;
        Map<String, Integer> before = Blame.attempts();

        for (int i = 0; i < 4; i++) {
            Expect.fullAnswer(Caller.chat(provider, stream), stream, "healthy", "ok", 2);
        }

        assertThat(upstream.requests("429-retry-after")).isEqualTo(4);
        assertThat(Blame.health(provider)).containsEntry("breaker", "closed");
        Blame.exactly(before, Map.of(provider + "/429-retry-after/429", 4, "healthy/ok/success", 4));
    }

    /** Its Retry-After (7s) pauses the provider: the next request skips it without any network attempt. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void pausesAThrottledProviderForItsRetryAfter(boolean stream) {
        String provider = "pause-" + stream;

        Expect.fullAnswer(Caller.chat(provider, stream), stream, "healthy", "ok", 2);
        Expect.fullAnswer(Caller.chat(provider, stream), stream, "healthy", "ok", 1);

        assertThat(upstream.requests("429-retry-after")).isEqualTo(1);
        Map<String, Object> health = Blame.health(provider);
        assertThat(health).containsEntry("paused", true).containsEntry("status", "down")
                .containsEntry("breaker", "closed");
        assertThat(((Number) health.get("available_in_ms")).longValue()).isBetween(1L, 7000L);
    }

    /**
     * The only target answered 429 with {@code Retry-After: 1}; the caller's deadline has room for the wait and an
     * answer: Switchboard waits, retries it, and the trail says so.
     */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void retriesAThrottledLastTargetWhenItsRetryAfterFitsTheDeadline(boolean stream) {
        String provider = "retry-after-" + stream;

        Answer answer = Caller.chat(provider, stream, Map.of("x-switchboard-deadline-ms", "5000"));

        Expect.fullAnswer(answer, stream, provider, "429-once", 2);
        assertThat(answer.millis()).isGreaterThanOrEqualTo(1000);
        assertThat(answer.header("x-switchboard-attempt-trail")).matches(provider + ";status=429;ms=\\d+, " + provider
                + ";retry-after;ms=1000, " + provider + ";status=200;ms=\\d+");
    }

    /** When the wait would not fit the deadline, the caller gets the 429 and the provider's Retry-After at once. */
    @Test
    void answers429AtOnceWhenTheRetryAfterDoesNotFitTheDeadline() {
        Answer answer = Caller.chat("retry-after-short", false, Map.of("x-switchboard-deadline-ms", "600"));

        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.header("retry-after")).isEqualTo("1");
        assertThat(answer.millis()).isLessThan(600);
        assertThat(upstream.requests("429-once")).isEqualTo(1);
    }
}
