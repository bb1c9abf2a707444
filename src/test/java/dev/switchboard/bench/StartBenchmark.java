package dev.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start to first proxied 200, as a pod sees it: the packaged jar started with the shipped JVM settings, timed from the
 * process start to the first 200 of a chat completion through a mock provider that answers at once. For each JVM it
 * finds (the one running this, and JDK 25 under {@code /usr/lib/jvm} when present) it measures the plain start and the
 * start with a class archive made by a training run with the same JVM: AppCDS ({@code -XX:SharedArchiveFile}) on JDK
 * 17 to 23, the Leyden AOT cache ({@code -XX:AOTCache}) from JDK 24 on. Runs are interleaved; the table gives medians
 * and ranges.
 * <p>
 * Run: {@code ./mvnw -q -Pstart -DskipTests package exec:exec} ({@code -Dstart.args="--runs 9"}).
 */
public final class StartBenchmark {

    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");
    private static final String CHAT = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(200)).build();
    private final Path jar;
    private final Path dir;
    private final Path policy;

    private StartBenchmark(Path jar, Path dir) throws IOException {
        this.jar = jar.toAbsolutePath();
        this.dir = dir;
        this.policy = Files.writeString(dir.resolve("policy.yaml"), """
                providers:
                  instant: { type: mock, mock: { latency: 0s, chunks: 3, chunk-delay: 0s } }
                routes:
                  chat: { targets: [ { provider: instant, model: m } ] }
                """, StandardCharsets.UTF_8);
    }

    /** One way to start: a JVM, and the archive options it runs with (none for a plain start). */
    private record Variant(String name, Path java, List<String> archive) {
    }

    /** One start: milliseconds to the first 200, and Quarkus' own "started in". */
    private record Start(double firstOkMillis, double startedMillis) {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        int runs = 5;
        List<Path> javas = new ArrayList<>();
        javas.add(Path.of(System.getProperty("java.home"), "bin", "java"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--java" -> javas.add(Path.of(args[++i]));
                default -> {
                    System.out.println("usage: StartBenchmark [--jar target/quarkus-app/quarkus-run.jar] [--runs 5]"
                            + " [--java /path/to/bin/java ...]   (JDK 25 under /usr/lib/jvm is added when present)");
                    return;
                }
            }
        }
        try (var listing = Files.list(Path.of("/usr/lib/jvm"))) {
            listing.filter(p -> p.getFileName().toString().matches(".*-25.*"))
                    .map(p -> p.resolve("bin").resolve("java")).filter(Files::isExecutable).findFirst()
                    .ifPresent(j -> {
                        if (javas.stream().noneMatch(known -> known.equals(j))) {
                            javas.add(j);
                        }
                    });
        } catch (IOException e) {
            // no /usr/lib/jvm: only the given JVMs
        }
        StartBenchmark bench = new StartBenchmark(jar, Files.createTempDirectory("switchboard-start"));
        bench.run(javas, runs);
    }

    private void run(List<Path> javas, int runs) throws Exception {
        List<Variant> variants = new ArrayList<>();
        for (Path java : javas) {
            int feature = feature(java);
            variants.add(new Variant("JDK " + feature + ", plain", java, List.of()));
            Path archive = dir.resolve(feature >= 24 ? "switchboard-" + feature + ".aot"
                    : "switchboard-" + feature
                            + ".jsa");
            List<String> record = feature >= 24 ? List.of("-XX:AOTCacheOutput=" + archive)
                    : List.of("-XX:ArchiveClassesAtExit=" + archive);
            long trained = train(java, record, archive);
            System.out.printf(Locale.ROOT, "JDK %d: %s made by a training run in %d ms (%d MiB)%n", feature,
                    archive.getFileName(), trained, Files.size(archive) >> 20);
            variants.add(new Variant("JDK " + feature + ", " + (feature >= 24 ? "AOT cache" : "AppCDS"), java,
                    List.of(feature >= 24 ? "-XX:AOTCache=" + archive : "-XX:SharedArchiveFile=" + archive)));
        }
        Map<Variant, List<Start>> results = new LinkedHashMap<>();
        for (int run = 0; run < runs; run++) {
            for (Variant variant : variants) {
                results.computeIfAbsent(variant, v -> new ArrayList<>()).add(start(variant));
            }
        }
        System.out.printf(Locale.ROOT, "%n%d runs each, interleaved; %d cores; jar %s%n", runs,
                Runtime.getRuntime().availableProcessors(), jar);
        System.out.println("| JVM | start to first 200, median (min–max) | Quarkus \"started in\", median |");
        System.out.println("| --- | --- | --- |");
        for (Map.Entry<Variant, List<Start>> entry : results.entrySet()) {
            double[] first = entry.getValue().stream().mapToDouble(Start::firstOkMillis).sorted().toArray();
            double[] started = entry.getValue().stream().mapToDouble(Start::startedMillis).sorted().toArray();
            System.out.printf(Locale.ROOT, "| %s | %.0f ms (%.0f–%.0f) | %.0f ms |%n", entry.getKey().name(),
                    median(first), first[0], first[first.length - 1], median(started));
        }
    }

    /** The training run: start with the archive's output option, send JSON and streams, stop with SIGTERM. */
    private long train(Path java, List<String> record, Path archive) throws Exception {
        long begin = System.nanoTime();
        int port = ChaosProxy.freePort();
        Process process = launch(java, record, port, dir.resolve("train.log"));
        try {
            firstOk(process, port);
            for (int i = 0; i < 50; i++) {
                post(port, i % 2 == 0 ? CHAT : STREAM);
            }
        } finally {
            process.destroy(); // SIGTERM: the drain, then the JVM writes the archive as it exits
        }
        if (!process.waitFor(180, TimeUnit.SECONDS) || !Files.isRegularFile(archive)) {
            process.destroyForcibly();
            throw new IllegalStateException("the training run wrote no " + archive + "; see " + dir.resolve(
                    "train.log"));
        }
        return (System.nanoTime() - begin) / 1_000_000;
    }

    private Start start(Variant variant) throws Exception {
        int port = ChaosProxy.freePort();
        Path log = dir.resolve("start.log");
        long begin = System.nanoTime();
        Process process = launch(variant.java(), variant.archive(), port, log);
        try {
            firstOk(process, port);
            double first = (System.nanoTime() - begin) / 1e6;
            Matcher started = STARTED.matcher(Files.readString(log, StandardCharsets.UTF_8));
            return new Start(first, started.find() ? Double.parseDouble(started.group(1)) * 1000 : Double.NaN);
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private Process launch(Path java, List<String> archive, int port, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        Path settings = Path.of("src", "main", "jvm", "switchboard.jvm").toAbsolutePath();
        if (Files.isRegularFile(settings)) {
            command.add("@" + settings);
        }
        command.addAll(archive);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(jar.getParent().toFile());
        builder.environment().putAll(Map.of("SWITCHBOARD_POLICY", policy.toString(), "QUARKUS_HTTP_PORT",
                String.valueOf(port), "QUARKUS_MANAGEMENT_HOST", "127.0.0.1", "QUARKUS_MANAGEMENT_PORT",
                String.valueOf(ChaosProxy.freePort()), "SWITCHBOARD_SHUTDOWN_QUIET_PERIOD", "0s"));
        return builder.start();
    }

    /** Polls (every few milliseconds, as a kubelet or an app retrying would) until a chat completion answers 200. */
    private void firstOk(Process process, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Switchboard exited with " + process.exitValue());
            }
            try {
                if (post(port, CHAT) == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            process.waitFor(2, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("no 200 within 60 s");
    }

    private int post(int port, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int feature(Path java) throws IOException, InterruptedException {
        Process version = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
        String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        version.waitFor();
        Matcher m = Pattern.compile("version \"(\\d+)").matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("cannot tell the version of " + java + ": " + output);
        }
        return Integer.parseInt(m.group(1));
    }

    private static double median(double[] sorted) {
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
