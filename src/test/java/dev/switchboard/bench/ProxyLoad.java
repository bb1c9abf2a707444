package dev.switchboard.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The load generator of {@link ProxyBenchmark}: a raw Vert.x HTTP/1.1 client with keep-alive, on its own
 * {@code Vertx}, so that a high request rate is not limited by the client. Latencies are in microseconds.
 */
final class ProxyLoad {

    /** Latencies above this (µs) are recorded as this. */
    private static final long MAX_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final int IDLE_TIMEOUT_MS = 30_000;

    /** What one phase measured. {@code latency} in µs; {@code seconds} from the first send to the last answer. */
    record Stats(long ok, long failed, double seconds, Histogram latency, String firstError) {

        double rps() {
            return seconds <= 0 ? 0 : ok / seconds;
        }

        double millis(double percentile) {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /**
     * What the streamed requests measured: time to the first body byte, the time between the first and the last
     * {@code data:} read, how many separate reads carried the body, and how many streams counted as live (their reads
     * spread over at least half the upstream's own spread, in at least half as many reads as chunks).
     */
    record StreamStats(long ok, long failed, long live, Histogram ttfb, Histogram spread, Histogram reads) {
    }

    private final Vertx vertx;
    /**
     * Event-loop contexts (one per event loop) that every request is sent from: a response is then handled on the
     * thread that reads it, and no body part can arrive before its handler is set.
     */
    private final List<Context> contexts;

    ProxyLoad(Vertx vertx, int eventLoops) {
        this.vertx = vertx;
        List<Context> contexts = new ArrayList<>();
        for (int i = 0; i < eventLoops; i++) {
            // from a thread outside Vert.x, each call makes a new context, on the next event loop
            contexts.add(vertx.getOrCreateContext());
        }
        this.contexts = List.copyOf(contexts);
    }

    static Buffer body(String model, boolean stream) {
        return Buffer.buffer("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],"
                + "\"user\":\"perf\",\"stream\":" + stream + "}", StandardCharsets.UTF_8.name());
    }

    private static Histogram histogram() {
        return new Histogram(MAX_MICROS, 3);
    }

    private static void record(Histogram histogram, long nanos) {
        long micros = Math.max(1, Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos)));
        synchronized (histogram) {
            histogram.recordValue(micros);
        }
    }

    private HttpClient client(int connections) {
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout(5000).setIdleTimeout(0),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    private static void close(HttpClient client) {
        try {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the next phase has its own client
        }
    }

    /** One request; the future has the status (200 only when the whole body arrived), or fails. */
    private static Future<Integer> send(HttpClient client, int port, String path, Buffer body, boolean stream) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(path).setIdleTimeout(IDLE_TIMEOUT_MS)
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", stream ? "text/event-stream" : "application/json");
        return client.request(options).compose(request -> request.send(body))
                .compose(response -> response.body().compose(b -> b.length() > 0 ? Future.succeededFuture(
                        response.statusCode())
                        : Future.failedFuture("status " + response.statusCode() + " with an empty body")));
    }

    private static String describe(AsyncResult<Integer> result) {
        return result.succeeded() ? "status " + result.result() : String.valueOf(result.cause());
    }

    /**
     * Closed loop: {@code connections} callers, each sending its next request when its answer has ended, for
     * {@code duration}.
     */
    Stats closed(int port, String path, Buffer body, int connections, Duration duration) throws InterruptedException {
        HttpClient client = client(connections);
        Histogram latency = histogram();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(connections);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        for (int c = 0; c < connections; c++) {
            contexts.get(c % contexts.size())
                    .runOnContext(v -> loop(client, port, path, body, end, latency, ok, failed, firstError, done));
        }
        boolean finished = done.await(duration.toSeconds() + 40, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        close(client);
        if (!finished) {
            failed.addAndGet(done.getCount());
            firstError.compareAndSet(null, done.getCount() + " unanswered after the phase");
        }
        return new Stats(ok.get(), failed.get(), seconds, latency, firstError.get());
    }

    private static void loop(HttpClient client, int port, String path, Buffer body, long end, Histogram latency,
            AtomicLong ok, AtomicLong failed, AtomicReference<String> firstError, CountDownLatch done) {
        long sent = System.nanoTime();
        if (sent >= end) {
            done.countDown();
            return;
        }
        send(client, port, path, body, false).onComplete(result -> {
            if (result.succeeded() && result.result() == 200) {
                record(latency, System.nanoTime() - sent);
                ok.incrementAndGet();
            } else {
                failed.incrementAndGet();
                firstError.compareAndSet(null, describe(result));
            }
            loop(client, port, path, body, end, latency, ok, failed, firstError, done);
        });
    }

    /**
     * Open loop: {@code rate} requests a second on a fixed schedule for {@code duration}, whatever the answers do;
     * each latency runs from the request's intended send time (free of coordinated omission: a late send, or one
     * waiting for a pooled connection, counts its wait). Failed requests are not in the histogram.
     */
    Stats open(int port, String path, Buffer body, int rate, Duration duration, int maxConnections)
            throws InterruptedException {
        HttpClient client = client(maxConnections);
        Histogram latency = histogram();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long count = Math.max(1, rate * duration.toMillis() / 1000);
        CountDownLatch done = new CountDownLatch((int) count);
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        for (long i = 0; i < count; i++) {
            long intended = start + i * period;
            for (long wait = intended - System.nanoTime(); wait > 0; wait = intended - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            contexts.get((int) (i % contexts.size())).runOnContext(v -> send(client, port, path, body, false)
                    .onComplete(result -> {
                        if (result.succeeded() && result.result() == 200) {
                            record(latency, System.nanoTime() - intended);
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            firstError.compareAndSet(null, describe(result));
                        }
                        done.countDown();
                    }));
        }
        boolean finished = done.await(40, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        close(client);
        if (!finished) {
            failed.addAndGet(done.getCount());
            firstError.compareAndSet(null, done.getCount() + " unanswered after the phase");
        }
        return new Stats(ok.get(), failed.get(), seconds, latency, firstError.get());
    }

    /** {@code requests} streamed requests one after the other; see {@link StreamStats}. */
    StreamStats stream(int port, String path, Buffer body, int requests) throws Exception {
        HttpClient client = client(1);
        Histogram ttfb = histogram();
        Histogram spread = histogram();
        Histogram reads = histogram();
        long ok = 0;
        long failed = 0;
        long live = 0;
        long upstreamSpread = TimeUnit.MILLISECONDS.toNanos((ProxyUpstream.CHUNKS - 1) * ProxyUpstream.CHUNK_GAP_MS);
        try {
            for (int i = 0; i < requests; i++) {
                StreamResult result = streamOnce(client, port, path, body).get(30, TimeUnit.SECONDS);
                if (result.status() != 200 || result.events() < ProxyUpstream.CHUNKS || result.firstByte() < 0) {
                    failed++;
                    continue;
                }
                ok++;
                record(ttfb, result.firstByte());
                record(spread, result.lastData() - result.firstData());
                reads.recordValue(Math.max(1, result.reads()));
                if (result.lastData() - result.firstData() >= upstreamSpread / 2
                        && result.reads() >= ProxyUpstream.CHUNKS / 2) {
                    live++;
                }
            }
        } finally {
            close(client);
        }
        return new StreamStats(ok, failed, live, ttfb, spread, reads);
    }

    /** Nanoseconds from the send to the first body byte and to the first and last read holding {@code data:}. */
    private record StreamResult(int status, long firstByte, long firstData, long lastData, int reads, int events) {
    }

    private CompletableFuture<StreamResult> streamOnce(HttpClient client, int port, String path, Buffer body) {
        CompletableFuture<StreamResult> future = new CompletableFuture<>();
        contexts.get(0).runOnContext(v -> streamOnce(client, port, path, body, future));
        return future;
    }

    private static void streamOnce(HttpClient client, int port, String path, Buffer body,
            CompletableFuture<StreamResult> future) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(path).setIdleTimeout(IDLE_TIMEOUT_MS)
                .putHeader("Content-Type", "application/json").putHeader("Accept", "text/event-stream");
        long sent = System.nanoTime();
        client.request(options).compose(request -> request.send(body)).onComplete(ar -> {
            if (ar.failed()) {
                future.complete(new StreamResult(0, -1, -1, -1, 0, 0));
                return;
            }
            var response = ar.result();
            long[] times = { -1, -1, -1 };
            int[] reads = { 0 };
            List<Buffer> parts = new ArrayList<>();
            response.handler(buffer -> {
                long now = System.nanoTime() - sent;
                reads[0]++;
                parts.add(buffer);
                if (times[0] < 0) {
                    times[0] = now;
                }
                if (buffer.toString(StandardCharsets.UTF_8).contains("data:")) {
                    if (times[1] < 0) {
                        times[1] = now;
                    }
                    times[2] = now;
                }
            });
            response.exceptionHandler(e -> future.complete(new StreamResult(0, times[0], times[1], times[2],
                    reads[0], 0)));
            response.endHandler(v -> {
                Buffer all = Buffer.buffer();
                parts.forEach(all::appendBuffer);
                String text = all.toString(StandardCharsets.UTF_8);
                int events = 0;
                for (int at = text.indexOf("data:"); at >= 0; at = text.indexOf("data:", at + 1)) {
                    events++;
                }
                future.complete(new StreamResult(response.statusCode(), times[0], times[1], times[2], reads[0],
                        events));
            });
        });
    }

    /**
     * Sends a request to {@code port} every few milliseconds until one answers 200, and returns the nanoseconds from
     * {@code proxy}'s start to that answer; fails if the proxy exits or {@code timeout} passes.
     */
    long firstOk(ProxyProcess proxy, int port, String path, Buffer body, Duration timeout) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)
                .setConnectTimeout(1000), new PoolOptions().setHttp1MaxSize(1));
        try {
            Duration left = Duration.ofNanos(proxy.startNanos() + timeout.toNanos() - System.nanoTime());
            long[] answeredAt = new long[1];
            try {
                // polled every 5 ms: the figure is the time to the first 200, so the poll must be fine-grained
                Awaitility.await().atMost(left.isNegative() ? Duration.ZERO : left).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(5)).until(() -> {
                            if (!proxy.alive()) {
                                throw new IllegalStateException(proxy.name() + " exited:\n" + proxy.tail(40));
                            }
                            if (status(client, port, path, body) == 200) {
                                answeredAt[0] = System.nanoTime();
                                return true;
                            }
                            return false;
                        });
            } catch (ConditionTimeoutException e) {
                throw new IllegalStateException(proxy.name() + " gave no 200 within " + timeout.toSeconds() + " s:\n"
                        + proxy.tail(40), e);
            }
            return answeredAt[0] - proxy.startNanos();
        } finally {
            close(client);
        }
    }

    /** One request's status, or -1 when the proxy does not answer (not listening yet). */
    private int status(HttpClient client, int port, String path, Buffer body) {
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        contexts.get(0).runOnContext(v -> send(client, port, path, body, false).onComplete(r -> {
            if (r.succeeded()) {
                answer.complete(r.result());
            } else {
                answer.completeExceptionally(r.cause());
            }
        }));
        try {
            return answer.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return -1;
        }
    }
}
