package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Switchboard as users run it: the packaged jar in its own JVM, on free loopback ports, with its output in a log file.
 * {@link #close()} ends it (and a shutdown hook does too, should the benchmark die: {@link ProxyProcess}).
 */
final class ChaosProxy implements AutoCloseable {

    private final ProxyProcess process;
    private final int port;
    private final int managementPort;

    private ChaosProxy(ProxyProcess process, int port, int managementPort) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** A port nobody listens on (for a moment): for the proxy, and for the provider whose connections are refused. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts the jar with the policy, its output (overwritten) in {@code log}; does not wait. */
    static ChaosProxy start(Path jar, Path policy, Path log, String heap) throws IOException {
        return start(jar, policy, log, heap, Map.of());
    }

    /** As {@link #start(Path, Path, Path, String)}, with more environment variables. */
    static ChaosProxy start(Path jar, Path policy, Path log, String heap, Map<String, String> extra) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw package -DskipTests");
        }
        int port = freePort();
        int managementPort = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, String> env = new java.util.HashMap<>(extra);
        env.putAll(Map.of("SWITCHBOARD_POLICY", policy.toString(),
                "SWITCHBOARD_RELOAD_INTERVAL", "0",
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", String.valueOf(port),
                "QUARKUS_MANAGEMENT_HOST", "127.0.0.1",
                "QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort)));
        return new ChaosProxy(ProxyProcess.start("chaos-proxy", List.of(java, "-Xmx" + heap, "-jar", jar.toString()),
                env, log), port, managementPort);
    }

    /** Waits until {@code /q/health/ready} answers 200; fails with the log's tail if the proxy exits or is slow. */
    void awaitReady(HttpClient client, Duration timeout) {
        HttpRequest ready = HttpRequest.newBuilder(managementUri("/q/health/ready")).timeout(Duration.ofSeconds(2))
                .build();
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.alive()) {
                    throw new IllegalStateException("Switchboard exited with " + process.exitValue() + ":\n" + tail(40));
                }
                try {
                    return client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false; // not listening yet
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Switchboard was not ready within " + timeout.toSeconds() + " s:\n"
                    + tail(40), e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    URI managementUri(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    Path log() {
        return process.log();
    }

    /** The last {@code lines} lines of the proxy's output. */
    String tail(int lines) {
        return process.tail(lines);
    }

    List<String> logLines() {
        try {
            return Files.readAllLines(process.log(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of("(cannot read " + process.log() + ": " + e + ")");
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
