package dev.switchboard.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.switchboard.routing.Router;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.schema.openai.OpenAiErrors;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The proxied endpoints ({@code POST /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}) as plain
 * Vert.x routes on the event loop: the body is read into one buffer (its size was bounded by {@link Ingress} and
 * {@link HttpErrorRoutes}), handed to the {@link Router}, and the answer written by {@link ResponseWriter}. The REST
 * layer costs more per request than the rest of the proxy together (see the README's performance section), so the
 * hot path bypasses it; the other {@code /v1} paths stay in {@link OpenAiResource}.
 */
@ApplicationScoped
public class ProxyRoutes {

    /** After Quarkus' upload limit, before the REST layer. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT;

    private final Router router;

    public ProxyRoutes(Router router) {
        this.router = router;
    }

    void install(@Observes io.vertx.ext.web.Router routes) {
        for (Endpoint endpoint : Endpoint.values()) {
            routes.route("/v1/" + endpoint.path()).order(ORDER).handler(context -> handle(context, endpoint));
        }
    }

    private void handle(RoutingContext context, Endpoint endpoint) {
        HttpServerRequest request = context.request();
        if (!HttpMethod.POST.equals(request.method())) {
            context.response().setStatusCode(405).putHeader("Allow", "POST").putHeader("Content-Type",
                    "application/json").end(
                            Buffer.buffer(OpenAiErrors.body("Method not allowed for this path.",
                                    OpenAiErrors.INVALID_REQUEST, "method_not_allowed")));
            return;
        }
        if (context.body().available()) {
            // a chunked body, already read (bounded) by Ingress
            forward(context, endpoint, context.body().buffer());
            return;
        }
        request.body().onComplete(read -> {
            if (read.succeeded()) {
                forward(context, endpoint, read.result());
            } else if (!context.response().closed()) {
                context.fail(read.cause());
            }
        });
        // the router pauses every request until a handler takes its body
        request.resume();
    }

    private void forward(RoutingContext context, Endpoint endpoint, Buffer body) {
        HttpServerRequest request = context.request();
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        ResponseWriter.write(context.response(), router.route(endpoint, bytes, request.headers()::get));
    }
}
