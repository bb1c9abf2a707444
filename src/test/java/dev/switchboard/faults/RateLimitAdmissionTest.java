package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.limits;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.faults.Caller.Answer;
import dev.switchboard.testing.Exposition;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A provider that enforces a token budget and reports it in OpenAI's rate-limit headers: with
 * {@code rate-limit.admission}, a request that would not fit what is left goes to the next target before the provider
 * can answer 429; without it, the same traffic collects the 429s. Each request allows 1,000 output tokens, so the
 * fake's 3,000-token window takes two of them.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class RateLimitAdmissionTest {

    private static final int MAX_TOKENS = 1_000;

    @BeforeEach
    void reset() {
        limits.reset();
    }

    private static List<Answer> send(String route, boolean stream, int count) {
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(Caller.chatAsync(route, stream, Map.of(), MAX_TOKENS).join());
        }
        return answers;
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void routesAroundASpentBudgetInsteadOfCollectingItsRateLimit(boolean stream) {
        List<Answer> answers = send("admission-on-" + stream, stream, 4);

        for (Answer answer : answers) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.attempts()).isEqualTo("1");
        }
        assertThat(answers).extracting(Answer::provider)
                .containsExactly("admits-on-" + stream, "admits-on-" + stream, "healthy", "healthy");
        assertThat(limits.requests("budget#on-" + stream)).isEqualTo(2);
        assertThat(limits.throttled("budget#on-" + stream)).isZero();

        JsonNode provider = Caller.providerHealth("admits-on-" + stream);
        long tokensLeft = provider.path("rate_limit").path("tokens_left").asLong();
        assertThat(tokensLeft).isBetween(0L, (long) LimitedUpstream.TOKEN_BUDGET - 2 * MAX_TOKENS);
        Exposition metrics = Exposition.parse(Caller.manage("/q/metrics"));
        assertThat(metrics.sum("switchboard_routing_ratelimit_skips_total", "provider=\"admits-on-" + stream + "\""))
                .isEqualTo(2);
        assertThat(metrics.sum("switchboard_provider_ratelimit_remaining", "provider=\"admits-on-" + stream + "\"",
                "kind=\"tokens\"")).isEqualTo((double) tokensLeft);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void withoutAdmissionTheSameTrafficCollectsTheProvidersRateLimits(boolean stream) {
        List<Answer> answers = send("admission-off-" + stream, stream, 4);

        assertThat(answers).extracting(Answer::status).containsOnly(200);
        assertThat(answers).extracting(Answer::provider)
                .containsExactly("counts-" + stream, "counts-" + stream, "healthy", "healthy");
        assertThat(answers).extracting(Answer::attempts).containsExactly("1", "1", "2", "2");
        assertThat(limits.requests("budget#off-" + stream)).isEqualTo(4);
        assertThat(limits.throttled("budget#off-" + stream)).isEqualTo(2);
        assertThat(Caller.providerHealth("counts-" + stream).path("rate_limit").isNull()).isTrue();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void answers429WithTheResetTimeWhenEveryTargetsBudgetIsSpent(boolean stream) {
        List<Answer> answers = send("admission-all-" + stream, stream, 3);

        assertThat(answers.get(0).status()).isEqualTo(200);
        assertThat(answers.get(1).status()).isEqualTo(200);
        Answer refused = answers.get(2);
        JsonNode error = Expect.error(refused, 429, "rate_limited", 0);
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("message").asText()).contains("rate limits", "admission-all-" + stream);
        // the fake said its token budget resets in 59s
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(50, 60);
        assertThat(limits.requests("budget#all-" + stream)).isEqualTo(2);
        assertThat(limits.throttled("budget#all-" + stream)).isZero();
    }
}
