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
 * Answers that arrive but are not whole: a 200 JSON body that does not parse or has no {@code choices}, a stream event
 * that does not parse, a stream that ends without {@code [DONE]}. Before the first event they fail over (502
 * {@code upstream_malformed} with nothing left); after it the stream ends with an explicit error event. The provider is
 * blamed ({@code malformed}, {@code broken}), and enough such answers open its breaker.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class IntegrityFaultsTest {

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    /** JSON: a 200 body that is not JSON; stream: a first data event that is not JSON. */
    private static String unparsable(boolean stream) {
        return stream ? "malformed-event-first" : "malformed-json";
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverOnAnAnswerThatDoesNotParse(boolean stream) {
        String fault = unparsable(stream);
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-" + fault, stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
        assertThat(upstream.requests(fault)).isEqualTo(1);
        Blame.exactly(before, Map.of("faulty/" + fault + "/malformed", 1, "healthy/ok/success", 1));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void answers502UpstreamMalformedWhenTheOnlyAnswerDoesNotParse(boolean stream) {
        String fault = unparsable(stream);

        Answer answer = Caller.chat("only-" + fault, stream);

        JsonNode error = Expect.error(answer, 502, "upstream_malformed", 1);
        assertThat(error.path("message").asText()).contains("provider 'faulty'", "malformed");
        assertThat(upstream.requests(fault)).isEqualTo(1);
    }

    /** {@code choices} is the chat answer; a stream's chunks need not carry it (the usage chunk has none). */
    @Test
    void failsOverOnAJsonAnswerWithoutChoices() {
        Map<String, Integer> before = Blame.attempts();

        Expect.fullAnswer(Caller.chat("r-no-choices", false), false, "healthy", "ok", 2);

        Blame.exactly(before, Map.of("faulty/no-choices/malformed", 1, "healthy/ok/success", 1));
        JsonNode error = Expect.error(Caller.chat("only-no-choices", false), 502, "upstream_malformed", 1);
        assertThat(error.path("message").asText()).contains("choices");
        assertThat(upstream.requests("no-choices")).isEqualTo(2);
    }

    /** Stream: the first event, then one that does not parse; JSON: a body that does not parse. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aMalformedEventEndsTheStreamWithAnErrorOrFailsOverTheJson(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-malformed-event", stream);

        if (stream) {
            JsonNode error = Expect.brokenStream(answer, "faulty", 1, 1, "upstream_malformed");
            assertThat(error.path("message").asText()).contains("faulty/malformed-event");
            assertThat(answer.body()).doesNotContain(FaultyUpstream.fault("openai/malformed-event.txt"));
            assertThat(upstream.requests("ok")).isZero();
            Blame.exactly(before, Map.of("faulty/malformed-event/malformed", 1));
        } else {
            Expect.fullAnswer(answer, false, "healthy", "ok", 2);
            Blame.exactly(before, Map.of("faulty/malformed-event/malformed", 1, "healthy/ok/success", 1));
        }
    }

    /** Stream: every event but {@code [DONE]}, then a clean end of the response; JSON has no [DONE] to miss. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aStreamThatEndsWithoutDoneEndsWithAnError(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-no-done", stream);

        if (stream) {
            JsonNode error = Expect.brokenStream(answer, "faulty", 1, Expect.EVENTS.size() - 1, "stream_interrupted");
            assertThat(error.path("message").asText()).contains("faulty/no-done", "[DONE]");
            assertThat(upstream.requests("ok")).isZero();
            Blame.exactly(before, Map.of("faulty/no-done/broken", 1));
        } else {
            Expect.fullAnswer(answer, false, "faulty", "no-done", 1);
            Blame.exactly(before, Map.of("faulty/no-done/success", 1));
        }
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void opensTheBreakerOfAProviderWhoseAnswersAreMalformed(boolean stream) {
        String provider = "cb-malformed-" + stream;
        String fault = stream ? "malformed-event" : "malformed-json";
        for (int i = 0; i < FaultPolicy.BREAKER_VOLUME; i++) {
            Answer answer = Caller.chat(provider, stream);
            if (stream) {
                Expect.brokenStream(answer, provider, 1, 1, "upstream_malformed");
            } else {
                Expect.fullAnswer(answer, false, "healthy", "ok", 2);
            }
        }

        Map<String, Object> health = Blame.healthOnceOpen(provider);
        assertThat(health).containsEntry("breaker", "open").containsEntry("status", "down");
        assertThat((String) health.get("last_error")).contains("malformed");

        Expect.fullAnswer(Caller.chat(provider, stream), stream, "healthy", "ok", 1);
        assertThat(upstream.requests(fault)).isEqualTo(FaultPolicy.BREAKER_VOLUME);
    }
}
