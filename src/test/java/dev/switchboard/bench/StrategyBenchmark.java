package dev.switchboard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Route;
import dev.switchboard.model.Target;
import dev.switchboard.strategy.Strategies;
import dev.switchboard.strategy.Strategy;
import dev.switchboard.strategy.StrategyContext;
import dev.switchboard.strategy.TargetStats;

/**
 * One routing decision (an attempt plan) for a five-target route, per strategy. Run with
 * {@code ./mvnw -Pbench test-compile exec:exec}; {@code -prof gc} reports bytes allocated per decision.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StrategyBenchmark {

    @Param({ "failover", "round-robin", "weighted", "random", "weighted-random", "least-connections", "least-latency",
            "lowest-cost", "cost", "quality", "balanced", "adaptive" })
    public String strategy;

    private Strategy subject;
    private List<Target> targets;
    private final RequestTraits traits = new RequestTraits(1_200, 512, false);

    @Setup
    public void setUp() {
        targets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            targets.add(new Target("provider-" + i, "model-" + i, 10 * (i + 1), i, 1 + i % 3, 3 - i % 3,
                    new Target.Price(0.1 * (i + 1), 0.4 * (5 - i)), 128_000, 0));
        }
        Route route = new Route("bench", strategy, targets, 3, Duration.ZERO,
                new Route.Options(false, false, 2000, null, 0.05, null), null);
        List<TargetStats> stats = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            TargetStats s = new TargetStats();
            for (int n = 0; n < 10; n++) {
                s.begin();
                s.complete(n % 7 != 0, (50 + 20L * i) * 1_000_000);
            }
            stats.add(s);
        }
        subject = Strategies.create(strategy, new StrategyContext(route, stats, ThreadLocalRandom::current));
        targets = route.targets();
    }

    @Benchmark
    public List<Target> decide() {
        return subject.plan(targets, traits);
    }
}
