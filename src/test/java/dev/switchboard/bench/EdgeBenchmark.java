package dev.switchboard.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import dev.switchboard.testing.RedisServer;

/**
 * What Switchboard does that other gateways do not, in numbers: each feature side by side with the same traffic on a
 * route without it, through the packaged jar and {@link EdgeUpstream}. First-token hedging against a provider whose
 * first token is late one request in ten; admission by a provider's rate-limit headers against a provider that
 * enforces a token budget; an adaptive concurrency limit against a provider with a hidden cap; caller deadlines
 * across a fault mix. Prints one table.
 *
 * <pre>
 * ./mvnw -q -Pedge -DskipTests package exec:exec     # -Dedge.args="--requests 400 --concurrency 8"
 * </pre>
 */
public final class EdgeBenchmark {

    private static final Duration DEADLINE = Duration.ofMillis(800);
    /** How late past its deadline an answer may be: the timer, the write, and this shared machine's noise. */
    private static final long MARGIN_MS = 100;

    private final ChaosProxy proxy;
    private final EdgeUpstream upstream;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int requests;
    private final int concurrency;

    private EdgeBenchmark(ChaosProxy proxy, EdgeUpstream upstream, int requests, int concurrency) {
        this.proxy = proxy;
        this.upstream = upstream;
        this.requests = requests;
        this.concurrency = concurrency;
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        int requests = 400;
        int concurrency = 8;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                default -> {
                    System.out.println("options: --jar <quarkus-run.jar> --requests <per row, 400> --concurrency <8>");
                    return;
                }
            }
        }
        Path dir = Files.createTempDirectory("switchboard-edge");
        try (EdgeUpstream upstream = new EdgeUpstream()) {
            Path policy = Files.writeString(dir.resolve("policy.yaml"), policy(upstream.port()));
            List<String[]> rows;
            try (ChaosProxy proxy = ChaosProxy.start(jar, policy, dir.resolve("switchboard.log"), "64m")) {
                EdgeBenchmark bench = new EdgeBenchmark(proxy, upstream, requests, concurrency);
                proxy.awaitReady(bench.client, Duration.ofSeconds(60));
                rows = bench.run();
                rows.add(bench.limits("in-process store"));
            }
            RedisServer redis = startRedis();
            if (redis != null) {
                try (ChaosProxy proxy = ChaosProxy.start(jar, policy, dir.resolve("switchboard-redis.log"), "64m",
                        Map.of("QUARKUS_REDIS_HOSTS", redis.uri()))) {
                    EdgeBenchmark bench = new EdgeBenchmark(proxy, upstream, requests, concurrency);
                    proxy.awaitReady(bench.client, Duration.ofSeconds(60));
                    bench.limits("warm-up");
                    rows.add(bench.limits("a local Redis"));
                    redis.down();
                    rows.add(bench.limits("Redis killed (the per-pod fallback)"));
                } finally {
                    redis.close();
                }
            }
            print(rows, requests);
        }
    }

    static String policy(int port) {
        String fake = "http://127.0.0.1:" + port + "/v1";
        StringBuilder yaml = new StringBuilder("""
                tenancy: { default-tenant: bench }
                tenants:
                  bench: {}
                  budgeted: { budget: { tokens: 1000000000000, period: day } }
                defaults:
                  first-token-timeout: 10s
                  idle-timeout: 10s
                  retry: { max-attempts: 3, backoff: 0ms }
                  circuit-breaker: { request-volume-threshold: 100000 }
                  rate-limit: { default-pause: 0s, max-pause: 0s }
                providers:
                """);
        for (String name : List.of("late-on", "late-off", "spare", "budget-off", "capped-fixed", "mixed", "plain")) {
            yaml.append("  ").append(name).append(": { type: openai, base-url: \"").append(fake).append("\" }\n");
        }
        yaml.append("  budget-on: { type: openai, base-url: \"").append(fake)
                .append("\", rate-limit: { admission: true } }\n");
        yaml.append("  capped-adaptive: { type: openai, base-url: \"").append(fake)
                .append("\", concurrency: adaptive }\n");
        yaml.append("  quoted: { type: openai, base-url: \"").append(fake)
                .append("\", quota: { requests-per-minute: 100000000, tokens-per-minute: 100000000000 } }\n");
        yaml.append("routes:\n");
        yaml.append("  unlimited: { targets: [ { provider: plain, model: \"instant#unlimited\" } ] }\n");
        yaml.append("  limited: { targets: [ { provider: quoted, model: \"instant#limited\" } ] }\n");
        yaml.append(
                "  hedge-on: { hedge: { after: 250ms, max-rate: 15% }, targets: [ { provider: late-on, model: \"late10#on\" },"
                        + " { provider: spare, model: \"steady#hedge-on\" } ] }\n");
        yaml.append("  hedge-off: { targets: [ { provider: late-off, model: \"late10#off\" },"
                + " { provider: spare, model: \"steady#hedge-off\" } ] }\n");
        for (String mode : List.of("on", "off")) {
            yaml.append("  admit-").append(mode).append(": { targets: [ { provider: budget-").append(mode)
                    .append(", model: \"budget#").append(mode).append("\" }, { provider: spare, model: \"steady#admit-")
                    .append(mode).append("\" } ] }\n");
        }
        for (String mode : List.of("adaptive", "fixed")) {
            yaml.append("  capped-").append(mode).append(": { targets: [ { provider: capped-").append(mode)
                    .append(", model: \"capped#").append(mode).append("\" }, { provider: spare, model: \"steady#capped-")
                    .append(mode).append("\" } ] }\n");
        }
        yaml.append("  deadline: { targets: [ { provider: mixed, model: \"mix#a\" }, { provider: mixed, model: \"mix#b\" },"
                + " { provider: spare, model: \"steady#deadline\" } ] }\n");
        return yaml.toString();
    }

    /** What one batch of requests got: each request's time in microseconds, and the statuses. */
    private record Batch(List<Long> micros, Map<Integer, Integer> statuses) {

        long percentile(double p) {
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        }

        long percentileMillis(double p) {
            return percentile(p) / 1_000;
        }

        String latencies() {
            return percentileMillis(0.5) + " / " + percentileMillis(0.99) + " / " + percentileMillis(1.0) + " ms";
        }
    }

    private Batch send(String route, boolean stream, int maxTokens, int concurrent, Map<String, String> headers)
            throws InterruptedException {
        String body = "{\"model\":\"" + route + "\",\"stream\":" + stream + ",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in one word.\"}]}";
        Semaphore slots = new Semaphore(concurrent);
        List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            slots.acquire();
            HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri("/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(request::header);
            long start = System.nanoTime();
            all.add(client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                micros.add((System.nanoTime() - start) / 1_000);
                statuses.merge(e != null ? -1 : r.statusCode(), 1, Integer::sum);
                slots.release();
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        return new Batch(List.copyOf(micros), Map.copyOf(statuses));
    }

    /** A throwaway redis-server on a free port, started and answering, or null when none is installed. */
    private static RedisServer startRedis() {
        try {
            return RedisServer.start();
        } catch (java.io.IOException e) {
            System.out.println("(no redis-server on the PATH: the Redis rows are left out)");
            return null;
        }
    }

    /**
     * The cost of a tenant budget and a provider quota checked on every request: sequential requests to a provider
     * that answers at once, with both limits against none.
     */
    private String[] limits(String store) throws InterruptedException {
        Batch none = send("unlimited", false, 16, 1, Map.of());
        Batch limited = send("limited", false, 16, 1, Map.of("x-switchboard-tenant", "budgeted"));
        return new String[] { "budget + quota on every request, " + store + ": p50 / p99 (sequential, provider answers"
                + " at once)", none.percentile(0.5) + " / " + none.percentile(0.99) + " µs",
                limited.percentile(0.5) + " / " + limited.percentile(0.99) + " µs" };
    }

    private List<String[]> run() throws InterruptedException {
        List<String[]> rows = new ArrayList<>();
        // warm-up: the JIT, and every route's connections
        send("hedge-on", false, 16, concurrency, Map.of());
        send("hedge-off", false, 16, concurrency, Map.of());

        for (boolean stream : new boolean[] { false, true }) {
            int lateOff = upstream.received("late10#off");
            int spareOff = upstream.received("steady#hedge-off");
            Batch off = send("hedge-off", stream, 16, concurrency, Map.of());
            int extraOff = upstream.received("late10#off") - lateOff + upstream.received("steady#hedge-off") - spareOff
                    - requests;
            int lateOn = upstream.received("late10#on");
            int spareOn = upstream.received("steady#hedge-on");
            Batch on = send("hedge-on", stream, 16, concurrency, Map.of());
            int extraOn = upstream.received("late10#on") - lateOn + upstream.received("steady#hedge-on") - spareOn
                    - requests;
            String kind = stream ? "streams" : "JSON";
            rows.add(new String[] { "hedging, " + kind + ": p50 / p99 / max (one first token in ten 1.5 s late)",
                    off.latencies(), on.latencies() });
            rows.add(new String[] { "hedging, " + kind + ": extra upstream requests", percent(extraOff),
                    percent(extraOn) });
        }

        Batch admitOff = send("admit-off", false, 500, concurrency, Map.of());
        Batch admitOn = send("admit-on", false, 500, concurrency, Map.of());
        rows.add(new String[] { "rate-limit admission: 429s received from a provider with an 8k-token budget per 5 s",
                upstream.throttled("budget#off") + " of " + requests + " " + admitOff.statuses(),
                upstream.throttled("budget#on") + " of " + requests + " " + admitOn.statuses() });

        Batch fixed = send("capped-fixed", false, 16, 16, Map.of());
        Batch adaptive = send("capped-adaptive", false, 16, 16, Map.of());
        rows.add(new String[] { "adaptive concurrency: 429s received from a provider with a hidden cap of 4 (16 callers)",
                upstream.throttled("capped#fixed") + " of " + requests,
                upstream.throttled("capped#adaptive") + " of " + requests });
        rows.add(new String[] { "adaptive concurrency: p50 / p99 / max", fixed.latencies(), adaptive.latencies() });

        Batch deadline = send("deadline", false, 16, concurrency,
                Map.of("x-switchboard-deadline-ms", Long.toString(DEADLINE.toMillis())));
        long late = deadline.micros().stream().filter(us -> us > (DEADLINE.toMillis() + MARGIN_MS) * 1_000).count();
        rows.add(new String[] { "caller deadline 800 ms across hangs, 3 s first tokens and 503s: answers later than "
                + "deadline + " + MARGIN_MS + " ms", "(no deadline: a hang waits for the first-token-timeout, 10 s)",
                late + " of " + requests + "; max " + deadline.percentileMillis(1.0) + " ms; " + deadline.statuses() });

        return rows;
    }

    private static void print(List<String[]> rows, int requests) {
        System.out.println();
        System.out.printf(Locale.ROOT, "| measure (%d requests per row) | without | with |%n| --- | --- | --- |%n",
                requests);
        for (String[] row : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", row[0], row[1], row[2]);
        }
    }

    private String percent(int extra) {
        return String.format(Locale.ROOT, "%d (%.1f %%)", extra, 100.0 * extra / requests);
    }
}
