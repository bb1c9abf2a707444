package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.faults.Caller.Answer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A provider at its {@code max-concurrency} (2 for {@code limited}): the next request skips it, at no cost in
 * attempts, to the next target; with none left it gets 503 {@code overloaded} with {@code Retry-After: 1} at once.
 * The requests in flight are held at the fake until the test lets them answer.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class OverloadFaultsTest {

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    @AfterEach
    void letHeldRequestsGo() {
        upstream.release();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void skipsAProviderAtItsMaxConcurrencyAndShedsWhenNothingIsLeft(boolean stream) throws Exception {
        List<CompletableFuture<Answer>> inFlight = List.of(Caller.chatAsync("only-limited", stream),
                Caller.chatAsync("only-limited", stream));
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> upstream.requests("held") == 2);
        assertThat(Blame.health("limited")).containsEntry("in_flight", 2);

        Expect.fullAnswer(Caller.chat("r-limited", stream), stream, "healthy", "ok", 1);

        Answer shed = Caller.chat("only-limited", stream);
        Expect.error(shed, 503, "overloaded", 0);
        assertThat(shed.header("Retry-After")).isEqualTo("1");
        // at once: not after the provider's 10s first-token-timeout, nor after a held request ends
        assertThat(shed.millis()).as("answered at once").isLessThan(1000);
        assertThat(upstream.requests("held")).isEqualTo(2);

        upstream.release();
        for (CompletableFuture<Answer> held : inFlight) {
            Expect.fullAnswer(held.get(10, TimeUnit.SECONDS), stream, "limited", "held", 1);
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> Integer.valueOf(0).equals(Blame.health("limited").get("in_flight")));
    }
}
