package dev.switchboard.upstream;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.schema.SseEvent;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;
import io.vertx.mutiny.core.http.HttpClientResponse;
import io.vertx.mutiny.core.parsetools.RecordParser;

/**
 * The HTTP side of one OpenAI-compatible provider: a pooled MicroProfile REST client for JSON calls and a Vert.x HTTP
 * client for event streams. The REST client's SSE support ignores a connection that closes mid-stream (the stream
 * then neither fails nor completes), which would leave a caller hanging; the Vert.x client reports it, so a broken
 * stream ends with an error event. Thread-safe; close it when the provider leaves the policy.
 */
public final class UpstreamClient implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(UpstreamClient.class);

    private static final int DEFAULT_POOL_SIZE = 50;

    private final ProviderSpec spec;
    private final UpstreamApi api;
    private final HttpClient streams;
    private final Map<String, String> headers;

    private UpstreamClient(ProviderSpec spec, UpstreamApi api, HttpClient streams) {
        this.spec = spec;
        this.api = api;
        this.streams = streams;
        this.headers = ProviderHeaders.of(spec);
    }

    public static UpstreamClient create(ProviderSpec spec, Vertx vertx) {
        Map<String, String> headers = ProviderHeaders.of(spec);
        UpstreamApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(spec.baseUrl() + "/"))
                .connectTimeout(spec.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(spec.firstTokenTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE, poolSize(spec))
                .disableDefaultMapper(true)
                .register(new HeadersFilter(headers))
                .build(UpstreamApi.class);
        HttpClient streams = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, spec.connectTimeout().toMillis()))
                .setKeepAlive(true)
                .setForceSni(true)
                .setVerifyHost(true)
                .setMaxPoolSize(poolSize(spec))
                .setName("switchboard-" + spec.name()));
        return new UpstreamClient(spec, api, streams);
    }

    /** Connections per client: the provider's {@code max-concurrency}, or 50; attempts past it wait for one. */
    private static int poolSize(ProviderSpec spec) {
        return spec.maxConcurrency() > 0 ? spec.maxConcurrency() : DEFAULT_POOL_SIZE;
    }

    /**
     * A JSON {@code POST} to {@code path} below the base URL (no leading slash, one to four segments); error statuses
     * are items, transport problems fail the {@code Uni}.
     */
    public Uni<UpstreamResponse> call(String path, byte[] body) {
        String[] s = path.split("/", -1);
        Uni<Response> response = switch (s.length) {
            case 1 -> api.post(s[0], body);
            case 2 -> api.post(s[0], s[1], body);
            case 3 -> api.post(s[0], s[1], s[2], body);
            case 4 -> api.post(s[0], s[1], s[2], s[3], body);
            default -> throw new IllegalArgumentException("unsupported path " + path);
        };
        return response.map(r -> {
            try (r) {
                byte[] bytes = r.hasEntity() ? r.readEntity(byte[].class) : new byte[0];
                return new UpstreamResponse(r.getStatus(), r.getHeaderString(HttpHeaders.CONTENT_TYPE), bytes,
                        r.getHeaderString("Retry-After"), null);
            }
        });
    }

    /**
     * A streaming call to {@code path} below the base URL (no leading slash; may carry a query). A
     * {@code 200 text/event-stream} answer becomes events as they arrive (backpressured: the
     * upstream is read as fast as the subscriber asks); any other answer is read whole. Cancelling the events closes
     * the upstream connection. An upstream that goes silent for the provider's idle-timeout fails the events.
     */
    public Uni<UpstreamResponse> stream(String path, byte[] body) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(spec.baseUrl() + "/" + path)
                .setIdleTimeout(spec.firstTokenTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "text/event-stream");
        headers.forEach(options::putHeader);
        return streams.request(options).onItem().transformToUni(request -> request.send(Buffer.buffer(body))
                .onItem().transformToUni(response -> read(request, response))
                .onCancellation().invoke(request::reset));
    }

    /** {@code GET} of a path below the API root, with the provider's headers; the item is the status. */
    public Uni<Integer> get(String path) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(spec.baseUrl() + path)
                .setIdleTimeout(spec.firstTokenTimeout().toMillis());
        headers.forEach(options::putHeader);
        return streams.request(options).onItem().transformToUni(request -> request.send()
                .onItem().transformToUni(response -> response.body().map(ignored -> response.statusCode())));
    }

    private Uni<UpstreamResponse> read(HttpClientRequest request, HttpClientResponse response) {
        String contentType = response.getHeader("Content-Type");
        String retryAfter = response.getHeader("Retry-After");
        if (response.statusCode() != 200 || contentType == null || !contentType.startsWith("text/event-stream")) {
            return response.body().map(b -> new UpstreamResponse(response.statusCode(), contentType, b.getBytes(),
                    retryAfter, null));
        }
        SseLineParser parser = new SseLineParser();
        Multi<SseEvent> events = RecordParser.newDelimited("\n", response).toMulti()
                .onItem().transformToIterable(line -> parser.line(line.toString()))
                // a stream that goes silent for the provider's idle-timeout is broken (the connection's own idle
                // timeout does not fire once the response has started)
                .ifNoItem().after(spec.idleTimeout()).failWith(() -> new TimeoutException("the stream was silent for "
                        + spec.idleTimeout().toMillis() + "ms (idle-timeout)"))
                .onCancellation().invoke(request::reset)
                .onFailure().invoke(failure -> request.reset());
        return Uni.createFrom().item(new UpstreamResponse(200, contentType, null, retryAfter, events));
    }

    @Override
    public void close() {
        try {
            ((Closeable) api).close();
        } catch (IOException | RuntimeException e) {
            LOGGER.debugf("closing REST client of %s: %s", spec.name(), e.toString());
        }
        streams.close().subscribe().with(v -> {
        }, f -> LOGGER.debugf("closing stream client of %s: %s", spec.name(), f.toString()));
    }
}
