package dev.switchboard.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.switchboard.routing.Router;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.schema.openai.OpenAiErrors;
import io.netty.buffer.ByteBuf;
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
        String length = request.getHeader("Content-Length");
        // sized once from the declared length (bounded by HttpErrorRoutes), so the bytes need no copy after
        Buffer body = Buffer.buffer(length != null ? (int) Math.max(0, Math.min(Integer.MAX_VALUE, parse(length))) : 0);
        request.handler(body::appendBuffer);
        request.exceptionHandler(failure -> {
            if (!context.response().closed() && !context.response().ended()) {
                context.fail(failure);
            }
        });
        request.endHandler(ended -> forward(context, endpoint, body));
        // the router pauses every request until a handler takes its body
        request.resume();
    }

    private void forward(RoutingContext context, Endpoint endpoint, Buffer body) {
        HttpServerRequest request = context.request();
        byte[] bytes = body == null ? new byte[0] : bytesOf(body);
        ResponseWriter.write(context.response(), router.route(endpoint, bytes, request.headers()::get));
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The body's bytes: the buffer's own array when it is exactly that (the usual case), else a copy. */
    @SuppressWarnings("deprecation") // getByteBuf() is the supported way to the array in Vert.x 4
    private static byte[] bytesOf(Buffer body) {
        ByteBuf buf = body.getByteBuf();
        if (buf.hasArray() && buf.arrayOffset() == 0 && buf.readerIndex() == 0
                && buf.array().length == buf.readableBytes()) {
            return buf.array();
        }
        return body.getBytes();
    }
}
