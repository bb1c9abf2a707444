package dev.switchboard.config;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code shared-limits:} — what tenant budgets and provider quotas do while their shared store (Redis) cannot be
 * reached: {@code per-pod} (the default) enforces each limit divided by the pod count ({@code pods}, or the pods seen
 * in the store lately when unset), {@code open} lets requests through unlimited, {@code closed} refuses them.
 */
@RegisterForReflection
public record SharedLimitsConfig(String onStoreFailure, Integer pods) {

    public static final List<String> MODES = List.of("per-pod", "open", "closed");
    public static final SharedLimitsConfig DEFAULT = new SharedLimitsConfig(null, null);

    public SharedLimitsConfig {
        onStoreFailure = onStoreFailure != null ? onStoreFailure : "per-pod";
        if (!MODES.contains(onStoreFailure)) {
            throw new ConfigViolation("on-store-failure", "must be one of per-pod, open, closed; got '"
                    + onStoreFailure + "'");
        }
        Checks.atLeast("pods", pods, 1);
    }
}
