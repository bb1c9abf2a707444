package dev.switchboard.lifecycle;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;

/**
 * Requests in flight on the proxy port, and the bytes of their bodies, with the bounds past which a new request is
 * shed at once (503 {@code overloaded}) instead of queued: {@code switchboard.max-in-flight} requests, and
 * {@code switchboard.max-body-bytes-in-flight} bytes of declared bodies (a chunked body counts as the largest one
 * allowed). One request is always admitted when nothing else is in flight, so a body under the size limit is never
 * refused on its own. Thread-safe and lock-free on the request path.
 */
@ApplicationScoped
public class Traffic {

    private final int maxInFlight;
    private final long maxBytes;
    private final long maxBodySize;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong entered = new AtomicLong();
    private volatile boolean watched;

    public Traffic(@ConfigProperty(name = "switchboard.max-in-flight", defaultValue = "512") int maxInFlight,
            @ConfigProperty(name = "switchboard.max-body-bytes-in-flight") Optional<MemorySize> maxBytes,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize maxBodySize) {
        this.maxInFlight = maxInFlight;
        this.maxBytes = maxBytes.map(MemorySize::asLongValue).orElseGet(Traffic::heapShare);
        this.maxBodySize = maxBodySize.asLongValue();
    }

    /**
     * The default byte bound: a third of the heap. A body in flight costs about twice its size in heap (its read
     * buffer, and the copy with the upstream model spliced in, which is sent without another copy): with the shipped
     * 64 MiB heap (a 21 MiB bound) two 9.9 MB bodies relayed to an OpenAI-type provider beside 32 concurrent chats
     * fit with a heap that stayed below its limit; three alone did not. One body is always admitted alone, whatever
     * the bound.
     */
    static long heapShare() {
        return Runtime.getRuntime().maxMemory() / 3;
    }

    /**
     * Admits a request, or says why not.
     *
     * @param declaredLength its Content-Length, or -1 for a chunked body
     * @return null when admitted (then {@link #exit(long)} with {@link #charge(long)} must follow exactly once), or
     *         why it was refused
     */
    public Refusal enter(long declaredLength) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            leave();
            return new Refusal("in_flight", maxInFlight + " requests are in flight (switchboard.max-in-flight)");
        }
        long charge = charge(declaredLength);
        long after = bytes.addAndGet(charge);
        if (after > maxBytes && after != charge) {
            bytes.addAndGet(-charge);
            leave();
            return new Refusal("body_bytes", "request bodies in flight would exceed " + maxBytes / (1024 * 1024)
                    + "MiB (switchboard.max-body-bytes-in-flight)");
        }
        entered.incrementAndGet();
        return null;
    }

    /**
     * Why a request was shed.
     *
     * @param reason the metric tag: {@code in_flight} or {@code body_bytes}
     * @param message for the caller and the log
     */
    public record Refusal(String reason, String message) {
    }

    /** The bytes a request of this declared length holds against the bound. */
    public long charge(long declaredLength) {
        return declaredLength >= 0 ? Math.min(declaredLength, maxBodySize) : maxBodySize;
    }

    /** The request admitted with {@code charge} bytes has ended (answered, failed or its caller gone). */
    public void exit(long charge) {
        bytes.addAndGet(-charge);
        leave();
    }

    private void leave() {
        if (inFlight.decrementAndGet() == 0 && watched) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Requests admitted since start, to tell whether any came in while the count was zero. */
    public long entered() {
        return entered.get();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Waits, off the event loop, until no request is in flight.
     *
     * @return whether that happened within {@code nanos}
     */
    synchronized boolean awaitIdle(long nanos) throws InterruptedException {
        watched = true;
        long end = System.nanoTime() + nanos;
        while (inFlight.get() > 0) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
