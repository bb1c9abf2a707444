package dev.switchboard.routing;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.config.FaultConfig;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.resilience.ProviderState;

/**
 * The failover drills of this process: at most one per provider at a time, each bounded by a request count and a
 * duration (at most {@link #MAX_DURATION}), so a drill can never outlive its bound even when nobody stops it; the last
 * {@link #KEPT} ended drills stay readable. Thread-safe.
 */
@ApplicationScoped
public class Drills {

    /** The longest a drill may run. */
    public static final Duration MAX_DURATION = Duration.ofMinutes(15);
    /** Ended drills kept for the admin API. */
    static final int KEPT = 20;

    private static final Logger LOGGER = Logger.getLogger(Drills.class);

    private final PolicyState policies;
    private final Metrics metrics;
    private final Clock clock;
    private final Map<String, Drill> active = new ConcurrentHashMap<>();
    private final Deque<Drill> ended = new ArrayDeque<>();
    private final AtomicLong ids = new AtomicLong();

    public Drills(PolicyState policies, Metrics metrics) {
        this.policies = policies;
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
    }

    /**
     * Starts a drill on {@code provider}.
     *
     * @throws IllegalArgumentException when the provider is not in the active policy, the bounds are out of range,
     *         or a drill already runs on it
     */
    public Drill start(String provider, FaultConfig fault, int requests, Duration duration) {
        ProviderState state = policies.current().map(p -> p.states().get(provider)).orElse(null);
        if (state == null) {
            throw new IllegalArgumentException("no provider '" + provider + "' in the active policy");
        }
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be at least 1");
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be above 0 and at most " + MAX_DURATION.toMinutes() + "m");
        }
        Drill drill = new Drill("drill-" + ids.incrementAndGet(), provider, fault, requests, duration,
                () -> breaker(provider), clock.instant());
        synchronized (this) {
            Drill running = active(provider);
            if (running != null) {
                throw new IllegalStateException("drill " + running.id() + " already runs on provider '" + provider
                        + "'; stop it first");
            }
            active.put(provider, drill);
        }
        metrics.drill(provider, () -> active(provider) != null ? 1 : 0);
        LOGGER.warnf("Failover drill %s started: provider '%s' gets %s for %d request(s) or %ds", drill.id(), provider,
                fault.describe(), requests, duration.toSeconds());
        return drill;
    }

    /** The drill running on {@code provider} now, or null. */
    public Drill active(String provider) {
        Drill drill = active.get(provider);
        if (drill == null || drill.activeAt(clock.instant())) {
            return drill;
        }
        retire(drill);
        return null;
    }

    /** Stops the drill {@code id}; its report, or null when no drill has that id. */
    public Drill.Report stop(String id) {
        for (Drill drill : all()) {
            if (drill.id().equals(id)) {
                drill.stop("stopped", clock.instant());
                retire(drill);
                return drill.report();
            }
        }
        return null;
    }

    /** Running drills first, then the ended ones, newest first. */
    public List<Drill.Report> reports() {
        active.keySet().forEach(this::active); // ends the drills past their bounds
        return all().stream().map(Drill::report).toList();
    }

    private synchronized List<Drill> all() {
        List<Drill> all = new ArrayList<>(active.values());
        all.addAll(ended);
        return all;
    }

    private synchronized void retire(Drill drill) {
        if (active.remove(drill.provider(), drill)) {
            ended.addFirst(drill);
            while (ended.size() > KEPT) {
                ended.removeLast();
            }
            Drill.Report report = drill.report();
            LOGGER.warnf("Failover drill %s on provider '%s' ended (%s): %d attempt(s) faulted, %d failed over, "
                    + "%d answered, %d lost; breaker %s -> %s", report.id(), report.provider(), report.endReason(),
                    report.injected(), report.failedOver(), report.answered(), report.lost(), report.breakerAtStart(),
                    report.breakerNow());
        }
    }

    private String breaker(String provider) {
        return policies.current().map(p -> p.states().get(provider))
                .map(s -> s.guard().state().name().toLowerCase(Locale.ROOT)).orElse("gone");
    }
}
