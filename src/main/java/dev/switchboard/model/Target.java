package dev.switchboard.model;

/**
 * One place a route can send a request: a provider, the model to ask it for, and what the strategies know about it.
 *
 * @param provider the provider's name in the policy
 * @param model the upstream model id sent to that provider
 * @param weight relative weight for weighted strategies (> 0)
 * @param index position in the route's target list (strategies keep per-target state by it)
 * @param speedRank 1 (low) to 3 (high); 2 when the policy does not say
 * @param qualityRank 1 (low) to 3 (high); 2 when the policy does not say
 * @param price USD per million tokens, or null when unknown
 * @param contextWindow the most tokens (prompt + completion) the model takes, or 0 when unknown
 * @param maxTokens completion limit for APIs that require one when the caller sets none, or 0 for the default
 */
@io.quarkus.runtime.annotations.RegisterForReflection
public record Target(String provider, String model, int weight, int index, int speedRank, int qualityRank, Price price,
        int contextWindow, int maxTokens) {

    /** A target with no metadata (a {@code provider/model} pin). */
    public static Target plain(String provider, String model) {
        return new Target(provider, model, 1, 0, 2, 2, null, 0, 0);
    }

    /** USD per million prompt and completion tokens. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Price(double inputPer1m, double outputPer1m) {

        /** Estimated cost in USD of a request. */
        public double estimate(int promptTokens, int completionTokens) {
            return (promptTokens * inputPer1m + completionTokens * outputPer1m) / 1_000_000d;
        }
    }

    /** Whether the model can hold this many tokens; true when its window is unknown. */
    public boolean fits(int tokens) {
        return contextWindow == 0 || tokens <= contextWindow;
    }

    @Override
    public String toString() {
        return provider + "/" + model;
    }
}
