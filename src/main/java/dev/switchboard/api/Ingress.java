package dev.switchboard.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.lifecycle.Traffic;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.schema.openai.OpenAiErrors;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Admission at the door of the API, before a body is read: every {@code /v1} request counts against the bounds of
 * {@link Traffic} until its answer is written or its caller goes away, and past a bound it is answered 503
 * {@code overloaded} with {@code Retry-After: 1} at once (its body unread, the connection closed) instead of being
 * queued or buffered.
 */
@ApplicationScoped
public class Ingress {

    private static final Logger LOGGER = Logger.getLogger(Ingress.class);
    /** After the declared-length check of {@link HttpErrorRoutes}, before Quarkus reads the body. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;

    private final Traffic traffic;
    private final Metrics metrics;
    /**
     * Reads a chunked body on the event loop up to the size limit; past it the request fails with 413, which
     * {@link HttpErrorRoutes} answers in JSON (the REST layer's own reader would switch to a blocking stream, answer
     * an empty 413 and log a stack trace).
     */
    private final BodyHandler chunkedBodies;
    private volatile long lastWarning;

    public Ingress(Traffic traffic, Metrics metrics,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize maxBodySize) {
        this.traffic = traffic;
        this.metrics = metrics;
        this.chunkedBodies = BodyHandler.create(false).setBodyLimit(maxBodySize.asLongValue())
                .setHandleFileUploads(false).setMergeFormAttributes(false);
    }

    void install(@Observes Router router) {
        router.route("/v1/*").order(ORDER).handler(this::admit);
        metrics.inFlight(traffic::inFlight);
    }

    private void admit(RoutingContext context) {
        long declared = declaredLength(context);
        Traffic.Refusal refusal = traffic.enter(declared);
        if (refusal != null) {
            metrics.shed(refusal.reason());
            warnOnce(refusal.message());
            context.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                    .putHeader("Retry-After", "1").putHeader("Connection", "close")
                    .end(Buffer.buffer(HttpErrorRoutes.shaped(context.request().path(), 503,
                            "Switchboard is overloaded: " + refusal.message() + "; retry in 1s.", OpenAiErrors.SERVER,
                            "overloaded")));
            return;
        }
        long charge = traffic.charge(declared);
        context.addEndHandler(ended -> traffic.exit(charge));
        if (declared < 0) {
            chunkedBodies.handle(context);
        } else {
            context.next();
        }
    }

    /** The body's declared length; 0 for a request without a body, -1 for one of unknown length. */
    private static long declaredLength(RoutingContext context) {
        String length = context.request().getHeader("Content-Length");
        if (length != null) {
            try {
                return Math.max(0, Long.parseLong(length.strip()));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        // no length: chunked (HTTP/1.1) or DATA frames (HTTP/2) for a method with a body
        HttpMethod method = context.request().method();
        boolean bodyless = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
                || HttpMethod.DELETE.equals(method) || HttpMethod.OPTIONS.equals(method);
        return bodyless ? 0 : -1;
    }

    /** One WARN line per second at most: shedding comes in bursts. */
    private void warnOnce(String message) {
        long now = System.currentTimeMillis();
        if (now - lastWarning >= 1000) {
            lastWarning = now;
            LOGGER.warnf("Shedding requests: %s", message);
        }
    }
}
