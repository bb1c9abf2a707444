package dev.switchboard.config;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code routes.<alias>:} — the targets behind one model alias and how to choose among them. {@code strategy} and
 * {@code retry} are null when inherited from {@code defaults}.
 */
@RegisterForReflection
public record RouteConfig(String strategy, List<TargetConfig> targets, RetryConfig retry) {

    public RouteConfig {
        if (targets == null || targets.isEmpty()) {
            throw new ConfigViolation("targets", "at least one target is required");
        }
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i) == null) {
                throw new ConfigViolation("targets[" + i + "]", "must be a mapping with 'provider' and 'model'");
            }
        }
        targets = List.copyOf(targets);
    }
}
