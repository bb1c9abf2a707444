package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.faults.Caller.Answer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Connections that cannot be opened or that break. Before the first byte reaches the caller the request fails over
 * (502 {@code upstream_error} with nothing left); after it, a stream ends with a {@code stream_interrupted} error event
 * and no {@code [DONE]}. A JSON body cut short is never passed on: it fails over like a reset.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class ConnectionFaultsTest {

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverWhenTheConnectionIsResetBeforeTheAnswer(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-reset-before", stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
        assertThat(upstream.requests("reset-before")).isEqualTo(1);
        Blame.exactly(before, Map.of("faulty/reset-before/broken", 1, "healthy/ok/success", 1));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void answers502UpstreamErrorWhenTheOnlyTargetResets(boolean stream) {
        Answer answer = Caller.chat("only-reset-before", stream);

        JsonNode error = Expect.error(answer, 502, "upstream_error", 1);
        assertThat(error.path("message").asText()).contains("provider 'faulty'", "connection broken");
        assertThat(upstream.requests("reset-before")).isEqualTo(1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverWhenTheConnectionIsRefused(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-refused", stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
        Blame.exactly(before, Map.of("refused/ok/connect", 1, "healthy/ok/success", 1));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void answers502UpstreamErrorWhenTheOnlyTargetRefuses(boolean stream) {
        Answer answer = Caller.chat("only-refused", stream);

        JsonNode error = Expect.error(answer, 502, "upstream_error", 1);
        assertThat(error.path("message").asText()).contains("provider 'refused'", "connection failed")
                // the provider and route by name, never the transport's "Connection refused: /127.0.0.1:port"
                .contains("'only-refused'").doesNotContain("127.0.0.1").doesNotContain("Connection refused:");
        assertThat(answer.provider()).isEqualTo("refused");
    }

    /** Reset after the first event (stream) or after half the body (JSON, whose Content-Length promised all of it). */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aResetMidAnswerEndsTheStreamWithAnErrorOrFailsOverTheJson(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-reset-after-first", stream);

        if (stream) {
            JsonNode error = Expect.brokenStream(answer, "faulty", 1, 1, "stream_interrupted");
            assertThat(error.path("message").asText()).contains("faulty/reset-after-first", "connection broken");
            // failover is over once the first event went out: the next target is never asked
            assertThat(upstream.requests("ok")).isZero();
            Blame.exactly(before, Map.of("faulty/reset-after-first/broken", 1));
        } else {
            Expect.fullAnswer(answer, false, "healthy", "ok", 2);
            Blame.exactly(before, Map.of("faulty/reset-after-first/broken", 1, "healthy/ok/success", 1));
        }
        assertThat(upstream.requests("reset-after-first")).isEqualTo(1);
    }

    /** The same with an orderly close (FIN) instead of a reset: still a broken answer, never a clean end. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aCloseMidAnswerEndsTheStreamWithAnErrorOrFailsOverTheJson(boolean stream) {
        Answer answer = Caller.chat("r-truncated", stream);

        if (stream) {
            Expect.brokenStream(answer, "faulty", 1, 1, "stream_interrupted");
            assertThat(upstream.requests("ok")).isZero();
        } else {
            Expect.fullAnswer(answer, false, "healthy", "ok", 2);
        }
        assertThat(upstream.requests("truncated")).isEqualTo(1);
    }

    /**
     * A JSON body cut short at the HTTP level (Content-Length N, N/2 bytes sent, then closed) with nothing left to fail
     * over to: the connection broke before the answer was whole, so 502 upstream_error (a whole body that does not
     * parse is upstream_malformed: IntegrityFaultsTest).
     */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void answersAnExplicitErrorWhenTheOnlyTargetsAnswerIsCutShort(boolean stream) {
        Answer answer = Caller.chat("only-truncated", stream);

        if (stream) {
            Expect.brokenStream(answer, "faulty", 1, 1, "stream_interrupted");
        } else {
            Expect.error(answer, 502, "upstream_error", 1);
        }
        assertThat(upstream.requests("truncated")).isEqualTo(1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void opensTheBreakerOfAProviderWhoseAnswersBreakMidway(boolean stream) {
        String provider = "cb-reset-" + stream;
        Map<String, Integer> before = Blame.attempts();
        for (int i = 0; i < FaultPolicy.BREAKER_VOLUME; i++) {
            Answer answer = Caller.chat(provider, stream);
            if (stream) {
                Expect.brokenStream(answer, provider, 1, 1, "stream_interrupted");
            } else {
                Expect.fullAnswer(answer, false, "healthy", "ok", 2);
            }
        }
        Blame.exactly(before, stream ? Map.of(provider + "/reset-after-first/broken", FaultPolicy.BREAKER_VOLUME)
                : Map.of(provider + "/reset-after-first/broken", FaultPolicy.BREAKER_VOLUME, "healthy/ok/success",
                        FaultPolicy.BREAKER_VOLUME));

        Map<String, Object> health = Blame.healthOnceOpen(provider);
        assertThat(health).containsEntry("breaker", "open").containsEntry("status", "down");
        assertThat((String) health.get("last_error")).contains("connection broken");

        Expect.fullAnswer(Caller.chat(provider, stream), stream, "healthy", "ok", 1);
        assertThat(upstream.requests("reset-after-first")).isEqualTo(FaultPolicy.BREAKER_VOLUME);
    }
}
