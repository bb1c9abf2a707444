package dev.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** {@code price:} of a target in USD per million tokens, prompt and completion. */
@RegisterForReflection
public record PriceConfig(@JsonProperty("input-per-1m") Double inputPer1m,
        @JsonProperty("output-per-1m") Double outputPer1m) {

    public PriceConfig {
        Checks.required("input-per-1m", inputPer1m);
        Checks.required("output-per-1m", outputPer1m);
        if (inputPer1m < 0 || inputPer1m.isNaN()) {
            throw new ConfigViolation("input-per-1m", "must be >= 0, got " + inputPer1m);
        }
        if (outputPer1m < 0 || outputPer1m.isNaN()) {
            throw new ConfigViolation("output-per-1m", "must be >= 0, got " + outputPer1m);
        }
    }
}
