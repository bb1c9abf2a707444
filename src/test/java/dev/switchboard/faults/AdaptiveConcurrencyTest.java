package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.limits;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.faults.Caller.Answer;
import dev.switchboard.testing.Exposition;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A provider with a hidden cap of {@value LimitedUpstream#CAP} requests in flight, which answers 429 past it, before a
 * healthy fallback. Waves of concurrent requests: with {@code concurrency: adaptive} the provider's limit falls after
 * its first 429s and later waves go past it to the fallback instead of collecting 429s; with a fixed (unlimited)
 * concurrency every wave collects them. Every request gets a whole answer either way.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class AdaptiveConcurrencyTest {

    private static final int WAVES = 5;
    private static final int WAVE = 16;

    @BeforeEach
    void reset() {
        limits.reset();
    }

    private static void waves(String route, boolean stream) {
        for (int w = 0; w < WAVES; w++) {
            List<CompletableFuture<Answer>> wave = new ArrayList<>();
            for (int i = 0; i < WAVE; i++) {
                wave.add(Caller.chatAsync(route, stream, Map.of()));
            }
            for (CompletableFuture<Answer> answer : wave) {
                Expect.wholeAnswer(answer.join(), stream);
            }
        }
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void anAdaptiveLimitLearnsAHiddenCapAndStopsCollecting429s(boolean stream) {
        waves("capped-fixed-" + stream, stream);
        waves("capped-adaptive-" + stream, stream);

        int fixed = limits.throttled("capped#fixed-" + stream);
        int adaptive = limits.throttled("capped#adaptive-" + stream);
        // every wave of 16 meets a cap of 3: a fixed limit collects 429s in each
        assertThat(fixed).isGreaterThanOrEqualTo(WAVES);
        assertThat(adaptive).as("429s with an adaptive limit (fixed: %d)", fixed).isLessThan(fixed);

        JsonNode provider = Caller.providerHealth("adaptive-" + stream);
        assertThat(provider.path("concurrency").asText()).isEqualTo("adaptive");
        assertThat(provider.path("in_flight_limit").asInt()).isBetween(1, 10);
        assertThat(Caller.providerHealth("fixed-" + stream).path("in_flight_limit").asInt()).isZero();
        assertThat(Exposition.parse(Caller.manage("/q/metrics")).sum("switchboard_provider_concurrency_limit",
                "provider=\"adaptive-" + stream + "\"")).isEqualTo(provider.path("in_flight_limit").asDouble());
    }
}
