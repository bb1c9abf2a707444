package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.faults.Caller.Answer;
import dev.switchboard.testing.Exposition;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * First-token hedging: a first target whose first token is {@value FaultyUpstream#SLOW_FIRST_TOKEN_MS} ms late
 * ({@code slow-first-token}), a route that hedges after 200 ms. The hedge answers first and wins; the late attempt is
 * cancelled at once (its upstream connection closed, its in-flight slot released) and never counts as a failure.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class HedgingTest {

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private static double hedges(String route, String provider, String event) {
        return Exposition.parse(Caller.manage("/q/metrics")).sum("switchboard_routing_hedges_total",
                "route=\"" + route + "\"", "provider=\"" + provider + "\"", "event=\"" + event + "\"");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aLateFirstTokenIsHedgedAndTheHedgeWins(boolean stream) {
        String route = "hedge-late-" + stream;
        double started = hedges(route, "healthy", "started");

        Answer answer = Caller.chat(route, stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
        assertThat(answer.millis()).isLessThan(FaultyUpstream.SLOW_FIRST_TOKEN_MS - 1000);
        assertThat(answer.header("x-switchboard-attempt-trail"))
                .matches("hedged-" + stream + ";error=hedge-lost;ms=\\d+, healthy;status=200;ms=\\d+");
        assertThat(upstream.requests("slow-first-token#late-" + stream)).isEqualTo(1);
        assertThat(hedges(route, "healthy", "started")).isEqualTo(started + 1);
        assertThat(hedges(route, "healthy", "won")).isPositive();
        assertThat(hedges(route, "hedged-" + stream, "cancelled")).isPositive();
        // the loser is released at once: nothing stays in flight, and its breaker saw no failure
        JsonNode provider = Caller.providerHealth("hedged-" + stream);
        assertThat(provider.path("in_flight").asInt()).isZero();
        assertThat(provider.path("breaker").asText()).isEqualTo("closed");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aFirstTokenInTimeStartsNoHedge(boolean stream) {
        String route = "hedge-fast-" + stream;

        Answer answer = Caller.chat(route, stream);

        Expect.fullAnswer(answer, stream, "hedged-" + stream, "ok#fast-" + stream, 1);
        assertThat(hedges(route, "healthy", "started")).isZero();
        assertThat(upstream.requests("ok")).isZero();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aHedgeThatFailsLeavesTheFirstAttemptToAnswer(boolean stream) {
        Answer answer = Caller.chat("hedge-both-" + stream, stream);

        // the hedge (503 at once) failed while the first was still out; the first answered when it could
        Expect.fullAnswer(answer, stream, "hedged-" + stream, "slow-first-token#both-" + stream, 2);
        assertThat(answer.header("x-switchboard-attempt-trail")).matches(
                "faulty;status=503;ms=\\d+, hedged-" + stream + ";status=200;ms=\\d+");
        assertThat(upstream.requests("503#hedge-" + stream)).isEqualTo(1);
        assertThat(upstream.requests("ok")).isZero();
    }

    @Test
    void theBudgetBoundsTheShareOfRequestsThatHedge() {
        double started = hedges("hedge-budget", "healthy", "started");

        Answer first = Caller.chat("hedge-budget", false);
        Answer second = Caller.chat("hedge-budget", false);

        // max-rate 1%: the first request may hedge, the next one may not, and waits for its late answer
        Expect.fullAnswer(first, false, "healthy", "ok", 2);
        Expect.fullAnswer(second, false, "hedged-false", "slow-first-token#budget", 1);
        assertThat(second.millis()).isGreaterThanOrEqualTo(FaultyUpstream.SLOW_FIRST_TOKEN_MS - 100);
        assertThat(hedges("hedge-budget", "healthy", "started")).isEqualTo(started + 1);
        Awaitility.await().until(() -> Caller.providerHealth("hedged-false").path("in_flight").asInt() == 0);
    }
}
