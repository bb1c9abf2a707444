package dev.switchboard.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.switchboard.config.FaultConfig;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Faults;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import io.smallrye.mutiny.Uni;

/**
 * One failover drill: a fault injected into every attempt to one provider, until its request count or its duration
 * runs out (whichever first) or it is stopped, and what the router did meanwhile: attempts faulted, how many of them
 * failed over, requests that still got a whole answer, requests lost (an error answer, or a stream cut before its
 * end), and the provider's breaker as it moved. Thread-safe.
 */
public final class Drill {

    private final String id;
    private final String provider;
    private final FaultConfig fault;
    private final int maxRequests;
    private final Instant started;
    private final Instant endsAt;
    private final Supplier<String> breaker;
    private final String breakerAtStart;
    private final AtomicInteger injected = new AtomicInteger();
    private final AtomicInteger failedOver = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();
    private final AtomicInteger breakerChanges = new AtomicInteger();
    private final AtomicLong stoppedAt = new AtomicLong();
    private volatile String lastBreaker;
    private volatile String endReason;

    Drill(String id, String provider, FaultConfig fault, int maxRequests, Duration duration, Supplier<String> breaker,
            Instant now) {
        this.id = id;
        this.provider = provider;
        this.fault = fault;
        this.maxRequests = maxRequests;
        this.started = now;
        this.endsAt = now.plus(duration);
        this.breaker = breaker;
        this.breakerAtStart = breaker.get();
        this.lastBreaker = breakerAtStart;
    }

    public String id() {
        return id;
    }

    public String provider() {
        return provider;
    }

    /** Whether the drill still injects at {@code now}; the first call past a bound ends it. */
    boolean activeAt(Instant now) {
        if (stoppedAt.get() != 0) {
            return false;
        }
        if (!now.isBefore(endsAt)) {
            stop("duration", now);
            return false;
        }
        if (injected.get() >= maxRequests) {
            stop("requests", now);
            return false;
        }
        return true;
    }

    /** Ends the drill (once): {@code reason} is duration, requests, stopped or replaced. */
    void stop(String reason, Instant now) {
        if (stoppedAt.compareAndSet(0, now.toEpochMilli())) {
            endReason = reason;
            observeBreaker();
        }
    }

    /** Takes one of the drill's requests; false when they are all taken. */
    boolean take() {
        return injected.incrementAndGet() <= maxRequests;
    }

    /** {@code attempt} sent to {@code real} with the drill's fault injected. */
    Uni<Reply> send(Provider real, Attempt attempt) {
        return Faults.apply(fault, real.spec(), () -> real.send(attempt));
    }

    /** A faulted attempt failed and the request moved on to another attempt. */
    void failedOver() {
        failedOver.incrementAndGet();
        observeBreaker();
    }

    /** A request with a faulted attempt ended: with a whole answer, or lost. */
    void ended(boolean whole) {
        (whole ? answered : lost).incrementAndGet();
        observeBreaker();
    }

    private void observeBreaker() {
        String now = breaker.get();
        if (!now.equals(lastBreaker)) {
            lastBreaker = now;
            breakerChanges.incrementAndGet();
        }
    }

    /** The drill as the admin API shows it. */
    public Report report() {
        long stopped = stoppedAt.get();
        return new Report(id, provider, fault.describe(), stopped == 0, started.toString(), endsAt.toString(),
                stopped == 0 ? null : Instant.ofEpochMilli(stopped).toString(), endReason, maxRequests,
                Math.min(injected.get(), maxRequests), failedOver.get(), answered.get(), lost.get(), breakerAtStart,
                breaker.get(), breakerChanges.get());
    }

    /**
     * What a drill did.
     *
     * @param injected attempts that got the fault
     * @param failedOver faulted attempts after which the request went on to another attempt
     * @param answered requests with a faulted attempt that still got a whole answer
     * @param lost requests with a faulted attempt that got an error answer or a stream cut before its end
     */
    public record Report(String id, String provider, String fault, boolean active, String started, String endsAt,
            String ended, String endReason, int maxRequests, int injected, int failedOver, int answered, int lost,
            String breakerAtStart, String breakerNow, int breakerChanges) {
    }
}
