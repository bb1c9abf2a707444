package dev.switchboard.routing;

import java.time.Clock;
import java.time.Duration;

import dev.switchboard.model.Route;
import dev.switchboard.resilience.RetryAfter;
import dev.switchboard.schema.InvalidRequestException;
import dev.switchboard.schema.RequestHeaders;
import dev.switchboard.strategy.TargetStats;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * When one request must be answered by: the earlier of the caller's deadline ({@code x-switchboard-deadline-ms}, or
 * the OpenAI SDKs' {@code x-stainless-timeout}) and the route's {@code request-timeout}, or never. The attempt plan is
 * walked inside it: what could not answer in the time left is not started. Fixed at the request's start.
 */
final class Deadline {

    private final Duration bound;
    private final boolean callers;
    private final String routeName;
    /** {@link System#nanoTime()} of the deadline, or 0 for none. */
    private final long at;

    Deadline(Route route, Duration callerDeadline) {
        Duration routes = route.requestTimeout();
        this.callers = callerDeadline != null && (routes == null || callerDeadline.compareTo(routes) < 0);
        this.bound = callers ? callerDeadline : routes;
        this.routeName = route.name();
        this.at = bound == null ? 0 : System.nanoTime() + bound.toNanos();
    }

    /** Whether there is a deadline at all. */
    boolean bounded() {
        return at != 0;
    }

    boolean passed() {
        return at != 0 && at - System.nanoTime() <= 0;
    }

    /**
     * Whether a target cannot answer in the time left: less is left than it usually takes (its moving average of time
     * to answer, or to the first event of a stream), or than the backoff before repeating it ({@code backoff} 0 for a
     * first try).
     */
    boolean wouldOvershoot(TargetStats stats, Duration backoff) {
        if (at == 0) {
            return false;
        }
        long left = at - System.nanoTime();
        long usual = stats.samples() > 0 ? (long) (stats.latencyMs() * 1_000_000) : 0;
        return left < usual || (!backoff.isZero() && left <= backoff.toNanos());
    }

    /**
     * How long to wait for an in-flight slot before the next round: {@code step} when that leaves time before the
     * deadline, else null (no deadline: no wait).
     */
    Duration slotWait(Duration step) {
        if (at == 0 || step == null) {
            return null;
        }
        return at - System.nanoTime() > step.toNanos() ? step : null;
    }

    /**
     * How long to wait before retrying a throttled target: its {@code Retry-After}, when the wait and its usual answer
     * fit before the deadline; null without a deadline, or when they do not fit.
     */
    Duration retryWait(String retryAfter, TargetStats stats) {
        if (at == 0) {
            return null;
        }
        Duration wait = RetryAfter.parse(retryAfter, Clock.systemUTC());
        if (wait == null || wait.isZero()) {
            return null;
        }
        long usual = (long) (stats.latencyMs() * 1_000_000);
        return wait.toNanos() + usual < at - System.nanoTime() ? wait : null;
    }

    /** One {@link StreamRelay.Stop#DEADLINE} when the deadline passes; nothing ever without one. */
    Multi<StreamRelay.Stop> timer() {
        if (at == 0) {
            return Multi.createFrom().nothing();
        }
        Duration left = Duration.ofNanos(Math.max(1, at - System.nanoTime()));
        return Uni.createFrom().item(StreamRelay.Stop.DEADLINE).onItem().delayIt().by(left).toMulti();
    }

    /** Which bound it is, for the caller: "The caller's deadline (300ms)" or "The request-timeout of 'r' (1200ms)". */
    String describe() {
        return callers ? "The caller's deadline (" + bound.toMillis() + "ms)"
                : "The request-timeout of '" + routeName + "' (" + bound.toMillis() + "ms)";
    }

    /** The caller's deadline for its whole request, in milliseconds. */
    public static final String DEADLINE_HEADER = "x-switchboard-deadline-ms";
    /** The OpenAI SDKs' own request timeout, in seconds; read when the caller sets no deadline of its own. */
    public static final String SDK_TIMEOUT_HEADER = "x-stainless-timeout";

    /**
     * The deadline the caller set: {@code x-switchboard-deadline-ms}, else the OpenAI SDKs' {@code x-stainless-timeout}
     * (seconds), else null.
     *
     * @throws InvalidRequestException for a deadline header that is not a positive number of milliseconds
     */
    static Duration callers(RequestHeaders headers) {
        String millis = headers.get(DEADLINE_HEADER);
        if (millis != null) {
            try {
                long value = Long.parseLong(millis.strip());
                if (value > 0) {
                    return Duration.ofMillis(value);
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw new InvalidRequestException("invalid_deadline", DEADLINE_HEADER
                    + " must be a positive whole number of milliseconds, got '" + millis + "'.");
        }
        String seconds = headers.get(SDK_TIMEOUT_HEADER);
        if (seconds != null) {
            try {
                double value = Double.parseDouble(seconds.strip());
                if (value > 0 && value < 86_400) {
                    return Duration.ofMillis(Math.round(value * 1000));
                }
            } catch (NumberFormatException e) {
                // an SDK's hint only: ignored when it does not read as seconds
            }
        }
        return null;
    }
}
