package dev.switchboard.model;

/**
 * What strategies know about one request.
 *
 * @param promptTokens estimated prompt tokens (request body bytes / 4)
 * @param maxTokens the caller's {@code max_tokens} / {@code max_completion_tokens}, or 0 when absent
 * @param complex whether the request counts as complex (see the README: long prompt, tools, or priority high)
 */
public record RequestTraits(int promptTokens, int maxTokens, boolean complex) {

    /** Completion tokens assumed for cost estimates when the caller sets no {@code max_tokens}. */
    public static final int ASSUMED_COMPLETION_TOKENS = 256;

    /** Completion tokens for cost estimates. */
    public int completionTokens() {
        return maxTokens > 0 ? maxTokens : ASSUMED_COMPLETION_TOKENS;
    }
}
