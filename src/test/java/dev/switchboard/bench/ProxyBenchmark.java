package dev.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

/**
 * Side-by-side proxy benchmark: what does Switchboard add on top of a direct connection, next to nginx as a reference
 * reverse proxy, in front of the same fake OpenAI provider?
 *
 * <p>
 * Starts {@link ProxyUpstream} (JSON answer at once, or 20 SSE chunks 5 ms apart), the packaged Switchboard jar as a
 * child JVM (route {@code chat}: two openai providers, both the fake; route {@code failover}: first a provider on a
 * refused port, then the fake; default circuit breakers), and nginx when it is on the {@code PATH} (one worker,
 * keep-alive upstream, no buffering; {@code /failover/} goes to the refused port first, the fake as backup). Then, with
 * the targets interleaved and every phase repeated, drives direct, nginx and Switchboard with a Vert.x HTTP/1.1
 * client: closed loop at fixed connection counts, open loop at fixed rates (latency from the intended send time, free
 * of coordinated omission), sequential SSE streams (time to first byte; whether chunks arrive spread out), the
 * failover route, the proxy process's CPU per request and RSS from {@code /proc}, and start-to-first-200. Prints one
 * table of medians over the repetitions with Switchboard's ratios to nginx and to direct.
 *
 * <p>
 * Run: {@code ./mvnw -Pperf -DskipTests package exec:exec}; options with {@code -Dperf.args="--seconds 5"};
 * {@code --help} lists them.
 */
public final class ProxyBenchmark {

    static final String DIRECT = "direct";
    static final String NGINX = "nginx";
    static final String SWITCHBOARD = "switchboard";
    private static final String CHAT_PATH = "/v1/chat/completions";
    private static final Pattern COMMA = Pattern.compile(",");
    private static final Pattern BLANKS = Pattern.compile("\\s+");

    private ProxyBenchmark() {
    }

    /** Command-line options. */
    record Options(Path jar, int seconds, int repetitions, List<Integer> connections, List<Integer> rates,
            int streams, int failoverConnections, int warmupSeconds, int openConnections, List<String> jvmArgs,
            boolean nginx) {

        static Options parse(String[] args) {
            Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
            int seconds = 3;
            int repetitions = 2;
            List<Integer> connections = List.of(1, 16, 64);
            List<Integer> rates = List.of(200, 1000);
            int streams = 20;
            int failoverConnections = 16;
            // C2 keeps compiling the request path for about 40 s of load: measure after it settles
            int warmupSeconds = 30;
            int openConnections = 256;
            List<String> jvmArgs = new ArrayList<>();
            boolean nginx = true;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--no-nginx")) {
                    nginx = false;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + arg);
                }
                String value = args[++i];
                try {
                    switch (arg) {
                        case "--jar" -> jar = Path.of(value);
                        case "--seconds" -> seconds = Integer.parseInt(value);
                        case "--repetitions" -> repetitions = Integer.parseInt(value);
                        case "--connections" -> connections = ints(value);
                        case "--rates" -> rates = ints(value);
                        case "--streams" -> streams = Integer.parseInt(value);
                        case "--failover-connections" -> failoverConnections = Integer.parseInt(value);
                        case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(value);
                        case "--open-connections" -> openConnections = Integer.parseInt(value);
                        case "--jvm-args" -> jvmArgs.addAll(value.isBlank() ? List.of()
                                : BLANKS.splitAsStream(value.strip()).toList());
                        case "--jvm-arg" -> jvmArgs.add(value);
                        default -> throw new IllegalArgumentException("unknown option " + arg);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number after " + arg + ": " + value, e);
                }
            }
            if (seconds < 1 || repetitions < 1 || streams < 0 || failoverConnections < 0 || warmupSeconds < 0
                    || openConnections < 1 || connections.stream().anyMatch(c -> c < 1)
                    || rates.stream().anyMatch(r -> r < 1)) {
                throw new IllegalArgumentException("need --seconds, --repetitions, --open-connections, every"
                        + " connection count and rate >= 1; --streams, --failover-connections, --warmup-seconds >= 0");
            }
            return new Options(jar, seconds, repetitions, connections, rates, streams, failoverConnections,
                    warmupSeconds, openConnections, List.copyOf(jvmArgs), nginx);
        }

        private static List<Integer> ints(String value) {
            return COMMA.splitAsStream(value).map(String::strip).filter(s -> !s.isEmpty()).map(Integer::parseInt)
                    .toList();
        }

        Duration phase() {
            return Duration.ofSeconds(seconds);
        }

        static String usage() {
            return """
                    usage: ProxyBenchmark [--jar target/quarkus-app/quarkus-run.jar] [--seconds 3] [--repetitions 2]
                                          [--connections 1,16,64] [--rates 200,1000] [--streams 20]
                                          [--failover-connections 16] [--warmup-seconds 30] [--open-connections 256]
                                          [--jvm-args "-Xmx256m -XX:+UseSerialGC"] [--jvm-arg -Xmx256m ...]
                                          [--no-nginx]
                      --seconds               length of every closed-loop, open-loop and failover phase
                      --repetitions           how often every phase runs per target (targets interleaved); the table
                                              shows medians (error counts: sums)
                      --connections           closed loop: connection counts, each caller sends its next request when
                                              its answer has ended
                      --rates                 open loop: requests per second on a fixed schedule; latency from the
                                              intended send time
                      --streams               sequential streamed requests per target and repetition (0: none)
                      --failover-connections  closed-loop connections on the failover route (0: skip it)
                      --warmup-seconds        closed-loop warm-up of Switchboard's JVM before measuring (not counted)
                      --open-connections      most connections the open-loop client opens per target
                      --jvm-args              JVM options after the shipped src/main/jvm/switchboard.jvm, blank-separated (later ones win)
                      --jvm-arg               one extra JVM option (repeatable; use it inside -Dperf.args, where
                                              Quarkus's Maven plugin cannot parse a quoted value with blanks)
                      --no-nginx              leave nginx out even when it is on the PATH""";
        }
    }

    /** A target: where requests go, and the process that serves them ({@code null} for direct). */
    record Target(String name, int port, String failoverPath, ProxyProcess process) {
    }

    /** Per metric (in order), per target, one value per repetition. */
    private static final class Table {
        private final Map<String, Map<String, List<Double>>> cells = new LinkedHashMap<>();

        void put(String metric, String target, double value) {
            cells.computeIfAbsent(metric, k -> new LinkedHashMap<>()).computeIfAbsent(target, k -> new ArrayList<>())
                    .add(value);
        }

        double get(String metric, String target) {
            List<Double> values = cells.getOrDefault(metric, Map.of()).get(target);
            if (values == null || values.isEmpty()) {
                return Double.NaN;
            }
            if (metric.contains("errors")) {
                return values.stream().mapToDouble(Double::doubleValue).sum();
            }
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        String render() {
            StringBuilder out = new StringBuilder();
            String header = String.format(Locale.ROOT, "%-36s %11s %11s %11s %10s %10s%n", "metric", DIRECT, NGINX,
                    SWITCHBOARD, "sb/nginx", "sb/direct");
            out.append(header).append("-".repeat(header.length() - 1)).append('\n');
            for (String metric : cells.keySet()) {
                double direct = get(metric, DIRECT);
                double nginx = get(metric, NGINX);
                double sb = get(metric, SWITCHBOARD);
                boolean ratios = !metric.contains("errors") && !metric.contains("added");
                out.append(String.format(Locale.ROOT, "%-36s %11s %11s %11s %10s %10s%n", metric, number(direct),
                        number(nginx), number(sb), ratios ? ratio(sb, nginx) : "-", ratios ? ratio(sb, direct) : "-"));
            }
            return out.toString();
        }

        private static String number(double v) {
            if (Double.isNaN(v)) {
                return "-";
            }
            double a = Math.abs(v);
            return String.format(Locale.ROOT, a >= 1000 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
        }

        private static String ratio(double a, double b) {
            if (Double.isNaN(a) || Double.isNaN(b) || b <= 0 || a < 0) {
                return "-";
            }
            return String.format(Locale.ROOT, "%.2fx", a / b);
        }
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(Options.usage());
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.usage());
            System.exit(2);
            return;
        }
        int code = 0;
        try {
            run(options);
        } catch (Exception e) {
            System.err.println("proxy benchmark could not run: " + e);
            e.printStackTrace(System.err);
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    static String policy(String upstreamUrl, String refusedUrl) {
        return """
                # written by dev.switchboard.bench.ProxyBenchmark
                providers:
                  fake-a: { type: openai, base-url: %1$s }
                  fake-b: { type: openai, base-url: %1$s }
                  refused: { type: openai, base-url: %2$s }
                routes:
                  chat:
                    strategy: round-robin
                    targets:
                      - { provider: fake-a, model: gpt-4o-mini }
                      - { provider: fake-b, model: gpt-4o-mini }
                  failover:
                    strategy: failover
                    targets:
                      - { provider: refused, model: gpt-4o-mini }
                      - { provider: fake-b, model: gpt-4o-mini }
                """.formatted(upstreamUrl, refusedUrl);
    }

    static String nginxConf(Path dir, int listen, int upstream, int refused) {
        return """
                # written by dev.switchboard.bench.ProxyBenchmark
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    upstream fake { server 127.0.0.1:%3$d; keepalive 256; }
                    # the refused port first (never marked down, like a target tried on every request), then the fake
                    upstream failover { server 127.0.0.1:%4$d max_fails=0; server 127.0.0.1:%3$d backup; keepalive 256; }
                    server {
                        listen 127.0.0.1:%2$d;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_buffering off;
                        proxy_request_buffering off;
                        location / { proxy_pass http://fake; }
                        location /failover/ { proxy_pass http://failover/; }
                    }
                }
                """.formatted(dir, listen, upstream, refused);
    }

    private static Path workDir(Path jar) throws IOException {
        Path target = jar.toAbsolutePath().getParent() == null ? null : jar.toAbsolutePath().getParent().getParent();
        if (target != null && Files.isDirectory(target)) {
            return Files.createDirectories(target.resolve("perf"));
        }
        return Files.createTempDirectory("switchboard-perf-");
    }

    private static Path onPath(String command) {
        String path = System.getenv("PATH");
        for (String dir : Pattern.compile(Pattern.quote(java.io.File.pathSeparator))
                .splitAsStream(path == null ? "" : path).toList()) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        for (String dir : List.of("/usr/sbin", "/usr/local/sbin", "/sbin")) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static void run(Options options) throws Exception {
        if (!Files.isRegularFile(options.jar())) {
            throw new IllegalStateException(options.jar().toAbsolutePath()
                    + " is missing: run ./mvnw -Pperf -DskipTests package exec:exec (package builds it)");
        }
        Vertx upstreamVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        Vertx loadVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        List<ProxyProcess> processes = new ArrayList<>();
        try {
            ProxyUpstream upstream = ProxyUpstream.start(upstreamVertx);
            ProxyLoad load = new ProxyLoad(loadVertx, 2);
            int refused = ChaosProxy.freePort();
            Path dir = workDir(options.jar());
            Table table = new Table();
            Buffer chat = ProxyLoad.body("chat", false);
            System.out.printf(Locale.ROOT, "proxy benchmark: %d cores, Java %s, fake provider on 127.0.0.1:%d, refused port %d,"
                    + " work dir %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    upstream.port(), refused, dir);

            List<Target> targets = new ArrayList<>();
            targets.add(new Target(DIRECT, upstream.port(), null, null));

            Path nginxBinary = options.nginx() ? onPath("nginx") : null;
            if (nginxBinary == null) {
                System.out.println(options.nginx() ? "nginx is not on the PATH: its rows are skipped"
                        : "--no-nginx: nginx rows are skipped");
            } else {
                Path nginxDir = Files.createDirectories(dir.resolve("nginx"));
                int port = ChaosProxy.freePort();
                Path conf = nginxDir.resolve("nginx.conf");
                Files.writeString(conf, nginxConf(nginxDir, port, upstream.port(), refused), StandardCharsets.UTF_8);
                ProxyProcess nginx = ProxyProcess.start(NGINX, List.of(nginxBinary.toString(), "-p",
                        nginxDir.toString(), "-e", nginxDir.resolve("error.log").toString(), "-c", conf.toString()),
                        Map.of(), nginxDir.resolve("nginx.out"));
                processes.add(nginx);
                long startup = load.firstOk(nginx, port, CHAT_PATH, chat, Duration.ofSeconds(30));
                table.put("start -> first 200 ms", NGINX, startup / 1e6);
                System.out.printf(Locale.ROOT, "nginx (%s) answered 200 %.0f ms after its start (conf %s)%n",
                        nginxBinary, startup / 1e6, conf);
                targets.add(new Target(NGINX, port, "/failover" + CHAT_PATH, nginx));
            }

            Path policy = dir.resolve("policy.yaml");
            Files.writeString(policy, policy(upstream.baseUrl(), "http://127.0.0.1:" + refused + "/v1"),
                    StandardCharsets.UTF_8);
            int port = ChaosProxy.freePort();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // the JVM settings Switchboard ships with (README, "Memory and JVM settings"), then the caller's
            Path settings = Path.of("src", "main", "jvm", "switchboard.jvm").toAbsolutePath();
            if (Files.isRegularFile(settings)) {
                command.add("@" + settings);
            }
            command.addAll(options.jvmArgs());
            command.add("-jar");
            command.add(options.jar().toAbsolutePath().toString());
            // as the JVM images and the example Deployment run it (switchboard.jvm says why)
            ProxyProcess switchboard = ProxyProcess.start(SWITCHBOARD, command, Map.of(
                    "MALLOC_ARENA_MAX", "2",
                    "SWITCHBOARD_POLICY", policy.toString(),
                    "QUARKUS_HTTP_HOST", "127.0.0.1",
                    "QUARKUS_HTTP_PORT", String.valueOf(port),
                    "QUARKUS_MANAGEMENT_HOST", "127.0.0.1",
                    "QUARKUS_MANAGEMENT_PORT", String.valueOf(ChaosProxy.freePort())),
                    dir.resolve("switchboard.log"));
            processes.add(switchboard);
            long startup = load.firstOk(switchboard, port, CHAT_PATH, chat, Duration.ofSeconds(90));
            table.put("start -> first 200 ms", SWITCHBOARD, startup / 1e6);
            System.out.printf(Locale.ROOT, "Switchboard (%s) answered 200 %.0f ms after its start (policy %s, log %s)%n",
                    String.join(" ", command), startup / 1e6, policy, switchboard.log());
            targets.add(new Target(SWITCHBOARD, port, CHAT_PATH, switchboard));

            warmUp(options, load, targets);
            for (Target target : targets) {
                if (target.process() != null) {
                    table.put("RSS MiB idle (after warm-up)", target.name(), target.process().rssKib() / 1024.0);
                }
            }
            measure(options, load, targets, table);
            System.out.println();
            System.out.printf(Locale.ROOT, "medians of %d repetitions (error counts: sums), %d s phases; latencies in ms"
                    + " (closed loop: per request; open loop: from the intended send time)%n", options.repetitions(),
                    options.seconds());
            System.out.print(table.render());
            System.out.println("""
                    CPU: user+system time of the proxy process (nginx: master and worker) during the phase, per 200;
                    direct has no proxy process. The fake provider and the load generator share this JVM and the
                    machine's cores with the proxy, so compare columns rather than reading absolute figures.
                    stream live %: streams whose data reads spread over at least half the fake's own 95 ms spread.""");
        } finally {
            for (ProxyProcess process : processes) {
                process.close();
            }
            loadVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            upstreamVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void warmUp(Options options, ProxyLoad load, List<Target> targets) throws Exception {
        long start = System.nanoTime();
        Buffer chat = ProxyLoad.body("chat", false);
        Buffer failover = ProxyLoad.body("failover", false);
        for (Target target : targets) {
            int seconds = target.name().equals(SWITCHBOARD) ? options.warmupSeconds() : 1;
            if (seconds == 0) {
                continue;
            }
            ProxyLoad.Stats stats = load.closed(target.port(), CHAT_PATH, chat, 16, Duration.ofSeconds(seconds));
            // the stream path too, concurrently (a few sequential streams leave it interpreted)
            load.closed(target.port(), CHAT_PATH, ProxyLoad.body("chat", true), 64,
                    Duration.ofSeconds(Math.max(1, seconds / 3)));
            load.stream(target.port(), CHAT_PATH, ProxyLoad.body("chat", true), 5);
            if (target.failoverPath() != null && options.failoverConnections() > 0) {
                load.closed(target.port(), target.failoverPath(), failover, 4, Duration.ofSeconds(1));
            }
            if (stats.failed() > 0) {
                System.out.printf(Locale.ROOT, "warm-up: %d of %d requests to %s failed, the first with %s%n",
                        stats.failed(), stats.failed() + stats.ok(), target.name(), stats.firstError());
            }
        }
        System.out.printf(Locale.ROOT, "warm-up done in %.1f s (not counted)%n", (System.nanoTime() - start) / 1e9);
    }

    /** Samples the RSS of the processes under test while a phase runs, keeping each one's largest. */
    private static final class RssSampler implements AutoCloseable {
        private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "perf-rss");
            thread.setDaemon(true);
            return thread;
        });
        private final Map<String, AtomicLong> max = new LinkedHashMap<>();
        private volatile ProxyProcess current;
        private final ScheduledFuture<?> task;

        RssSampler(List<Target> targets) {
            for (Target target : targets) {
                if (target.process() != null) {
                    max.put(target.name(), new AtomicLong());
                }
            }
            task = executor.scheduleAtFixedRate(this::sample, 100, 200, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            ProxyProcess process = current;
            if (process != null) {
                max.get(process.name()).accumulateAndGet(process.rssKib(), Math::max);
            }
        }

        void watch(Target target) {
            current = target.process();
        }

        /** The largest RSS per target since the last call, in KiB; resets. */
        Map<String, Long> takeMax() {
            Map<String, Long> result = new LinkedHashMap<>();
            max.forEach((name, value) -> result.put(name, value.getAndSet(0)));
            return result;
        }

        @Override
        public void close() {
            task.cancel(false);
            executor.shutdownNow();
        }
    }

    private static void measure(Options options, ProxyLoad load, List<Target> targets, Table table) throws Exception {
        Buffer chat = ProxyLoad.body("chat", false);
        Buffer stream = ProxyLoad.body("chat", true);
        Buffer failover = ProxyLoad.body("failover", false);
        try (RssSampler rss = new RssSampler(targets)) {
            for (int rep = 0; rep < options.repetitions(); rep++) {
                long repStart = System.nanoTime();
                List<Target> order = new ArrayList<>(targets);
                java.util.Collections.rotate(order, rep);
                for (int connections : options.connections()) {
                    String phase = "closed c=" + connections;
                    for (Target target : order) {
                        rss.watch(target);
                        long cpu = cpu(target);
                        ProxyLoad.Stats stats = load.closed(target.port(), CHAT_PATH, chat, connections,
                                options.phase());
                        latencies(table, phase, target, stats, true);
                        cpuPerRequest(table, phase, target, cpu, stats.ok());
                    }
                }
                for (int rate : options.rates()) {
                    String phase = "open " + rate + "/s";
                    Map<String, ProxyLoad.Stats> byTarget = new LinkedHashMap<>();
                    for (Target target : order) {
                        rss.watch(target);
                        long cpu = cpu(target);
                        ProxyLoad.Stats stats = load.open(target.port(), CHAT_PATH, chat, rate, options.phase(),
                                options.openConnections());
                        byTarget.put(target.name(), stats);
                        latencies(table, phase, target, stats, false);
                        table.put(phase + " achieved req/s", target.name(), stats.rps());
                        cpuPerRequest(table, phase, target, cpu, stats.ok());
                        if (target.process() != null) {
                            table.put("RSS MiB at the end of " + phase, target.name(),
                                    target.process().rssKib() / 1024.0);
                            table.put("anonymous RSS MiB at the end of " + phase, target.name(),
                                    target.process().rssAnonKib() / 1024.0);
                        }
                    }
                    ProxyLoad.Stats direct = byTarget.get(DIRECT);
                    for (Target target : targets) {
                        ProxyLoad.Stats stats = byTarget.get(target.name());
                        table.put(phase + " p50 added vs direct", target.name(), stats.millis(50) - direct.millis(50));
                        table.put(phase + " p99 added vs direct", target.name(), stats.millis(99) - direct.millis(99));
                    }
                }
                if (options.streams() > 0) {
                    for (Target target : order) {
                        rss.watch(target);
                        ProxyLoad.StreamStats stats = load.stream(target.port(), CHAT_PATH, stream, options.streams());
                        table.put("stream TTFB p50 ms", target.name(), micros(stats.ttfb(), 50));
                        table.put("stream TTFB p99 ms", target.name(), micros(stats.ttfb(), 99));
                        table.put("stream chunk spread p50 ms", target.name(), micros(stats.spread(), 50));
                        table.put("stream reads per answer p50", target.name(),
                                stats.reads().getTotalCount() == 0 ? Double.NaN
                                        : stats.reads().getValueAtPercentile(50));
                        table.put("stream live %", target.name(),
                                stats.ok() == 0 ? Double.NaN : 100.0 * stats.live() / stats.ok());
                        table.put("stream errors", target.name(), (double) stats.failed());
                    }
                }
                if (options.failoverConnections() > 0) {
                    String phase = "failover c=" + options.failoverConnections();
                    for (Target target : order) {
                        if (target.failoverPath() == null) {
                            continue;
                        }
                        rss.watch(target);
                        long cpu = cpu(target);
                        ProxyLoad.Stats stats = load.closed(target.port(), target.failoverPath(), failover,
                                options.failoverConnections(), options.phase());
                        latencies(table, phase, target, stats, true);
                        cpuPerRequest(table, phase, target, cpu, stats.ok());
                    }
                }
                rss.watch(new Target("none", 0, null, null));
                rss.takeMax().forEach((name, kib) -> table.put("RSS MiB under load (max)", name, kib / 1024.0));
                System.out.printf(Locale.ROOT, "repetition %d of %d done in %.1f s%n", rep + 1, options.repetitions(),
                        (System.nanoTime() - repStart) / 1e9);
            }
        }
    }

    private static double micros(org.HdrHistogram.Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    private static long cpu(Target target) {
        return target.process() == null ? -1 : target.process().cpuMicros();
    }

    private static void latencies(Table table, String phase, Target target, ProxyLoad.Stats stats, boolean rps) {
        if (rps) {
            table.put(phase + " req/s", target.name(), stats.rps());
        }
        table.put(phase + " p50 ms", target.name(), stats.millis(50));
        table.put(phase + " p99 ms", target.name(), stats.millis(99));
        table.put(phase + " p99.9 ms", target.name(), stats.millis(99.9));
        table.put(phase + " errors", target.name(), (double) stats.failed());
        if (stats.failed() > 0) {
            System.out.printf(Locale.ROOT, "%s, %s: %d of %d requests failed, the first with %s%n", phase,
                    target.name(), stats.failed(), stats.failed() + stats.ok(), stats.firstError());
        }
    }

    private static void cpuPerRequest(Table table, String phase, Target target, long before, long ok) {
        if (target.process() == null || before < 0 || ok == 0) {
            return;
        }
        long after = target.process().cpuMicros();
        if (after >= 0) {
            table.put("CPU us/req " + phase, target.name(), (after - before) / (double) ok);
        }
    }
}
