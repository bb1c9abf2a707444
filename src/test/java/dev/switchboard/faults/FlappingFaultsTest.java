package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.faults.Caller.Answer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A provider that fails every other request (503, then an answer, then 503...): every request still ends with the whole
 * answer, through failover to the next target or a retry of the same one.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class FlappingFaultsTest {

    private static final int REQUESTS = 6;
    private static final int CONCURRENT = 20;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void everyRequestEndsWithTheWholeAnswerThroughFailover(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        for (int i = 1; i <= REQUESTS; i++) {
            Answer answer = Caller.chat("r-flapping", stream);
            if (i % 2 == 1) {
                Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
            } else {
                Expect.fullAnswer(answer, stream, "faulty", "flapping", 1);
            }
        }

        assertThat(upstream.requests("flapping")).isEqualTo(REQUESTS);
        Blame.exactly(before, Map.of("faulty/flapping/5xx", REQUESTS / 2, "faulty/flapping/success", REQUESTS / 2,
                "healthy/ok/success", REQUESTS / 2));
    }

    /** Twenty at once: the provider fails exactly ten of them, each of which costs one more attempt. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void everyConcurrentRequestEndsWithTheWholeAnswer(boolean stream) {
        List<CompletableFuture<Answer>> calls = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            calls.add(Caller.chatAsync("r-flapping", stream));
        }
        List<Answer> answers = calls.stream().map(CompletableFuture::join).toList();

        int attempts = 0;
        int byHealthy = 0;
        for (Answer answer : answers) {
            boolean failedOver = "healthy".equals(answer.provider());
            Expect.fullAnswer(answer, stream, failedOver ? "healthy" : "faulty", failedOver ? "ok" : "flapping",
                    failedOver ? 2 : 1);
            attempts += Integer.parseInt(answer.attempts());
            byHealthy += failedOver ? 1 : 0;
        }
        assertThat(byHealthy).isEqualTo(CONCURRENT / 2);
        assertThat(attempts).isEqualTo(CONCURRENT + CONCURRENT / 2);
        assertThat(upstream.requests("flapping")).isEqualTo(CONCURRENT);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aRetryOfTheSameFlappingTargetAnswers(boolean stream) {
        for (int i = 0; i < 3; i++) {
            Expect.fullAnswer(Caller.chat("only-flapping-retried", stream), stream, "faulty", "flapping", 2);
        }
        assertThat(upstream.requests("flapping")).isEqualTo(6);
    }
}
