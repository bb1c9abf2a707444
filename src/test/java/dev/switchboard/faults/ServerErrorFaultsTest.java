package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.faults.Caller.Answer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A provider that answers 408, 500, 502, 503, 504 or 529: the request fails over; with nothing left the caller gets
 * 502 {@code upstream_error}. The provider is blamed ({@code 5xx}), and enough such answers open its breaker.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class ServerErrorFaultsTest {

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    static Stream<Arguments> statuses() {
        return Stream.of("408", "500", "502", "503", "504", "529")
                .flatMap(status -> Stream.of(Arguments.of(status, false), Arguments.of(status, true)));
    }

    @ParameterizedTest(name = "HTTP {0}, stream={1}")
    @MethodSource("statuses")
    void failsOverToTheNextTarget(String status, boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-" + status, stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
        assertThat(upstream.requests(status)).isEqualTo(1);
        Blame.exactly(before, Map.of("faulty/" + status + "/5xx", 1, "healthy/ok/success", 1));
    }

    @ParameterizedTest(name = "HTTP {0}, stream={1}")
    @MethodSource("statuses")
    void answers502UpstreamErrorWhenNoTargetIsLeft(String status, boolean stream) {
        Answer answer = Caller.chat("only-" + status, stream);

        JsonNode error = Expect.error(answer, 502, "upstream_error", 1);
        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
        assertThat(error.path("message").asText()).contains("provider 'faulty'", "HTTP " + status,
                "The server had an error while processing your request");
        assertThat(answer.provider()).isEqualTo("faulty");
        assertThat(upstream.requests(status)).isEqualTo(1);
    }

    /** No retry key on the route: the default max-attempts (3), all on its only target. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void retriesTheOnlyTargetUpToTheDefaultMaxAttempts(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("only-503-retried", stream);

        Expect.error(answer, 502, "upstream_error", 3);
        assertThat(upstream.requests("503#retried")).isEqualTo(3);
        Blame.exactly(before, Map.of("faulty/503#retried/5xx", 3));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void answersWhenTheRetriedTargetRecovers(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("only-500-once-retried", stream);

        Expect.fullAnswer(answer, stream, "faulty", "500-once", 2);
        assertThat(upstream.requests("500-once")).isEqualTo(2);
        Blame.exactly(before, Map.of("faulty/500-once/5xx", 1, "faulty/500-once/success", 1));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void opensTheBreakerOfAProviderThatAnswers503(boolean stream) {
        String provider = "cb-503-" + stream;
        for (int i = 0; i < FaultPolicy.BREAKER_VOLUME; i++) {
            Expect.fullAnswer(Caller.chat(provider, stream), stream, "healthy", "ok", 2);
        }

        Map<String, Object> health = Blame.healthOnceOpen(provider);
        assertThat(health).containsEntry("breaker", "open").containsEntry("status", "down");
        assertThat((String) health.get("last_error")).contains("HTTP 503");

        // open: skipped without any network attempt, at no cost in attempts
        Expect.fullAnswer(Caller.chat(provider, stream), stream, "healthy", "ok", 1);
        assertThat(upstream.requests("503")).isEqualTo(FaultPolicy.BREAKER_VOLUME);
    }
}
