package dev.switchboard.limits;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.RoutingTable;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * The store of tenant budgets and provider quotas: Redis when {@code quarkus.redis.hosts} names one, else this
 * process. A Redis call that takes longer than {@code switchboard.shared-limits.timeout} (50 ms), or fails, switches
 * to the fallback the policy chooses ({@code shared-limits.on-store-failure}): per-pod limits (each limit divided by
 * the pod count, counted in this process), open, or closed. While Redis is down a probe runs every second; when it
 * answers, what this pod counted meanwhile is added to Redis (so the shared count resumes where the cluster is) and
 * requests go to Redis again. Thread-safe.
 */
@ApplicationScoped
public class SharedLimits {

    private static final Logger LOGGER = Logger.getLogger(SharedLimits.class);
    /** A pod counts as alive this long after its last heartbeat. */
    static final long POD_WINDOW_MS = 30_000;
    static final long HEARTBEAT_MS = 5_000;

    private final LocalStore local = new LocalStore(System::currentTimeMillis);
    /** The per-pod counts while Redis is down, added to Redis when it is back. */
    private final LocalStore fallback = new LocalStore(System::currentTimeMillis);
    private final Vertx vertx;
    private final Metrics metrics;
    private final Optional<String> hosts;
    private final Duration timeout;
    private final String namespace;
    private final String pod = UUID.randomUUID().toString();
    private RedisStore redis;
    private volatile long downSince;
    private volatile int observedPods = 1;
    private final AtomicLong fallbacks = new AtomicLong();
    /** Slow answers from Redis in a row. */
    private final AtomicInteger failures = new AtomicInteger();
    /** Slow answers in a row that make Redis count as down. */
    static final int SLOW_ANSWERS = 3;
    private final PodMemory memory = new PodMemory();
    /** The cluster's usage totals in Redis, or null without Redis. */
    private ClusterUsage usage;
    private long timer = -1;
    private int ticks;

    public SharedLimits(Vertx vertx, Metrics metrics, @ConfigProperty(name = "quarkus.redis.hosts") Optional<String> hosts,
            @ConfigProperty(name = "switchboard.shared-limits.timeout", defaultValue = "50ms") Duration timeout,
            @ConfigProperty(name = "switchboard.shared-limits.namespace", defaultValue = "switchboard") String namespace) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.hosts = hosts.map(String::strip).filter(h -> !h.isEmpty());
        this.timeout = timeout;
        this.namespace = namespace;
    }

    void start(@Observes StartupEvent event) {
        if (hosts.isEmpty()) {
            return;
        }
        String first = hosts.get().split(",", 2)[0].strip();
        redis = new RedisStore(vertx, first, namespace);
        usage = new ClusterUsage(redis);
        metrics.sharedStore(() -> downSince == 0 ? 1 : 0, fallbacks);
        for (int i = 0; i < 4; i++) {
            heartbeat(); // also opens a few pooled connections before the first requests need them
        }
        timer = vertx.setPeriodic(1_000, id -> tick());
        LOGGER.infof("Shared limits: Redis at %s (namespace '%s')", redacted(first), namespace);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Whether the counters are shared through Redis (else they are this process's own). */
    public boolean shared() {
        return redis != null;
    }

    /**
     * Takes {@code counters} together: all, or none when one would pass its limit.
     *
     * @param settings what to do while Redis cannot be reached
     */
    public Uni<Taken> take(List<Counter> counters, RoutingTable.SharedLimits settings) {
        if (counters.isEmpty()) {
            return Uni.createFrom().item(Taken.UNCOUNTED);
        }
        Uni<Taken> taken;
        if (redis == null) {
            taken = local.take(counters);
        } else if (downSince != 0) {
            taken = Uni.createFrom().item(fallback(counters, settings));
        } else {
            taken = redis.take(counters).ifNoItem().after(timeout).fail().invoke(ok -> failures.set(0))
                    .onFailure().recoverWithItem(failure -> {
                        down(failure);
                        return fallback(counters, settings);
                    });
        }
        return taken.invoke(result -> memory.saw(counters, result));
    }

    /** What this pod remembers between calls: totals seen, tenants' answer sizes, soft limits logged. */
    public PodMemory memory() {
        return memory;
    }

    /** Adds {@code counters} (a charge after the answer, or a refund); never waits on the request path. */
    public void add(List<Counter> counters) {
        if (counters.isEmpty()) {
            return;
        }
        if (redis == null) {
            local.addAll(counters);
        } else if (downSince != 0) {
            fallback.addAll(counters);
        } else {
            redis.add(counters).ifNoItem().after(Duration.ofSeconds(2)).fail().subscribe().with(ok -> {
            }, failure -> {
                down(failure);
                fallback.addAll(counters);
            });
        }
    }

    /** Raises {@code counters} to at least their amounts (a provider's own report); never waits. */
    public void raise(List<Counter> counters) {
        if (counters.isEmpty()) {
            return;
        }
        memory.raised(counters);
        if (redis == null) {
            local.raiseAll(counters);
        } else if (downSince != 0) {
            fallback.raiseAll(counters);
        } else {
            redis.raise(counters).ifNoItem().after(Duration.ofSeconds(2)).fail().subscribe().with(ok -> {
            }, this::down);
        }
    }

    /** The store as readiness data shows it. */
    public String describe() {
        if (redis == null) {
            return "in-process (one pod's own limits)";
        }
        long since = downSince;
        return since == 0 ? "redis, " + observedPods + " pod(s)"
                : "redis unreachable since " + Instant.ofEpochMilli(since) + ": the policy's on-store-failure applies ("
                        + fallbacks.get() + " request(s) so far)";
    }

    private Taken fallback(List<Counter> counters, RoutingTable.SharedLimits settings) {
        fallbacks.incrementAndGet();
        return switch (settings.onStoreFailure()) {
            case "open" -> Taken.UNCOUNTED;
            case "closed" -> new Taken(0, new long[] { -1 });
            default -> {
                // what the cluster had used when this pod last heard from Redis still counts
                for (int i = 0; i < counters.size(); i++) {
                    Counter c = counters.get(i);
                    if (c.limit() >= 0 && memory.seen(c.key()) + c.amount() > c.limit()) {
                        yield new Taken(i, new long[] { memory.seen(c.key()) });
                    }
                }
                int pods = settings.pods() > 0 ? settings.pods() : Math.max(1, observedPods);
                yield fallback.takeNow(counters.stream()
                        .map(c -> c.limit() < 0 ? c : c.withLimit((c.limit() + pods - 1) / pods)).toList());
            }
        };
    }

    /**
     * Redis failed a call. A refused or closed connection means it is down; a slow answer may be a moment's
     * congestion (or a pool still connecting), so only {@value #SLOW_ANSWERS} in a row switch the pod to the fallback
     * (each of them was decided by the fallback all the same).
     */
    private void down(Throwable failure) {
        boolean slow = failure instanceof TimeoutException
                || failure instanceof io.smallrye.mutiny.TimeoutException;
        if (slow && failures.incrementAndGet() < SLOW_ANSWERS) {
            return;
        }
        if (downSince == 0) {
            synchronized (this) {
                if (downSince == 0) {
                    downSince = System.currentTimeMillis();
                    failures.set(0);
                    LOGGER.warnf("Shared limits: Redis did not answer (%s); limits follow shared-limits.on-store-failure "
                            + "until it does", failure.getClass().getSimpleName());
                }
            }
        }
    }

    /**
     * One answer's usage, for the cluster's totals per tenant, provider and model ({@code /api/v1/admin/usage});
     * nothing without Redis.
     */
    public void usage(String tenant, String provider, String model, long prompt, long completion, long microUsd) {
        if (usage != null) {
            usage.add(tenant, provider, model, prompt, completion, microUsd);
        }
    }

    /** The cluster's usage this month ({@code tenant|provider|model|field} to its total), or null without Redis. */
    public Uni<Map<String, Long>> clusterUsage() {
        return usage == null ? Uni.createFrom().nullItem() : usage.read();
    }

    private void tick() {
        if (downSince == 0) {
            usage.flush();
        }
        if (downSince != 0) {
            // a probe; when Redis answers, what this pod counted meanwhile joins the shared counts
            redis.heartbeat(pod, System.currentTimeMillis(), POD_WINDOW_MS).ifNoItem().after(Duration.ofSeconds(1))
                    .fail().subscribe().with(pods -> recovered(pods), failure -> {
                    });
        } else if (++ticks % (HEARTBEAT_MS / 1_000) == 0) {
            heartbeat();
        }
    }

    private void heartbeat() {
        redis.heartbeat(pod, System.currentTimeMillis(), POD_WINDOW_MS).ifNoItem().after(Duration.ofSeconds(1)).fail()
                .subscribe().with(pods -> observedPods = Math.max(1, pods), this::down);
    }

    private void recovered(int pods) {
        observedPods = Math.max(1, pods);
        Map<String, long[]> counted = fallback.drain();
        List<Counter> reconcile = counted.entrySet().stream()
                .map(e -> new Counter(e.getKey(), e.getValue()[0], -1, e.getValue()[1])).toList();
        redis.add(reconcile).subscribe().with(ok -> {
            long since = downSince;
            downSince = 0;
            LOGGER.infof("Shared limits: Redis answers again after %d s; %d counter(s) of this pod added to it",
                    (System.currentTimeMillis() - since) / 1_000, reconcile.size());
        }, failure -> fallback.addAll(reconcile));
    }

    private static String redacted(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }
}
