package dev.switchboard.metrics;

import java.util.Set;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Keeps the JVM meters an operator of a sidecar acts on (memory by pool, GC pauses, live threads, direct buffer memory)
 * and drops the rest (class counts, thread states, GC allocation and promotion counters, heap-pressure gauges, the
 * JVM's version): each costs scrape size in every pod, and the pod's own metrics (kubelet, cAdvisor) cover CPU and
 * memory. Quarkus applies every {@link MeterFilter} bean to its registries.
 */
@Singleton
public class JvmMeterFilter implements MeterFilter {

    /** Meter names (prefixes) that stay, among those starting with {@code jvm.}. */
    static final Set<String> KEPT = Set.of("jvm.memory.used", "jvm.memory.committed", "jvm.memory.max", "jvm.gc.pause",
            "jvm.threads.live", "jvm.buffer.memory.used");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        String name = id.getName();
        if (!name.startsWith("jvm.")) {
            return MeterFilterReply.NEUTRAL;
        }
        return KEPT.contains(name) ? MeterFilterReply.NEUTRAL : MeterFilterReply.DENY;
    }
}
