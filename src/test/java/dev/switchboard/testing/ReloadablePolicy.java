package dev.switchboard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A policy mounted the way the kubelet mounts a ConfigMap: {@code policy.yaml} is a symlink to
 * {@code ..data/policy.yaml}, and {@code ..data} a symlink to a timestamped directory that an update replaces
 * atomically. Polled every 200 ms by the application under test.
 */
public class ReloadablePolicy implements QuarkusTestResourceLifecycleManager {

    public static Path dir;
    private static final AtomicInteger VERSIONS = new AtomicInteger();

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("switchboard-configmap");
            swap(initial());
            Files.createSymbolicLink(dir.resolve("policy.yaml"), Path.of("..data", "policy.yaml"));
            return Map.of("switchboard.policy", dir.resolve("policy.yaml").toString(),
                    "switchboard.reload-interval", "200ms");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String initial() {
        return """
                providers:
                  steady: { type: mock, mock: { latency: 5ms } }
                  slow: { type: mock, mock: { latency: 1500ms } }
                  failing:
                    type: mock
                    mock: { failure-rate: 1.0, failure-status: 500 }
                    circuit-breaker: { failure-ratio: 1.0, request-volume-threshold: 2, delay: 60s }
                routes:
                  first: { targets: [ { provider: steady, model: m1 } ] }
                  slow: { targets: [ { provider: slow, model: s1 } ] }
                  breaking: { targets: [ { provider: failing, model: f1 }, { provider: steady, model: m1 } ] }
                """;
    }

    /** Publishes new content as the kubelet does: a new directory, then an atomic swap of {@code ..data}. */
    public static void swap(String policy) throws IOException {
        Path version = Files.createDirectory(dir.resolve("..version_" + VERSIONS.incrementAndGet()));
        Files.writeString(version.resolve("policy.yaml"), policy);
        Path link = dir.resolve("..data_tmp");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, version.getFileName());
        Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Rewrites the file the symlinks lead to, in place. */
    public static void rewriteInPlace(String policy) throws IOException {
        Files.writeString(dir.resolve("..data").toRealPath().resolve("policy.yaml"), policy);
    }

    @Override
    public void stop() {
        // the temporary directory is left to the OS
    }
}
