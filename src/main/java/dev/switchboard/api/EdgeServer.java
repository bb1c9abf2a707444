package dev.switchboard.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.schema.openai.OpenAiErrors;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.quarkus.runtime.Application;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.runtime.VertxHttpBuildTimeConfig;
import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.quarkus.vertx.http.runtime.options.HttpServerOptionsUtils;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The proxy port's HTTP server. Quarkus' own server for {@code quarkus.http} is off
 * ({@code quarkus.http.host-enabled=false}) because it gives no hook for what a proxy's edge needs; this one serves the
 * same routes (Quarkus' root handler: the Vert.x routes and the REST resources) with the same {@code quarkus.http.*}
 * settings, plus:
 * <ul>
 * <li>requests the HTTP parser cannot read (a head over {@code quarkus.http.limits.max-header-size}, a request line
 * over {@code max-initial-line-length}, a bad {@code Content-Length}, a target that is not a URI) are answered with an
 * OpenAI-shaped JSON error (Anthropic-shaped under {@code /v1/messages}), not an empty body;</li>
 * <li>a header-read timeout and an idle timeout per connection ({@link ConnectionTimeouts}).</li>
 * </ul>
 * One server instance per event loop, sharing the port, as Quarkus does.
 */
@ApplicationScoped
public class EdgeServer {

    private static final Logger LOGGER = Logger.getLogger(EdgeServer.class);
    /** Vert.x's marker for "a random port, shared by every instance that asks for it". */
    private static final int SHARED_RANDOM_PORT = -1;

    private final Vertx vertx;
    private final VertxHttpConfig http;
    private final VertxHttpBuildTimeConfig httpBuild;
    private final long headerReadNanos;
    private final long idleNanos;
    private final int instances;
    private volatile long lastWarning;
    private volatile String deployment;
    private volatile int port;

    public EdgeServer(Vertx vertx, VertxHttpConfig http, VertxHttpBuildTimeConfig httpBuild,
            @ConfigProperty(name = "switchboard.http.header-read-timeout", defaultValue = "10s") Duration headerRead,
            @ConfigProperty(name = "switchboard.http.idle-timeout", defaultValue = "10m") Duration idle,
            @ConfigProperty(name = "quarkus.vertx.event-loops-pool-size") Optional<Integer> eventLoops) {
        this.vertx = vertx;
        this.http = http;
        this.httpBuild = httpBuild;
        this.headerReadNanos = headerRead.toNanos();
        this.idleNanos = idle.toNanos();
        // One event loop per CPU, not Quarkus' two: a request and its upstream call stay on one loop and never block
        // it, so a second loop per CPU only adds thread switches (measured: up to 1.4x the throughput at 16
        // connections on 2 CPUs; performance.md, "Proxy benchmark")
        this.instances = eventLoops.orElse(Runtime.getRuntime().availableProcessors());
    }

    /** After the policy is loaded (observers of default priority), so the first request finds it. */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) StartupEvent event) throws Exception {
        LaunchMode mode = LaunchMode.current();
        HttpServerOptions options = new HttpServerOptions();
        HttpServerOptionsUtils.applyCommonOptions(options, httpBuild, http, List.of());
        String host = mode == LaunchMode.TEST ? http.testHost().orElse(http.host()) : http.host();
        int configured = http.determinePort(mode);
        options.setHost(host).setPort(configured == 0 ? SHARED_RANDOM_PORT : configured);
        // the connection's clocks replace Vert.x's idle timeout, which would also cut a long request in flight
        options.setIdleTimeout(0);
        deployment = vertx.deployVerticle(() -> new Instance(options), new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        announce(mode, host);
    }

    void stop(@Observes ShutdownEvent event) throws Exception {
        String id = deployment;
        if (id != null) {
            deployment = null;
            vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Publishes the port where Quarkus would have (tests read {@code quarkus.http.test-port}) and logs it: Quarkus'
     * own start-up line names only the management interface, since its server for {@code quarkus.http} is off.
     */
    private void announce(LaunchMode mode, String host) {
        ValueRegistry registry = Application.currentApplication().getValueRegistry();
        registry.register(HttpServer.HTTP_PORT, port);
        URI base = URI.create("http://" + host + ":" + port);
        registry.register(HttpServer.LOCAL_BASE_URI, base);
        if (mode.isDevOrTest()) {
            registry.register(HttpServer.HTTP_TEST_PORT, port);
            registry.register(ValueRegistry.RuntimeKey.key("test.url"), base.toString());
        }
        LOGGER.infof("Proxy port listening on %s (%d event loops)", base, instances);
    }

    /** Serves one event loop. */
    private final class Instance extends AbstractVerticle {

        private final HttpServerOptions options;

        Instance(HttpServerOptions options) {
            this.options = options;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(options).connectionHandler(EdgeServer.this::onConnection)
                    .invalidRequestHandler(EdgeServer.this::onUnreadable).requestHandler(EdgeServer.this::onRequest)
                    .listen().onSuccess(server -> {
                        port = server.actualPort();
                        started.complete();
                    }).onFailure(started::fail);
        }
    }

    private void onConnection(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            ConnectionTimeouts.install(base.channelHandlerContext().pipeline(), headerReadNanos, idleNanos);
        }
    }

    private void onRequest(HttpServerRequest request) {
        if (!isUri(request.uri())) {
            refuse(request, 400, "The request target is not a valid URI.", "invalid_request");
            return;
        }
        VertxHttpRecorder.getRootHandler().handle(request);
    }

    /** A request the HTTP parser could not read: its status as Vert.x would choose it, with a JSON body. */
    private void onUnreadable(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        if (cause instanceof TooLongHttpHeaderException) {
            refuse(request, 431, "The request head is larger than quarkus.http.limits.max-header-size ("
                    + http.limits().maxHeaderSize().asLongValue() + " bytes).", "request_header_too_large");
        } else if (cause instanceof TooLongHttpLineException) {
            refuse(request, 414, "The request line is longer than quarkus.http.limits.max-initial-line-length ("
                    + http.limits().maxInitialLineLength() + " bytes).", "request_line_too_long");
        } else {
            String message = cause == null ? "" : String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            refuse(request, 400, message.contains("content-length")
                    ? "The request's Content-Length header is not valid."
                    : "The request is not valid HTTP/1.1.", "invalid_request");
        }
    }

    /** Answers and closes the connection: after a framing error nothing more on it can be trusted. */
    private void refuse(HttpServerRequest request, int status, String message, String code) {
        warnOnce(status, message);
        String path = isUri(request.uri()) ? request.path() : "/";
        byte[] body = HttpErrorRoutes.shaped(path == null ? "/" : path, status, message, OpenAiErrors.INVALID_REQUEST,
                code);
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").end(Buffer.buffer(body))
                .onComplete(done -> request.connection().close());
    }

    private static boolean isUri(String uri) {
        if (uri == null) {
            return false;
        }
        try {
            new URI(uri);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** A caller's mistake is worth one WARN line a second at most, and never a stack trace. */
    private void warnOnce(int status, String message) {
        long now = System.currentTimeMillis();
        if (now - lastWarning >= 1000) {
            lastWarning = now;
            LOGGER.warnf("Refused a request with %d: %s", status, message);
        }
    }
}
