package dev.switchboard.testing;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;

import dev.switchboard.lifecycle.Drain;
import dev.switchboard.lifecycle.Traffic;
import io.quarkus.runtime.configuration.MemorySize;

/** The traffic bounds and drain as the application builds them, for tests without Quarkus. */
public final class Lifecycle {

    private Lifecycle() {
    }

    /** A drain that has not begun, over default bounds, with no quiet period. */
    public static Drain drain() {
        return new Drain(traffic(), Duration.ofSeconds(1), Duration.ZERO);
    }

    public static Traffic traffic() {
        return new Traffic(512, Optional.empty(), new MemorySize(BigInteger.valueOf(10L * 1024 * 1024)));
    }
}
