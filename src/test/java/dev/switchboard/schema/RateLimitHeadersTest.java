package dev.switchboard.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The providers' rate-limit headers, as they send them. */
class RateLimitHeadersTest {

    private static final long NOW = 1_765_000_000_000L;

    private static RateLimitHeaders parse(Map<String, String> headers) {
        return RateLimitHeaders.parse(name -> headers.get(name.toLowerCase(Locale.ROOT)), NOW);
    }

    @Test
    void readsOpenAiStyleCountsAndDurationResets() {
        RateLimitHeaders report = parse(Map.of("x-ratelimit-remaining-requests", "59",
                "x-ratelimit-remaining-tokens", "149984", "x-ratelimit-reset-requests", "1s",
                "x-ratelimit-reset-tokens", "6m0.5s"));

        assertThat(report).isEqualTo(new RateLimitHeaders(59, NOW + 1_000, 149_984, NOW + 360_500));
    }

    @Test
    void readsMillisecondsAndHours() {
        assertThat(RateLimitHeaders.after(NOW, "120ms")).isEqualTo(NOW + 120);
        assertThat(RateLimitHeaders.after(NOW, "1h2m3s")).isEqualTo(NOW + 3_723_000);
        assertThat(RateLimitHeaders.after(NOW, "soon")).isZero();
        assertThat(RateLimitHeaders.after(NOW, "12")).isZero();
    }

    @Test
    void readsAnthropicStyleCountsAndTimes() {
        String reset = "2025-12-06T05:47:00Z";
        RateLimitHeaders report = parse(Map.of("anthropic-ratelimit-requests-remaining", "49",
                "anthropic-ratelimit-requests-reset", reset, "anthropic-ratelimit-input-tokens-remaining", "39000",
                "anthropic-ratelimit-input-tokens-reset", reset));

        long at = Instant.parse(reset).toEpochMilli();
        assertThat(report).isEqualTo(new RateLimitHeaders(49, at, 39_000, at));
    }

    @Test
    void anAnswerWithoutRateLimitHeadersReportsNothing() {
        assertThat(parse(Map.of("content-type", "application/json"))).isNull();
        assertThat(parse(Map.of("x-ratelimit-remaining-tokens", "lots"))).isNull();
    }
}
