package dev.switchboard.config;

import java.time.Duration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code mock:} — how a {@code type: mock} provider behaves: its latency before answering, the number of chunks of a
 * stream and the pause between them, and how often it fails ({@code failure-rate}) and how: with
 * {@code failure-status}, or with any {@link FaultConfig fault} a failover drill can inject ({@code fault}).
 */
@RegisterForReflection
public record MockConfig(Duration latency, Integer chunks, Duration chunkDelay, Double failureRate,
        Integer failureStatus, FaultConfig fault) {

    public static final MockConfig DEFAULT = new MockConfig(null, null, null, null, null, null);

    public MockConfig {
        Checks.notNegative("latency", latency);
        latency = latency != null ? latency : Duration.ZERO;
        Checks.atLeast("chunks", chunks, 1);
        chunks = chunks != null ? chunks : 5;
        Checks.notNegative("chunk-delay", chunkDelay);
        chunkDelay = chunkDelay != null ? chunkDelay : Duration.ZERO;
        Checks.ratio("failure-rate", failureRate, true);
        failureRate = failureRate != null ? failureRate : 0.0;
        if (failureStatus != null && (failureStatus < 400 || failureStatus > 599)) {
            throw new ConfigViolation("failure-status", "must be an HTTP error status (400-599), got " + failureStatus);
        }
        failureStatus = failureStatus != null ? failureStatus : 503;
    }
}
