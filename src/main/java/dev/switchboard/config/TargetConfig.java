package dev.switchboard.config;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One entry of {@code routes.<name>.targets}: a provider, the model to ask it for, and a weight. */
@RegisterForReflection
public record TargetConfig(String provider, String model, Integer weight) {

    public TargetConfig {
        Checks.required("provider", provider);
        Checks.required("model", model);
        if (weight != null && weight <= 0) {
            throw new ConfigViolation("weight", "must be > 0, got " + weight);
        }
        weight = weight != null ? weight : 1;
    }
}
