package dev.switchboard.lifecycle;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.smallrye.mutiny.Multi;

/**
 * The drain on SIGTERM, before the HTTP server stops: readiness goes DOWN at once; requests in flight, and new ones
 * (the app may still call while it shuts down itself), are served until nothing has been in flight for
 * {@code switchboard.shutdown.quiet-period}, or until {@code switchboard.shutdown.drain} has passed; then whatever is
 * still open is told to end ({@link #ended()}: a stream with a {@code shutting_down} error event, a request still
 * waiting for its provider with 503 {@code shutting_down}) and given a moment to be written. Runs in Quarkus'
 * pre-shutdown phase ({@code quarkus.shutdown.delay-enabled}), on the shutdown thread.
 */
@ApplicationScoped
public class Drain {

    private static final Logger LOGGER = Logger.getLogger(Drain.class);
    /** How long the final error events get to reach their callers. */
    private static final Duration FLUSH = Duration.ofSeconds(2);

    private final Traffic traffic;
    private final Duration drain;
    private final Duration quietPeriod;
    private final EndSignal end = new EndSignal("shutting down");
    private volatile boolean draining;
    private volatile boolean over;

    public Drain(Traffic traffic, @ConfigProperty(name = "switchboard.shutdown.drain", defaultValue = "25s") Duration drain,
            @ConfigProperty(name = "switchboard.shutdown.quiet-period", defaultValue = "1s") Duration quietPeriod) {
        this.traffic = traffic;
        this.drain = drain;
        this.quietPeriod = quietPeriod;
    }

    /** Whether a shutdown has begun (readiness is DOWN). */
    public boolean draining() {
        return draining;
    }

    /**
     * One item when the drain time is over and open requests must end now; at once if it is over already. Never
     * completes otherwise; cancel it when the request ends.
     */
    public Multi<String> ended() {
        return over ? Multi.createFrom().item("shutting down") : Multi.createFrom().publisher(end);
    }

    void onShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        run();
    }

    /** The drain itself: returns when nothing is in flight, or once the drain time is over and open requests ended. */
    void run() {
        draining = true;
        LOGGER.infof("Shutting down: readiness is DOWN; serving the %d request(s) in flight, and new ones, for up to %s",
                traffic.inFlight(), drain);
        long deadline = System.nanoTime() + drain.toNanos();
        try {
            if (quiet(deadline)) {
                LOGGER.info("Drained: no request in flight");
                return;
            }
            over = true;
            LOGGER.warnf("Drain time (switchboard.shutdown.drain = %s) is over: ending the %d request(s) still in flight "
                    + "with shutting_down", drain, traffic.inFlight());
            end.fire();
            if (!traffic.awaitIdle(FLUSH.toNanos())) {
                LOGGER.warnf("%d request(s) still open after their shutting_down answer", traffic.inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until nothing has been in flight for the quiet period; false when the deadline came first. */
    private boolean quiet(long deadline) throws InterruptedException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !traffic.awaitIdle(left)) {
                return false;
            }
            long entered = traffic.entered();
            long pause = Math.min(quietPeriod.toNanos(), deadline - System.nanoTime());
            if (pause > 0) {
                LockSupport.parkNanos(this, pause);
            }
            if (traffic.inFlight() == 0 && traffic.entered() == entered) {
                return true;
            }
        }
    }
}
