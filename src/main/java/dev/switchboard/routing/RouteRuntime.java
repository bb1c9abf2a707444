package dev.switchboard.routing;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Route;
import dev.switchboard.model.Target;
import dev.switchboard.strategy.Plans;
import dev.switchboard.strategy.Strategies;
import dev.switchboard.strategy.Strategy;
import dev.switchboard.strategy.StrategyContext;
import dev.switchboard.strategy.TargetStats;
import dev.switchboard.strategy.TargetStatsRegistry;

/**
 * A route as it runs: its strategy instance (with the strategy's per-route state), its targets' live statistics and
 * its session-affinity table. Thread-safe.
 */
public final class RouteRuntime {

    /** The most sessions one route remembers; the least recently used are forgotten first. */
    static final int MAX_SESSIONS = 10_000;

    private static final Logger LOGGER = Logger.getLogger(RouteRuntime.class);

    private final Route route;
    private final Strategy strategy;
    private final List<TargetStats> stats;
    private final Cache<String, Integer> sessions;
    private final HedgeBudget hedgeBudget;

    RouteRuntime(Route route, TargetStatsRegistry registry, Supplier<RandomGenerator> random) {
        this.route = route;
        this.stats = route.targets().stream().map(registry::of).toList();
        this.strategy = Strategies.create(route.strategy(), new StrategyContext(route, stats, random));
        this.hedgeBudget = route.options().hedge() == null ? null : new HedgeBudget(route.options().hedge().maxRate());
        this.sessions = route.options().affinity() == null ? null
                : Caffeine.newBuilder().maximumSize(MAX_SESSIONS)
                        .expireAfterAccess(route.options().affinity().ttl()).build();
    }

    Route route() {
        return route;
    }

    String strategyName() {
        return strategy.name();
    }

    TargetStats stats(Target target) {
        return stats.get(target.index());
    }

    /**
     * The attempt plan: the strategy's order, then capability preferences (quality for complex requests, speed for
     * simple ones, when the route asks), then the session's pinned target first if it is still a candidate.
     */
    List<Target> plan(List<Target> candidates, RequestTraits traits, String session) {
        List<Target> plan = strategy.plan(candidates, traits);
        Route.Options options = route.options();
        if (traits.complex() && options.preferQualityForComplex()) {
            plan = Plans.ascending(plan, t -> -t.qualityRank());
        } else if (!traits.complex() && options.preferFastForSimple()) {
            plan = Plans.ascending(plan, t -> -t.speedRank());
        }
        if (sessions != null && session != null) {
            Integer pinned = sessions.getIfPresent(session);
            if (pinned != null) {
                for (int i = 0; i < plan.size(); i++) {
                    if (plan.get(i).index() == pinned) {
                        LOGGER.debugf("route '%s': session affinity puts %s first", route.name(), plan.get(i));
                        return Plans.withFirst(plan, i);
                    }
                }
                LOGGER.debugf("route '%s': the session's target is not a candidate now; re-pinning", route.name());
            }
        }
        return plan;
    }

    /** A request of {@code session} succeeded on {@code target}: later ones go there while it works. */
    void succeeded(String session, Target target) {
        if (sessions != null && session != null) {
            sessions.put(session, target.index());
        }
    }

    /**
     * The hedge threshold for a first attempt on {@code target}: the route's fixed {@code after}, or the percentile of
     * the target's times to first token (none until it has enough samples); null when the route does not hedge.
     */
    Duration hedgeAfter(Target target) {
        Route.Hedge hedge = route.options().hedge();
        if (hedge == null) {
            return null;
        }
        if (hedge.after() != null) {
            return hedge.after();
        }
        long nanos = stats(target).firstTokenPercentile(hedge.percentile());
        return nanos < 0 ? null : Duration.ofNanos(nanos);
    }

    /** The route's hedge budget, or null when it does not hedge. */
    HedgeBudget hedgeBudget() {
        return hedgeBudget;
    }

    /** Whether this route keeps session affinity. */
    boolean hasAffinity() {
        return sessions != null;
    }
}
