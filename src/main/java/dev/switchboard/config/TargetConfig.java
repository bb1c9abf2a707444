package dev.switchboard.config;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One entry of {@code routes.<name>.targets}: a provider, the model to ask it for, a weight, and capability metadata
 * the strategies read ({@code speed-tier}, {@code quality-tier}: low, medium or high; {@code price};
 * {@code context-window} in tokens), and {@code max-tokens}: the completion limit sent to APIs that require one
 * (Anthropic) when the caller sets none.
 */
@RegisterForReflection
public record TargetConfig(String provider, String model, Integer weight, String speedTier, String qualityTier,
        PriceConfig price, Integer contextWindow, Integer maxTokens) {

    /** Tier names, lowest first. */
    public static final List<String> TIERS = List.of("low", "medium", "high");

    public TargetConfig {
        checkTier("speed-tier", speedTier);
        checkTier("quality-tier", qualityTier);
        Checks.atLeast("context-window", contextWindow, 1);
        Checks.atLeast("max-tokens", maxTokens, 1);
        Checks.required("provider", provider);
        Checks.required("model", model);
        if (weight != null && weight <= 0) {
            throw new ConfigViolation("weight", "must be > 0, got " + weight);
        }
        weight = weight != null ? weight : 1;
    }

    /** A tier's rank: 1 (low) to 3 (high); 2 when unset. */
    public static int tierRank(String tier) {
        return tier == null ? 2 : TIERS.indexOf(tier) + 1;
    }

    private static void checkTier(String key, String tier) {
        if (tier != null && !TIERS.contains(tier)) {
            throw new ConfigViolation(key, "must be one of low, medium, high; got '" + tier + "'");
        }
    }
}
