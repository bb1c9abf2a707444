package dev.switchboard.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.config.DefaultsConfig;
import dev.switchboard.config.HealthConfig;
import dev.switchboard.config.MockConfig;
import dev.switchboard.config.RateLimitConfig;
import dev.switchboard.model.ProviderSpec;

/** A new policy version keeps the breaker and health of every provider whose definition did not change. */
class ProviderStatesTest {

    private static ProviderSpec spec(String name, Duration timeout) {
        return new ProviderSpec(name, "mock", null, null, "Authorization", Map.of(), Duration.ofSeconds(1), timeout,
                timeout, 0, DefaultsConfig.BUILT_IN_BREAKER, RateLimitConfig.BUILT_IN, HealthConfig.BUILT_IN,
                MockConfig.DEFAULT);
    }

    @Test
    void keepsTheStateOfUnchangedProvidersAndRenewsChangedOnes() {
        ProviderStates states = new ProviderStates();
        Map<String, ProviderState> first = states.forProviders(List.of(spec("a", Duration.ofSeconds(5)),
                spec("b", Duration.ofSeconds(5))));
        first.get("a").guard().probeFailed();

        Map<String, ProviderState> second = states.forProviders(List.of(spec("a", Duration.ofSeconds(5)),
                spec("b", Duration.ofSeconds(9))));

        assertThat(second.get("a")).isSameAs(first.get("a"));
        assertThat(second.get("a").status()).isEqualTo("down");
        assertThat(second.get("b")).isNotSameAs(first.get("b"));
    }
}
