package dev.switchboard.config;

import java.time.Duration;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code routes.<alias>:} — the targets behind one model alias and how to choose among them. {@code strategy} and
 * {@code retry} are null when inherited from {@code defaults}.
 *
 * @param preferFastForSimple put faster targets first for simple requests
 * @param preferQualityForComplex put better targets first for complex requests
 * @param complexityThreshold estimated prompt tokens above which a request is complex (default 2000)
 * @param affinity keep requests with the same key on the same target, or null
 * @param exploration share of requests a learning strategy sends to a target that is not its best (default 0.05)
 * @param requestTimeout bound on all attempts of one request together, or null for {@code defaults.request-timeout}
 */
@RegisterForReflection
public record RouteConfig(String strategy, List<TargetConfig> targets, RetryConfig retry, Boolean preferFastForSimple,
        Boolean preferQualityForComplex, Integer complexityThreshold, AffinityConfig affinity, Double exploration,
        Duration requestTimeout, HedgeConfig hedge) {

    public RouteConfig {
        Checks.positive("request-timeout", requestTimeout);
        Checks.atLeast("complexity-threshold", complexityThreshold, 1);
        Checks.ratio("exploration", exploration, true);
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
