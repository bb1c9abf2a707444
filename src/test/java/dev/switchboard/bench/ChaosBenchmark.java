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
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.vertx.core.Vertx;

/**
 * Chaos benchmark: does any answer get lost or truncated when a provider misbehaves in every way it can?
 *
 * <p>
 * Starts three fake OpenAI-compatible providers on loopback ports ({@code a} faults half of its attempts with every
 * {@link ChaosFault}, {@code b} and {@code c} are healthy) plus {@code d}, a closed port (connection refused), writes
 * a policy whose route {@code chat} spreads first attempts over them (weighted 10/10/10/1, {@code max-attempts: 3}),
 * runs the packaged Switchboard jar against it as a child process, sends {@code --requests} chat requests (half of
 * them streamed) with bounded concurrency and classifies every answer: whole, explicit error (a stream that broke
 * after its first event had reached the caller, ended with an OpenAI error event), lost, truncated or wrong status.
 * Exits 1 when any answer was lost, truncated or had the wrong status.
 *
 * <p>
 * Run: {@code ./mvnw -Pchaos -DskipTests package exec:exec}; options with
 * {@code -Dchaos.args="--requests 2000 --concurrency 16 --seed 7"}; {@code --help} lists them.
 */
public final class ChaosBenchmark {

    /** Every provider's per-attempt timeouts (a slow first token comes 1.5 s after it; hangs and stalls rely on it). */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /**
     * The policy keys that carry {@link #TIMEOUT}, one line each in every provider: the wait for the first byte or
     * event (a miss fails over) and the longest silence inside an answer ({@code timeout} is their deprecated alias).
     */
    static final List<String> TIMEOUT_KEYS = List.of("first-token-timeout", "idle-timeout");
    /** {@code retry.max-attempts} of the route. */
    static final int MAX_ATTEMPTS = 3;
    /**
     * How long a 429 pauses {@code a} (its {@code rate-limit} default and cap): short, so that its faults keep being
     * exercised instead of the provider sitting out most of the run.
     */
    static final String RATE_LIMIT_PAUSE = "20ms";
    static final String ROUTE = "chat";
    /** Warm-up requests sent one at a time before the rest go concurrently. */
    static final int SEQUENTIAL_WARMUP = 20;

    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)\\{([^}]*)\\} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern THREAD = Pattern.compile(" \\([^)]*\\)");

    private ChaosBenchmark() {
    }

    /** Command-line options. */
    record Options(int requests, int concurrency, long seed, double faultRate, List<ChaosFault> faults, String mode,
            Path jar, Duration deadline, Duration maxRun, String heap, boolean verbose, boolean direct, int warmup) {

        /** Whether request {@code i} is streamed. */
        boolean streamed(int i) {
            return switch (mode) {
                case "json" -> false;
                case "stream" -> true;
                default -> i % 2 == 1;
            };
        }

        static Options parse(String[] args) {
            int requests = 10_000;
            int concurrency = 32;
            long seed = 42;
            double faultRate = 0.5;
            List<ChaosFault> faults = List.of(ChaosFault.values());
            String mode = "both";
            Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
            Duration deadline = Duration.ofSeconds(30);
            Duration maxRun = Duration.ofMinutes(4);
            String heap = "256m";
            boolean verbose = false;
            boolean direct = false;
            int warmup = 500;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--verbose")) {
                    verbose = true;
                    continue;
                }
                if (arg.equals("--direct")) {
                    direct = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + arg);
                }
                String value = args[++i];
                try {
                    switch (arg) {
                        case "--requests" -> requests = Integer.parseInt(value);
                        case "--concurrency" -> concurrency = Integer.parseInt(value);
                        case "--seed" -> seed = Long.parseLong(value);
                        case "--fault-rate" -> faultRate = Double.parseDouble(value);
                        case "--faults" -> faults = faults(value);
                        case "--mode" -> mode = value;
                        case "--warmup" -> warmup = Integer.parseInt(value);
                        case "--jar" -> jar = Path.of(value);
                        case "--deadline-seconds" -> deadline = Duration.ofSeconds(Long.parseLong(value));
                        case "--max-seconds" -> maxRun = Duration.ofSeconds(Long.parseLong(value));
                        case "--heap" -> heap = value;
                        default -> throw new IllegalArgumentException("unknown option " + arg);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number after " + arg + ": " + value, e);
                }
            }
            if (requests < 1 || concurrency < 1 || warmup < 0 || faultRate < 0 || faultRate > 1
                    || !List.of("both", "json", "stream").contains(mode)) {
                throw new IllegalArgumentException(
                        "need --requests >= 1, --concurrency >= 1, 0 <= --fault-rate <= 1, --mode both|json|stream");
            }
            return new Options(requests, concurrency, seed, faultRate, faults, mode, jar, deadline, maxRun, heap,
                    verbose, direct, warmup);
        }

        private static List<ChaosFault> faults(String names) {
            List<ChaosFault> faults = new ArrayList<>();
            for (String name : Pattern.compile(",").splitAsStream(names).toList()) {
                try {
                    faults.add(ChaosFault.valueOf(name.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown fault " + name + " (known: " + Arrays.stream(
                            ChaosFault.values()).map(Enum::name).collect(Collectors.joining(",")) + ")", e);
                }
            }
            return List.copyOf(faults);
        }

        static String usage() {
            return """
                    usage: ChaosBenchmark [--requests 10000] [--concurrency 32] [--seed 42] [--fault-rate 0.5]
                                          [--faults HANG,STALL,...] [--mode both|json|stream]
                                          [--jar target/quarkus-app/quarkus-run.jar] [--deadline-seconds 30]
                                          [--warmup 500] [--max-seconds 240] [--heap 256m] [--verbose] [--direct]
                      --fault-rate        share of provider a's attempts that get a fault
                      --faults            the faults a draws from (default: all), by the names in the report
                      --mode              which requests are streamed: every other one (both), none, or all
                      --deadline-seconds  a caller that has no whole answer by then counts it as lost
                      --warmup            requests pinned to b and c first (not counted), so that a cold JVM's
                                          first answers do not run into the 2 s timeout
                      --max-seconds       stop sending new requests after this long (unsent ones fail the run)
                      --verbose           print every request that was not answered acceptably
                      --direct            no Switchboard: send the requests straight to provider a, to see that
                                          the classification catches its faults (such a run is meant to fail)""";
        }
    }

    public static void main(String[] args) {
        // the test class path carries JBoss LogManager, which complains when the JDK's HttpClient finds it unset
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
        int code;
        try {
            code = run(options);
        } catch (Exception e) {
            System.err.println("chaos benchmark could not run: " + e);
            e.printStackTrace(System.err);
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    static String policy(List<ChaosUpstream> upstreams, String refusedUrl) {
        String timeouts = TIMEOUT_KEYS.stream().map(k -> "    " + k + ": " + TIMEOUT.toMillis() + "ms\n")
                .collect(Collectors.joining());
        StringBuilder yaml = new StringBuilder("""
                # written by dev.switchboard.bench.ChaosBenchmark
                defaults:
                  connect-timeout: 1s
                  retry: { max-attempts: %d, backoff: 50ms }
                providers:
                """.formatted(MAX_ATTEMPTS));
        for (ChaosUpstream upstream : upstreams) {
            yaml.append("  ").append(upstream.name()).append(":\n    type: openai\n    base-url: ")
                    .append(upstream.baseUrl()).append('\n').append(timeouts);
            if (upstream.name().equals("a")) {
                // a high failure ratio and a short delay: the breaker must not hide a's faults for the whole run
                yaml.append("    circuit-breaker: { failure-ratio: 1.0, request-volume-threshold: 20, delay: 1s }\n")
                        .append("    rate-limit: { default-pause: ").append(RATE_LIMIT_PAUSE).append(", max-pause: ")
                        .append(RATE_LIMIT_PAUSE).append(" }\n");
            }
        }
        yaml.append("  d:\n    type: openai\n    base-url: ").append(refusedUrl).append('\n').append(timeouts)
                .append("    # every attempt is refused; a window larger than d's attempts keeps its breaker closed\n")
                .append("    circuit-breaker: { failure-ratio: 1.0, request-volume-threshold: 100000, delay: 1s }\n");
        yaml.append("""
                routes:
                  %s:
                    strategy: weighted
                    retry: { max-attempts: %d }
                    targets:
                      - { provider: a, model: fake-a, weight: 10 }
                      - { provider: b, model: fake-b, weight: 10 }
                      - { provider: c, model: fake-c, weight: 10 }
                      - { provider: d, model: fake-d, weight: 1 }
                """.formatted(ROUTE, MAX_ATTEMPTS));
        return yaml.toString();
    }

    static int run(Options options) throws Exception {
        if (!options.direct() && !Files.isRegularFile(options.jar())) {
            throw new IllegalStateException(options.jar().toAbsolutePath()
                    + " is missing: run ./mvnw -Pchaos -DskipTests package exec:exec (package builds it)");
        }
        ChaosLedger ledger = new ChaosLedger();
        Vertx vertx = Vertx.vertx();
        try {
            List<ChaosUpstream> upstreams = List.of(
                    ChaosUpstream.start(vertx, "a", options.faultRate(), options.faults(), options.seed(), TIMEOUT, ledger),
                    ChaosUpstream.start(vertx, "b", 0, List.of(), options.seed(), TIMEOUT, ledger),
                    ChaosUpstream.start(vertx, "c", 0, List.of(), options.seed(), TIMEOUT, ledger));
            String refusedUrl = "http://127.0.0.1:" + ChaosProxy.freePort() + "/v1";
            Path dir = workDir(options.jar());
            Path policy = dir.resolve("policy.yaml");
            Files.writeString(policy, policy(upstreams, refusedUrl), StandardCharsets.UTF_8);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            if (options.direct()) {
                System.out.println("--direct: no Switchboard, every request goes to provider a");
                return load(options, client, null, URI.create(upstreams.get(0).baseUrl() + "/chat/completions"),
                        ledger);
            }
            try (ChaosProxy proxy = ChaosProxy.start(options.jar(), policy, dir.resolve("switchboard.log"),
                    options.heap())) {
                long bootStart = System.nanoTime();
                proxy.awaitReady(client, Duration.ofSeconds(60));
                System.out.printf(Locale.ROOT, "Switchboard ready in %.1f s (policy %s, log %s)%n",
                        (System.nanoTime() - bootStart) / 1e9, policy, proxy.log());
                warmUp(options, client, proxy);
                return load(options, client, proxy, proxy.uri("/v1/chat/completions"), ledger);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Requests pinned to the healthy providers, left out of every count: JIT-compiles both JVMs' paths. The first ones
     * go one at a time, since a burst on a cold JVM can run into the 2 s timeout and open a healthy provider's breaker.
     */
    private static void warmUp(Options options, HttpClient client, ChaosProxy proxy) throws Exception {
        if (options.warmup() == 0) {
            return;
        }
        URI uri = proxy.uri("/v1/chat/completions");
        long start = System.nanoTime();
        Semaphore permits = new Semaphore(options.concurrency());
        List<CompletableFuture<ChaosCall.Result>> calls = new ArrayList<>();
        for (int i = 0; i < options.warmup(); i++) {
            permits.acquire();
            boolean stream = i % 2 == 1;
            String body = ChaosCall.body(i % 4 < 2 ? "b/fake-b" : "c/fake-c", "warmup-" + i, stream);
            CompletableFuture<ChaosCall.Result> call = ChaosCall.send(client, uri, -1, stream, body, options.deadline())
                    .whenComplete((r, e) -> permits.release());
            calls.add(call);
            if (i < SEQUENTIAL_WARMUP) {
                call.join();
            }
        }
        long failed = calls.stream().map(CompletableFuture::join).filter(r -> r.status() != 200).count();
        System.out.printf(Locale.ROOT, "warm-up: %d requests pinned to b and c in %.1f s (%d not 200), not counted%n",
                calls.size(), (System.nanoTime() - start) / 1e9, failed);
        HttpResponse<String> health = client.send(
                HttpRequest.newBuilder(proxy.managementUri("/api/v1/admin/router/health")).timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode providers = ChaosWire.parse(health.body());
        for (JsonNode p : providers == null ? MissingNode.getInstance() : providers.path("providers")) {
            if (!p.path("breaker").asText().equals("closed")) {
                System.out.printf(Locale.ROOT, "WARNING: after the warm-up the breaker of %s is %s (%s): not every healthy"
                        + " provider is available, so the figures below are skewed; rerun on a quieter machine%n",
                        p.path("name").asText(), p.path("breaker").asText(), p.path("last_error").asText());
            }
        }
    }

    /** Where the policy and the proxy's log go: {@code target/chaos/} next to the jar's folder, else a temp folder. */
    private static Path workDir(Path jar) throws IOException {
        Path target = jar.toAbsolutePath().getParent() == null ? null : jar.toAbsolutePath().getParent().getParent();
        if (target != null && Files.isDirectory(target)) {
            return Files.createDirectories(target.resolve("chaos"));
        }
        return Files.createTempDirectory("switchboard-chaos-");
    }

    /** @param proxy {@code null} with {@code --direct} */
    private static int load(Options options, HttpClient client, ChaosProxy proxy, URI uri, ChaosLedger ledger)
            throws Exception {
        int n = options.requests();
        Semaphore permits = new Semaphore(options.concurrency());
        List<CompletableFuture<ChaosCall.Result>> calls = new ArrayList<>(n);
        long start = System.nanoTime();
        long stopSending = start + options.maxRun().toNanos();
        int step = Math.max(1, n / 5);
        System.out.printf(Locale.ROOT, "sending %d requests (streamed: %s), %d at a time%n", n,
                options.mode().equals("both") ? "every other one" : options.mode().equals("json") ? "none" : "all",
                options.concurrency());
        ChaosBreakers breakers = proxy == null ? null
                : new ChaosBreakers(client, proxy.managementUri("/api/v1/admin/router/health"), Duration.ofMillis(500));
        for (int i = 0; i < n; i++) {
            permits.acquire();
            if (System.nanoTime() > stopSending) {
                permits.release();
                System.out.printf(Locale.ROOT, "--max-seconds %d reached: %d requests not sent%n",
                        options.maxRun().toSeconds(), n - i);
                break;
            }
            calls.add(ChaosCall.send(client, uri, i, options.streamed(i), options.deadline())
                    .whenComplete((r, e) -> permits.release()));
            if ((i + 1) % step == 0) {
                System.out.printf(Locale.ROOT, "  %6d sent, %5.1f s%n", i + 1, (System.nanoTime() - start) / 1e9);
            }
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .get(options.deadline().toSeconds() + 30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        String states = "";
        if (breakers != null) {
            breakers.close();
            states = breakers.summary();
        }
        // every held connection's left-open check must have run for the fakes' "left open" count to be complete
        Awaitility.await().atMost(TIMEOUT.plusSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> ledger.holding() == 0);
        List<ChaosCall.Result> results = calls.stream().map(CompletableFuture::join).toList();
        return report(options, results, n - results.size(), seconds, ledger, proxy, client, states);
    }

    private record Judged(ChaosCall.Result result, List<ChaosLedger.Hit> hits, ChaosVerdict verdict) {
        boolean multi() {
            return result.attempts() != null && !result.attempts().strip().equals("1");
        }
    }

    private static int report(Options options, List<ChaosCall.Result> results, int unsent, double seconds,
            ChaosLedger ledger, ChaosProxy proxy, HttpClient client, String breakerStates) {
        List<Judged> judged = new ArrayList<>();
        for (ChaosCall.Result result : results) {
            List<ChaosLedger.Hit> hits = ledger.hits(result.id());
            judged.add(new Judged(result, hits, ChaosVerdict.of(result, hits, MAX_ATTEMPTS)));
        }
        StringBuilder out = new StringBuilder();
        long streams = results.stream().filter(ChaosCall.Result::stream).count();
        out.append(String.format(Locale.ROOT, "%nSwitchboard chaos benchmark: %d requests (%d JSON, %d streamed) in "
                + "%.1f s, %d at a time, seed %d%n", results.size(), results.size() - streams, streams, seconds,
                options.concurrency(), options.seed()));
        out.append(String.format(Locale.ROOT, "  route %s: weighted a/b/c/d = 10/10/10/1, max-attempts %d, %s %dms;"
                + " a faults %.0f%% of its attempts (a 429 pauses it %s), b and c are healthy, d is a closed port%n",
                ROUTE, MAX_ATTEMPTS, String.join(" and ", TIMEOUT_KEYS), TIMEOUT.toMillis(), options.faultRate() * 100,
                RATE_LIMIT_PAUSE));
        if (options.direct()) {
            out.append("  --direct: NO SWITCHBOARD, the callers talked to provider a itself (this run is meant to fail)\n");
        }

        // answers by class
        out.append(String.format(Locale.ROOT, "%nanswers              JSON   stream    total%n"));
        Map<ChaosVerdict.Kind, long[]> byKind = new EnumMap<>(ChaosVerdict.Kind.class);
        for (ChaosVerdict.Kind kind : ChaosVerdict.Kind.values()) {
            byKind.put(kind, new long[2]);
        }
        for (Judged j : judged) {
            byKind.get(j.verdict().kind())[j.result().stream() ? 1 : 0]++;
        }
        for (Map.Entry<ChaosVerdict.Kind, long[]> e : byKind.entrySet()) {
            long[] c = e.getValue();
            out.append(String.format(Locale.ROOT, "  %-16s %7d  %7d  %7d%s%n", e.getKey().label, c[0], c[1],
                    c[0] + c[1], e.getKey().acceptable ? "" : "   (must be 0)"));
        }
        if (unsent > 0) {
            out.append(String.format(Locale.ROOT, "  %-16s %25d   (must be 0)%n", "not sent", unsent));
        }

        // attempts histogram
        Map<String, Long> attempts = new TreeMap<>();
        for (Judged j : judged) {
            attempts.merge(j.result().attempts() == null ? "none" : j.result().attempts().strip(), 1L, Long::sum);
        }
        out.append(String.format(Locale.ROOT, "%nattempts (x-switchboard-attempts)%n"));
        attempts.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %-5s %7d  %5.1f%%%n", k, v,
                100.0 * v / Math.max(1, results.size()))));

        // latency
        long[] single = latencies(judged, false);
        long[] multi = latencies(judged, true);
        out.append(String.format(Locale.ROOT, "%nlatency of whole answers     count   p50 ms   p99 ms%n"));
        out.append(latencyRow("1 attempt", single));
        out.append(latencyRow("more than 1 attempt", multi));
        if (single.length > 0 && multi.length > 0) {
            out.append(String.format(Locale.ROOT, "  %-24s %8s %+8.1f %+8.1f%n", "added by failover", "",
                    ms(percentile(multi, 50)) - ms(percentile(single, 50)),
                    ms(percentile(multi, 99)) - ms(percentile(single, 99))));
        }

        faults(out, judged, ledger, options.faults());
        providers(out, ledger, judged, proxy, client);
        if (!breakerStates.isEmpty()) {
            out.append("breaker and 429-pause states during the run (router-health API, sampled every 500 ms)\n")
                    .append(breakerStates);
        }
        unused(out, judged);
        int bad = problems(out, judged, options.verbose());

        long failed = byKind.entrySet().stream().filter(e -> !e.getKey().acceptable)
                .mapToLong(e -> e.getValue()[0] + e.getValue()[1]).sum() + unsent;
        out.append(String.format(Locale.ROOT, "%nRESULT: %s: lost %d, truncated %d, wrong status %d%s%n",
                failed == 0 ? "PASS" : "FAIL", total(byKind, ChaosVerdict.Kind.LOST),
                total(byKind, ChaosVerdict.Kind.TRUNCATED), total(byKind, ChaosVerdict.Kind.WRONG_STATUS),
                unsent > 0 ? ", not sent " + unsent : ""));
        System.out.print(out);
        return failed == 0 && bad == 0 ? 0 : 1;
    }

    private static long total(Map<ChaosVerdict.Kind, long[]> byKind, ChaosVerdict.Kind kind) {
        return byKind.get(kind)[0] + byKind.get(kind)[1];
    }

    private static long[] latencies(List<Judged> judged, boolean multi) {
        return judged.stream().filter(j -> j.verdict().kind() == ChaosVerdict.Kind.WHOLE && j.multi() == multi)
                .mapToLong(j -> j.result().nanos()).sorted().toArray();
    }

    private static String latencyRow(String label, long[] sorted) {
        if (sorted.length == 0) {
            return String.format(Locale.ROOT, "  %-24s %8d %8s %8s%n", label, 0, "-", "-");
        }
        return String.format(Locale.ROOT, "  %-24s %8d %8.1f %8.1f%n", label, sorted.length,
                ms(percentile(sorted, 50)), ms(percentile(sorted, 99)));
    }

    /** Nearest-rank percentile of a sorted array. */
    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Per fault and mode: how often the fake injected it, and what the callers of those requests got. */
    private static void faults(StringBuilder out, List<Judged> judged, ChaosLedger ledger,
            List<ChaosFault> enabled) {
        out.append(String.format(Locale.ROOT, "%nfaults injected (by the fakes) and what the callers of those requests"
                + " got%n  %-6s %-24s %-46s %8s %7s %8s %5s %6s %6s %8s%n", "mode", "fault", "what a did", "injected",
                "whole", "explicit", "lost",
                "trunc", "wrong", "p50 ms"));
        for (boolean stream : new boolean[] { false, true }) {
            for (ChaosFault fault : enabled) {
                long injected = ledger.injected("a", fault, stream);
                List<Judged> met = judged.stream().filter(j -> j.result().stream() == stream
                        && j.hits().stream().anyMatch(h -> h.fault() == fault)).toList();
                out.append(faultRow(stream ? "stream" : "JSON", fault.name(), fault.describe(stream), injected, met));
            }
        }
        List<Judged> refused = judged.stream()
                .filter(j -> ChaosVerdict.refusedAttempts(j.result(), j.hits()) > 0).toList();
        long refusedAttempts = refused.stream()
                .mapToLong(j -> ChaosVerdict.refusedAttempts(j.result(), j.hits())).sum();
        out.append(faultRow("both", "REFUSED", "connection refused (provider d, a closed port)", refusedAttempts,
                refused));
    }

    private static String faultRow(String mode, String name, String label, long injected, List<Judged> met) {
        Map<ChaosVerdict.Kind, Long> c = new EnumMap<>(ChaosVerdict.Kind.class);
        for (Judged j : met) {
            c.merge(j.verdict().kind(), 1L, Long::sum);
        }
        long[] whole = met.stream().filter(j -> j.verdict().kind() == ChaosVerdict.Kind.WHOLE)
                .mapToLong(j -> j.result().nanos()).sorted().toArray();
        return String.format(Locale.ROOT, "  %-6s %-24s %-46s %8d %7d %8d %5d %6d %6d %8s%n", mode, name, label,
                injected,
                c.getOrDefault(ChaosVerdict.Kind.WHOLE, 0L), c.getOrDefault(ChaosVerdict.Kind.EXPLICIT_ERROR, 0L),
                c.getOrDefault(ChaosVerdict.Kind.LOST, 0L), c.getOrDefault(ChaosVerdict.Kind.TRUNCATED, 0L),
                c.getOrDefault(ChaosVerdict.Kind.WRONG_STATUS, 0L),
                whole.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f", ms(percentile(whole, 50))));
    }

    /** Attempts per provider as the fakes saw them, and as the proxy counted them (its metrics). */
    private static void providers(StringBuilder out, ChaosLedger ledger, List<Judged> judged, ChaosProxy proxy,
            HttpClient client) {
        out.append(String.format(Locale.ROOT, "%nattempts per provider (fakes' count)%n"));
        for (String name : List.of("a", "b", "c")) {
            long attempts = ledger.attempts(name);
            long firsts = judged.stream().filter(j -> !j.hits().isEmpty() && j.hits().get(0).provider().equals(name)
                    && ChaosVerdict.refusedAttempts(j.result(), j.hits()) == 0).count();
            out.append(String.format(Locale.ROOT, "  %s: %6d attempts (%d answered, %d faulted), first attempt of %.1f%%"
                    + " of requests%n", name, attempts, ledger.answered(name), attempts - ledger.answered(name),
                    100.0 * firsts / Math.max(1, judged.size())));
        }
        out.append(String.format(Locale.ROOT, "  hung or stalled connections the proxy left open %d ms after its "
                + "timeout: %d; late answers that found the connection open: %d; attempts without a request id: %d%n",
                TIMEOUT.toMillis() + 3000, ledger.leftOpenCount(), ledger.lateAnswersWrittenCount(),
                ledger.unidentified()));
        if (proxy == null) {
            return;
        }
        try {
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(proxy.managementUri("/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Map<String, Long>> outcomes = new TreeMap<>();
            Map<String, Long> fallbacks = new TreeMap<>();
            Map<String, String> breakers = new TreeMap<>();
            for (String line : metrics.body().lines().toList()) {
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                Map<String, String> labels = new LinkedHashMap<>();
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
                long value = (long) Double.parseDouble(m.group(3));
                switch (m.group(1)) {
                    case "switchboard_provider_attempts_total" -> outcomes
                            .computeIfAbsent(labels.get("provider"), k -> new TreeMap<>())
                            .merge(labels.get("outcome"), value, Long::sum);
                    case "switchboard_routing_fallbacks_total" -> fallbacks.merge(labels.get("reason"), value,
                            Long::sum);
                    case "switchboard_provider_breaker_state" -> breakers.put(labels.get("provider"),
                            value == 0 ? "closed" : value == 1 ? "half-open" : "open");
                    default -> {
                        // other meters
                    }
                }
            }
            out.append(String.format(Locale.ROOT, "attempts per provider (proxy's switchboard_provider_attempts_total)"
                    + "%n"));
            outcomes.forEach((provider, counts) -> {
                long total = counts.values().stream().mapToLong(Long::longValue).sum();
                String seen = provider.equals("d") ? "" : "; the fake saw " + ledger.attemptsWithWarmup(provider);
                out.append(String.format(Locale.ROOT, "  %s: %d: %s%s; breaker now %s%n", provider, total,
                        counts.entrySet().stream().filter(e -> e.getValue() > 0)
                                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")),
                        seen, breakers.getOrDefault(provider, "?")));
            });
            out.append("  failovers by reason: ").append(fallbacks.entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))).append('\n');
        } catch (IOException | RuntimeException e) {
            out.append("  (the proxy's metrics could not be read: ").append(e).append(")\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> log = proxy.logLines();
        long warn = log.stream().filter(l -> l.contains(" WARN ")).count();
        long error = log.stream().filter(l -> l.contains(" ERROR ")).count();
        out.append(String.format(Locale.ROOT, "  proxy log: %d lines, %d WARN, %d ERROR (%s)%n", log.size(), warn,
                error, proxy.log()));
        // the ERROR lines without their time stamp and thread, counted
        Map<String, Long> errors = log.stream().filter(l -> l.contains(" ERROR "))
                .map(l -> THREAD.matcher(l.substring(l.indexOf(" ERROR ") + 1)).replaceFirst(""))
                .collect(Collectors.groupingBy(l -> l, TreeMap::new, Collectors.counting()));
        errors.entrySet().stream().limit(5).forEach(e -> out.append(String.format(Locale.ROOT, "    %4d x %s%n",
                e.getValue(), ChaosVerdict.excerpt(e.getKey()))));
    }

    /**
     * Answers a fake sent properly that the caller did not get, because the proxy had already given up on that attempt
     * (healthy attempts that timed out, or late answers to a slow first token are expected; others are worth a look).
     */
    private static void unused(StringBuilder out, List<Judged> judged) {
        List<Judged> unused = judged.stream().filter(j -> {
            List<ChaosLedger.Hit> hits = j.hits();
            return hits.subList(0, Math.max(0, hits.size() - 1)).stream().anyMatch(h -> h.fault() == null);
        }).toList();
        out.append(String.format(Locale.ROOT, "proper answers from a fake that the proxy did not use (it had moved on):"
                + " %d requests%n", unused.size()));
        unused.stream().limit(5).forEach(j -> out.append(String.format(Locale.ROOT, "  request %d (%s): %s; caller "
                + "got %s%n", j.result().id(), j.result().stream() ? "stream" : "JSON", timedPath(j),
                j.verdict().kind().label)));
    }

    /** The unacceptable answers, grouped by what happened; returns how many there were. */
    private static int problems(StringBuilder out, List<Judged> judged, boolean verbose) {
        Map<String, List<Judged>> groups = new LinkedHashMap<>();
        int bad = 0;
        for (Judged j : judged) {
            if (j.verdict().kind().acceptable) {
                continue;
            }
            bad++;
            String key = j.verdict().kind().label + " | " + (j.result().stream() ? "stream" : "JSON") + " | "
                    + path(j) + " | " + DIGITS.matcher(j.verdict().detail()).replaceAll("#");
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(j);
        }
        if (bad == 0) {
            return 0;
        }
        out.append(String.format(Locale.ROOT, "%nunacceptable answers (%d), by class | mode | attempts the fakes saw"
                + " | what the caller got%n", bad));
        List<Map.Entry<String, List<Judged>>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort((x, y) -> Integer.compare(y.getValue().size(), x.getValue().size()));
        int shown = 0;
        for (Map.Entry<String, List<Judged>> group : sorted) {
            if (!verbose && shown++ == 20) {
                out.append("  ... ").append(sorted.size() - 20).append(" more kinds (--verbose lists every request)\n");
                break;
            }
            List<Judged> members = group.getValue();
            Judged example = members.get(0);
            out.append(String.format(Locale.ROOT, "  %5d x %s | %s | %s | %s%n", members.size(),
                    example.verdict().kind().label, example.result().stream() ? "stream" : "JSON", path(example),
                    example.verdict().detail()));
            out.append(String.format(Locale.ROOT, "          e.g. request %d: HTTP %s, x-switchboard-attempts %s, "
                    + "provider %s, %.0f ms%n", example.result().id(),
                    example.result().status() == 0 ? "-" : String.valueOf(example.result().status()),
                    example.result().attempts(), example.result().provider(), ms(example.result().nanos())));
            out.append("          attempts (arrival at the fake, after the request was sent): ").append(timedPath(example))
                    .append('\n');
            if (verbose) {
                for (Judged j : members) {
                    out.append(String.format(Locale.ROOT, "          request %d: %s; body: %s%n", j.result().id(),
                            j.verdict().detail(), ChaosVerdict.excerpt(j.result().body())));
                }
            }
        }
        return bad;
    }

    /** {@link #path} with when each attempt reached its fake. */
    private static String timedPath(Judged j) {
        List<String> steps = new ArrayList<>(
                Collections.nCopies(ChaosVerdict.refusedAttempts(j.result(), j.hits()), "d:REFUSED"));
        j.hits().forEach(h -> steps.add(String.format(Locale.ROOT, "%s at +%.0f ms", h,
                ms(h.nanos() - j.result().start()))));
        return steps.isEmpty() ? "(none)" : String.join(" -> ", steps);
    }

    /** The attempts of a request, as the fakes saw them, with refused ones (d) first. */
    private static String path(Judged j) {
        List<String> steps = new ArrayList<>();
        int refused = ChaosVerdict.refusedAttempts(j.result(), j.hits());
        steps.addAll(Collections.nCopies(refused, "d:REFUSED"));
        j.hits().forEach(h -> steps.add(h.toString()));
        return steps.isEmpty() ? "(none)" : String.join(" -> ", steps);
    }
}
