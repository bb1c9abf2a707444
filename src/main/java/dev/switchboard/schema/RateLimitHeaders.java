package dev.switchboard.schema;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.UnaryOperator;

/**
 * What a provider said of its own rate limit in an answer's headers: requests and tokens left, and when each budget
 * resets. OpenAI, Groq, Mistral and other OpenAI-compatible APIs send {@code x-ratelimit-remaining-requests},
 * {@code x-ratelimit-remaining-tokens}, {@code x-ratelimit-reset-requests} and {@code x-ratelimit-reset-tokens} (resets
 * as durations such as {@code 1s}, {@code 6m0s} or {@code 120ms}); Anthropic sends
 * {@code anthropic-ratelimit-requests-remaining}, {@code anthropic-ratelimit-tokens-remaining} (else
 * {@code -input-tokens-remaining}) and their {@code -reset} headers as RFC 3339 times. Gemini sends none.
 *
 * @param requests requests left, or -1 when not reported
 * @param requestsResetAt when the request budget resets (epoch milliseconds), or 0
 * @param tokens tokens left, or -1 when not reported
 * @param tokensResetAt when the token budget resets (epoch milliseconds), or 0
 */
public record RateLimitHeaders(long requests, long requestsResetAt, long tokens, long tokensResetAt) {

    /** The report in {@code header} (a case-insensitive lookup), or null when the answer carries none. */
    public static RateLimitHeaders parse(UnaryOperator<String> header, long nowMillis) {
        long requests = number(header.apply("x-ratelimit-remaining-requests"));
        long tokens = number(header.apply("x-ratelimit-remaining-tokens"));
        if (requests >= 0 || tokens >= 0) {
            return new RateLimitHeaders(requests, after(nowMillis, header.apply("x-ratelimit-reset-requests")), tokens,
                    after(nowMillis, header.apply("x-ratelimit-reset-tokens")));
        }
        requests = number(header.apply("anthropic-ratelimit-requests-remaining"));
        String tokensKind = "anthropic-ratelimit-tokens";
        tokens = number(header.apply(tokensKind + "-remaining"));
        if (tokens < 0) {
            tokensKind = "anthropic-ratelimit-input-tokens";
            tokens = number(header.apply(tokensKind + "-remaining"));
        }
        if (requests >= 0 || tokens >= 0) {
            return new RateLimitHeaders(requests, at(header.apply("anthropic-ratelimit-requests-reset")), tokens,
                    at(header.apply(tokensKind + "-reset")));
        }
        return null;
    }

    private static long number(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** An RFC 3339 time as epoch milliseconds, or 0. */
    private static long at(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Instant.parse(value.strip()).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    /** {@code now} plus a duration such as {@code 1s}, {@code 6m0s}, {@code 1h2m3.5s} or {@code 120ms}, or 0. */
    static long after(long nowMillis, String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String text = value.strip();
        double millis = 0;
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                i++;
            }
            int unitStart = i;
            while (i < text.length() && Character.isLetter(text.charAt(i))) {
                i++;
            }
            if (start == unitStart || unitStart == i) {
                return 0;
            }
            double amount;
            try {
                amount = Double.parseDouble(text.substring(start, unitStart));
            } catch (NumberFormatException e) {
                return 0;
            }
            switch (text.substring(unitStart, i)) {
                case "h" -> millis += amount * 3_600_000;
                case "m" -> millis += amount * 60_000;
                case "s" -> millis += amount * 1_000;
                case "ms" -> millis += amount;
                default -> {
                    return 0;
                }
            }
        }
        return nowMillis + (long) Math.ceil(millis);
    }
}
