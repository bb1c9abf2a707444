package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.faults.Caller.Answer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Providers that are too slow. A first token later than the provider's first-token-timeout (800ms) fails over, or ends
 * as 504 {@code upstream_timeout}; a stream silent for longer than its idle-timeout (800ms) after it started ends with
 * an {@code upstream_timeout} error event; a route's request-timeout (1200ms) bounds all attempts together, and a
 * stream still open then ends with a {@code request_timeout} error event.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class TimeoutFaultsTest {

    /** The policy's first-token-timeout and idle-timeout. */
    private static final long TIMEOUT_MS = 800;
    /** The request-timeout of the deadline-* routes. */
    private static final long REQUEST_TIMEOUT_MS = 1200;
    /** Slack for a loaded build machine. */
    private static final long SLACK_MS = 900;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    static Stream<Arguments> slowFaults() {
        return Stream.of("hang", "slow-first-token")
                .flatMap(fault -> Stream.of(Arguments.of(fault, false), Arguments.of(fault, true)));
    }

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("slowFaults")
    void failsOverAfterTheFirstTokenTimeout(String fault, boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-" + fault, stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
        assertThat(answer.millis()).isBetween(TIMEOUT_MS - 100, TIMEOUT_MS + SLACK_MS);
        assertThat(upstream.requests(fault)).isEqualTo(1);
        Blame.exactly(before, Map.of("faulty/" + fault + "/timeout", 1, "healthy/ok/success", 1));
    }

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("slowFaults")
    void answers504UpstreamTimeoutWhenTheOnlyTargetIsTooSlow(String fault, boolean stream) {
        Answer answer = Caller.chat("only-" + fault, stream);

        JsonNode error = Expect.error(answer, 504, "upstream_timeout", 1);
        assertThat(error.path("message").asText()).contains("provider 'faulty'", "timed out");
        assertThat(answer.millis()).isBetween(TIMEOUT_MS - 100, TIMEOUT_MS + SLACK_MS);
        assertThat(upstream.requests(fault)).isEqualTo(1);
    }

    /** Silence after the first event (stream), or after half the body (JSON, which must arrive whole in time). */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aStallEndsTheStreamWithAnErrorOrFailsOverTheJson(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-stall", stream);

        if (stream) {
            JsonNode error = Expect.brokenStream(answer, "faulty", 1, 1, "upstream_timeout");
            assertThat(error.path("message").asText()).contains("faulty/stall", "timed out");
            assertThat(upstream.requests("ok")).isZero();
            Blame.exactly(before, Map.of("faulty/stall/timeout", 1));
        } else {
            Expect.fullAnswer(answer, false, "healthy", "ok", 2);
            Blame.exactly(before, Map.of("faulty/stall/timeout", 1, "healthy/ok/success", 1));
        }
        assertThat(answer.millis()).isBetween(TIMEOUT_MS - 100, TIMEOUT_MS + SLACK_MS);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void opensTheBreakerOfAProviderWhoseAnswersStall(boolean stream) {
        String provider = "cb-stall-" + stream;
        for (int i = 0; i < FaultPolicy.STALL_BREAKER_VOLUME; i++) {
            Answer answer = Caller.chat(provider, stream);
            if (stream) {
                Expect.brokenStream(answer, provider, 1, 1, "upstream_timeout");
            } else {
                Expect.fullAnswer(answer, false, "healthy", "ok", 2);
            }
        }

        Map<String, Object> health = Blame.healthOnceOpen(provider);
        assertThat(health).containsEntry("breaker", "open").containsEntry("status", "down");
        assertThat((String) health.get("last_error")).contains("timed out");

        Answer skipped = Caller.chat(provider, stream);
        Expect.fullAnswer(skipped, stream, "healthy", "ok", 1);
        assertThat(skipped.millis()).isLessThan(TIMEOUT_MS);
        assertThat(upstream.requests("stall")).isEqualTo(FaultPolicy.STALL_BREAKER_VOLUME);
    }

    /**
     * Three attempts of 800ms would take 2.4s; the request-timeout (1200ms) bounds them: a second attempt that could
     * not answer in the time left is not started.
     */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void theRequestTimeoutBoundsAllAttemptsTogether(boolean stream) {
        Answer answer = Caller.chat("deadline-all", stream);

        // the first attempt times out after 800ms; the 400ms left are less than the 800ms this target is now known to
        // take, so no second attempt is started and the caller hears it at once, not at the request-timeout
        JsonNode error = Expect.error(answer, 504, "request_timeout", 1);
        assertThat(error.path("message").asText()).contains("request-timeout", "deadline-all", "leaves too little time");
        assertThat(answer.millis()).isBetween(TIMEOUT_MS - 100, REQUEST_TIMEOUT_MS + SLACK_MS);
        assertThat(upstream.requests("hang")).isEqualTo(1);
    }

    /** The caller's own deadline cuts the request before the route's first-token-timeout could fail it over. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void theCallersDeadlineBoundsTheRequest(boolean stream) {
        Answer answer = Caller.chat("deadline-hang", stream, Map.of("x-switchboard-deadline-ms", "300"));

        JsonNode error = Expect.error(answer, 504, "request_timeout", 1);
        assertThat(error.path("message").asText()).contains("caller's deadline (300ms)", "ran out");
        // the provider's own timeouts are 10s
        assertThat(answer.millis()).isBetween(250L, 300 + SLACK_MS);
        assertThat(answer.header("x-switchboard-attempt-trail")).matches("patient;error=request_timeout;ms=\\d+");
    }

    /** The OpenAI SDKs send their own timeout in seconds; it is the deadline when the caller sets none. */
    @Test
    void readsTheOpenAiSdksTimeoutAsTheDeadline() {
        Answer answer = Caller.chat("deadline-hang", false, Map.of("x-stainless-timeout", "0.3"));

        JsonNode error = Expect.error(answer, 504, "request_timeout", 1);
        assertThat(error.path("message").asText()).contains("caller's deadline (300ms)");
    }

    @Test
    void refusesADeadlineThatIsNotANumberOfMilliseconds() {
        Answer answer = Caller.chat("r-hang", false, Map.of("x-switchboard-deadline-ms", "soon"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("invalid_deadline");
        assertThat(upstream.requests("hang")).isZero();
    }

    /**
     * A target that usually takes longer than the time left is not tried: the caller hears at once that the deadline
     * cannot be met, instead of at the deadline.
     */
    @Test
    void startsNoAttemptThatCouldNotAnswerBeforeTheDeadline() {
        // teaches Switchboard that this target answers after about 2.5 s
        assertThat(Caller.chat("deadline-slow", false).status()).isEqualTo(200);

        Answer answer = Caller.chat("deadline-slow", false, Map.of("x-switchboard-deadline-ms", "1000"));

        JsonNode error = Expect.error(answer, 504, "request_timeout", 0);
        assertThat(error.path("message").asText()).contains("leaves too little time");
        assertThat(answer.millis()).isLessThan(500);
        assertThat(upstream.requests("slow-first-token")).isEqualTo(1);
    }

    /**
     * An answer that keeps coming but never ends, from a provider whose own timeouts are 10s: a stream is relayed and
     * then ended by the request-timeout with an error event; a JSON answer never started, so the caller gets a 504.
     */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void theRequestTimeoutEndsAnAnswerThatNeverFinishes(boolean stream) {
        Answer answer = Caller.chat("deadline-open", stream);

        if (stream) {
            List<String> data = answer.data();
            assertThat(data).as("events of %s", answer).hasSizeGreaterThan(1);
            List<String> drips = data.subList(0, data.size() - 1);
            assertThat(drips).allMatch(Expect.EVENTS.get(1)::equals);
            Expect.brokenStream(answer, "patient", 1, drips, "request_timeout");
        } else {
            Expect.error(answer, 504, "request_timeout", 1);
        }
        assertThat(answer.millis()).isBetween(REQUEST_TIMEOUT_MS - 100, REQUEST_TIMEOUT_MS + SLACK_MS);
        assertThat(upstream.requests("drip")).isEqualTo(1);
    }
}
