package dev.switchboard.strategy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.model.Target;

/**
 * Live statistics per target ({@code provider/model}), shared by every route that uses the target and kept for the
 * life of the process, so what was learned survives a new policy version.
 */
@ApplicationScoped
public class TargetStatsRegistry {

    private final ConcurrentMap<String, TargetStats> stats = new ConcurrentHashMap<>();

    public TargetStats of(Target target) {
        return stats.computeIfAbsent(target.provider() + "/" + target.model(), k -> new TargetStats());
    }
}
