package dev.switchboard.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}) run as users run it, in its own JVM, on
 * random ports. For {@code *IT} tests, which Maven runs after packaging.
 */
public final class PackagedApp implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Pattern PROXY = Pattern.compile("Proxy port listening on http://[^:]+:(\\d+)");
    private static final Pattern MANAGEMENT = Pattern.compile("Management interface listening on http://[^:]+:(\\d+)");

    private final Process process;
    private final Thread reader;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile int port;
    private volatile int managementPort;

    private PackagedApp(Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true);
        builder.environment().remove("SWITCHBOARD_POLICY");
        builder.environment().putAll(env);
        process = builder.start();
        reader = new Thread(this::read, "packaged-app-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The native executable when the native profile built one, else the JVM jar. */
    private static List<String> command() {
        String nativeImage = System.getProperty("native.image.path");
        if (nativeImage != null && Files.isRegularFile(Path.of(nativeImage))) {
            return List.of(nativeImage, "-Dquarkus.http.port=0", "-Dquarkus.management.port=0");
        }
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the ITs with ./mvnw verify");
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dquarkus.http.port=0",
                "-Dquarkus.management.port=0", "-jar", JAR.toString());
    }

    /** Starts the jar with extra environment variables; does not wait. */
    public static PackagedApp start(Map<String, String> env) throws IOException {
        return new PackagedApp(env);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
                Matcher proxy = PROXY.matcher(line);
                if (proxy.find()) {
                    port = Integer.parseInt(proxy.group(1));
                }
                Matcher management = MANAGEMENT.matcher(line);
                if (management.find()) {
                    // Quarkus' start-up line comes last, after the proxy port's
                    managementPort = Integer.parseInt(management.group(1));
                    started.countDown();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits until the application listens; fails with its output if it does not. */
    public PackagedApp awaitStarted(Duration timeout) throws InterruptedException {
        if (!started.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the application did not start:\n" + output());
        }
        return this;
    }

    /**
     * Sends SIGTERM, as the kubelet does, and returns at once. Through the process handle: {@code Process.destroy()}
     * would also close our end of its output, and lose what it logs while it shuts down.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the application did not exit:\n" + output());
        }
        reader.join(TimeUnit.SECONDS.toMillis(5)); // the last lines it wrote
        return process.exitValue();
    }

    public String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    @Override
    public void close() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
