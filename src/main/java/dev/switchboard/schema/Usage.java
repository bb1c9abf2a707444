package dev.switchboard.schema;

/**
 * Token counts of one answer, as the provider reported them or, when it reported none, estimated.
 *
 * @param promptTokens input tokens, cached ones included
 * @param completionTokens output tokens, reasoning ones included
 * @param cachedTokens input tokens served from the provider's prompt cache, or 0 when not reported
 * @param reasoningTokens output tokens spent on reasoning, or 0 when not reported
 * @param estimated true when the provider reported nothing and these are Switchboard's estimate
 * @param model the model the provider said answered, or null
 */
public record Usage(long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens,
        boolean estimated, String model) {

    public Usage(long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens, boolean estimated) {
        this(promptTokens, completionTokens, cachedTokens, reasoningTokens, estimated, null);
    }

    /** These counts, reported by {@code model}. */
    public Usage answeredBy(String answeringModel) {
        return new Usage(promptTokens, completionTokens, cachedTokens, reasoningTokens, estimated, answeringModel);
    }

    /** Reported counts without cache or reasoning detail. */
    public static Usage of(long promptTokens, long completionTokens) {
        return new Usage(promptTokens, completionTokens, 0, 0, false);
    }

    /** Switchboard's estimate for an answer whose provider reported no usage. */
    public static Usage estimate(long promptTokens, long completionTokens) {
        return new Usage(promptTokens, completionTokens, 0, 0, true);
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
