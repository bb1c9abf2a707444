package dev.switchboard.provider;

import java.util.concurrent.atomic.AtomicLong;

import dev.switchboard.schema.Usage;

/**
 * The usage of one stream, reported by its adapter as the events pass: the exact counts when the provider sent them
 * (whether or not the caller asked for {@code include_usage}), and the number of data events, from which an estimate
 * is made when it sent none. Written in the stream's serial order, read after it ended.
 */
public final class StreamUsage {

    private volatile Usage reported;
    private final AtomicLong events = new AtomicLong();

    /** The provider's own counts; a later report replaces an earlier one (providers send running totals). */
    public void report(Usage usage) {
        reported = usage;
    }

    /** One data event passed. */
    public void event() {
        events.incrementAndGet();
    }

    /** The provider's counts, or null when it reported none. */
    public Usage reported() {
        return reported;
    }

    /** Data events seen: about one completion token each, for the estimate. */
    public long events() {
        return events.get();
    }
}
