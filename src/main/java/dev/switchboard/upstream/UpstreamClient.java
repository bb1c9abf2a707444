package dev.switchboard.upstream;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.schema.RateLimitHeaders;
import dev.switchboard.schema.SseEvent;
import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * The HTTP side of one provider: pooled Vert.x HTTP clients for JSON calls, event streams and probes, with the
 * provider's credential and headers on every request and nothing of the caller's. Thread-safe; close it when the
 * provider leaves the policy.
 *
 * <p>
 * One client per event loop: a request goes out on a connection of the event loop that received it, so its bytes never
 * hop between threads. With one shared pool, a connection opened by one event loop was reused by requests of the other,
 * and each request then woke both threads several times: at one connection that cost 7.6 thread wake-ups and about
 * twice the CPU per request, against 1.9 on one loop (performance.md, "Proxy benchmark").
 *
 * <p>
 * Why not a MicroProfile REST client: for a proxy that relays bytes, its per-call work (URI templates, header maps,
 * reader and writer lookups, context propagation) cost more than the rest of the hop; the README's performance section
 * has the numbers. Its SSE support also ignores a connection that closes mid-stream (the stream then neither fails nor
 * completes), which would leave a caller hanging; the Vert.x client reports it, so a broken stream ends with an error
 * event.
 */
public final class UpstreamClient implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(UpstreamClient.class);

    private static final int DEFAULT_POOL_SIZE = 50;

    private final ProviderSpec spec;
    private final Vertx vertx;
    private final HttpClientOptions options;
    /** The client of each event loop thread, made on its first request; connections stay on their thread. */
    private final ConcurrentHashMap<Thread, HttpClient> byLoop = new ConcurrentHashMap<>(8);
    /** For calls made off the event loops (probes, tests). */
    private final HttpClient shared;
    private volatile boolean closed;
    /** The base URL's path with a trailing slash: request paths are relative to it. */
    private final String basePath;
    /** Host, port, TLS and headers of a JSON call; copied per request. */
    private final RequestOptions json;
    private final RequestOptions events;
    private final RequestOptions probe;
    /** Where the provider's rate-limit headers go, or null when nothing reads them. */
    private final Consumer<RateLimitHeaders> rateLimits;

    private UpstreamClient(ProviderSpec spec, Vertx vertx, HttpClientOptions options,
            Consumer<RateLimitHeaders> rateLimits) {
        this.spec = spec;
        this.vertx = vertx;
        this.options = options;
        this.shared = vertx.createHttpClient(new HttpClientOptions(options).setName(options.getName() + "-shared"));
        this.rateLimits = rateLimits;
        URI base = URI.create(spec.baseUrl());
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path : path + "/";
        RequestOptions template = new RequestOptions().setHost(base.getHost())
                .setPort(base.getPort() > 0 ? base.getPort() : tls ? 443 : 80).setSsl(tls);
        ProviderHeaders.of(spec).forEach(template::putHeader);
        this.json = new RequestOptions(template).setMethod(HttpMethod.POST)
                .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
        this.events = new RequestOptions(template).setMethod(HttpMethod.POST)
                .putHeader("Content-Type", "application/json").putHeader("Accept", "text/event-stream");
        this.probe = new RequestOptions(template).setMethod(HttpMethod.GET);
    }

    /** A client whose answers' rate-limit headers go to {@code rateLimits} (null: not read). */
    public static UpstreamClient create(ProviderSpec spec, Vertx vertx, Consumer<RateLimitHeaders> rateLimits) {
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, spec.connectTimeout().toMillis()))
                .setKeepAlive(true)
                .setForceSni(true)
                .setVerifyHost(true)
                .setMaxPoolSize(poolSize(spec))
                .setName("switchboard-" + spec.name());
        return new UpstreamClient(spec, vertx, options, rateLimits);
    }

    /**
     * The client of the calling event loop, or the shared one off the event loops. A closed client hands out the closed
     * shared client (its calls fail) rather than opening a new pool nobody closes.
     */
    private HttpClient http() {
        if (!Context.isOnEventLoopThread() || closed) {
            return shared;
        }
        Thread thread = Thread.currentThread();
        HttpClient client = byLoop.get(thread);
        if (client == null) {
            client = byLoop.computeIfAbsent(thread, ignored -> vertx.createHttpClient(
                    new HttpClientOptions(options).setName(options.getName() + "-" + byLoop.size())));
            if (closed) { // closed meanwhile: close() may have missed it
                close(client);
            }
        }
        return client;
    }

    /**
     * Connections per client: the provider's {@code max-concurrency}, or 50; attempts past it wait for one. The
     * provider's {@code max-concurrency} bounds its attempts in flight across the event loops before they get here.
     */
    private static int poolSize(ProviderSpec spec) {
        return spec.maxConcurrency() > 0 ? spec.maxConcurrency() : DEFAULT_POOL_SIZE;
    }

    /**
     * A JSON {@code POST} to {@code path} below the base URL (no leading slash, one to four segments); error statuses
     * are items, transport problems fail the {@code Uni}.
     */
    public Uni<UpstreamResponse> call(String path, byte[] body) {
        RequestOptions options = new RequestOptions(json)
                .setURI(basePath + path)
                // a backstop: the adapters bound the wait with the first-token-timeout
                .setIdleTimeout(spec.firstTokenTimeout().toMillis() + 1000);
        return http().request(options).onItem().transformToUni(request -> request.send(wrap(body))
                .onItem().transformToUni(response -> {
                    report(response);
                    return response.body().map(b -> new UpstreamResponse(response.statusCode(),
                            response.getHeader("Content-Type"), b.getBytes(), response.getHeader("Retry-After"), null));
                })
                .onCancellation().invoke(request::reset));
    }

    /** Passes the answer's rate-limit headers on, when something reads them and the answer has any. */
    private void report(HttpClientResponse response) {
        if (rateLimits != null) {
            RateLimitHeaders report = RateLimitHeaders.parse(response::getHeader, System.currentTimeMillis());
            if (report != null) {
                rateLimits.accept(report);
            }
        }
    }

    /**
     * A streaming call to {@code path} below the base URL (no leading slash; may carry a query). A
     * {@code 200 text/event-stream} answer becomes events as they arrive (backpressured: the
     * upstream is read as fast as the subscriber asks); any other answer is read whole. Cancelling the events closes
     * the upstream connection. An upstream that goes silent for the provider's idle-timeout fails the events.
     */
    public Uni<UpstreamResponse> stream(String path, byte[] body) {
        RequestOptions options = new RequestOptions(events).setURI(basePath + path)
                .setIdleTimeout(spec.firstTokenTimeout().toMillis());
        return http().request(options).onItem().transformToUni(request -> request.send(wrap(body))
                .onItem().transformToUni(response -> read(request, response))
                .onCancellation().invoke(request::reset));
    }

    /**
     * A bodyless {@code GET} or {@code DELETE} (or a {@code POST} with no body) of {@code path} below the base URL, with
     * the provider's headers; the whole answer is the item, error statuses included.
     */
    public Uni<UpstreamResponse> exchange(io.vertx.core.http.HttpMethod method, String path) {
        RequestOptions options = new RequestOptions(probe).setMethod(method).setURI(basePath + path)
                .setIdleTimeout(spec.firstTokenTimeout().toMillis());
        return http().request(options).onItem().transformToUni(request -> request.send()
                .onItem().transformToUni(response -> response.body().map(b -> new UpstreamResponse(
                        response.statusCode(), response.getHeader("Content-Type"), b.getBytes(),
                        response.getHeader("Retry-After"), null)))
                .onCancellation().invoke(request::reset));
    }

    /** {@code GET} of a path below the API root, with the provider's headers; the item is the status. */
    public Uni<Integer> get(String path) {
        RequestOptions options = new RequestOptions(probe).setURI(basePath + (path.startsWith("/") ? path.substring(1) : path))
                .setIdleTimeout(spec.firstTokenTimeout().toMillis());
        return http().request(options).onItem().transformToUni(request -> request.send()
                .onItem().transformToUni(response -> response.body().map(ignored -> response.statusCode())));
    }

    private Uni<UpstreamResponse> read(HttpClientRequest request, HttpClientResponse response) {
        report(response);
        String contentType = response.getHeader("Content-Type");
        String retryAfter = response.getHeader("Retry-After");
        if (response.statusCode() != 200 || contentType == null || !contentType.startsWith("text/event-stream")) {
            return response.body().map(b -> new UpstreamResponse(response.statusCode(), contentType, b.getBytes(),
                    retryAfter, null));
        }
        // read as they arrive; a stream that goes silent for the provider's idle-timeout is broken (the connection's
        // own idle timeout does not fire once the response has started)
        Multi<SseEvent> events = Multi.createFrom().publisher(new SseEventStream(vertx.getDelegate(),
                request.getDelegate(), response.getDelegate(), spec.idleTimeout().toMillis()));
        return Uni.createFrom().item(new UpstreamResponse(200, contentType, null, retryAfter, events));
    }

    /** The body as a buffer without a copy (a 10 MB body would otherwise be held twice while it is sent). */
    @SuppressWarnings("deprecation") // the way to wrap a ByteBuf in Vert.x 4
    private static Buffer wrap(byte[] body) {
        return Buffer.newInstance(io.vertx.core.buffer.Buffer.buffer(Unpooled.wrappedBuffer(body)));
    }

    @Override
    public void close() {
        closed = true;
        close(shared);
        byLoop.values().forEach(this::close);
    }

    private void close(HttpClient client) {
        client.close().subscribe().with(v -> {
        }, f -> LOGGER.debugf("closing the HTTP client of %s: %s", spec.name(), f.toString()));
    }
}
