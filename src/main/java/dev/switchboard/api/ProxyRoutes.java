package dev.switchboard.api;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.routing.ResponseHeaders;
import dev.switchboard.routing.Router;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.schema.InvalidRequestException;
import dev.switchboard.schema.Passthrough;
import dev.switchboard.schema.RequestBody;
import dev.switchboard.schema.openai.OpenAiErrors;
import dev.switchboard.schema.openai.OpenAiFormat;
import dev.switchboard.translate.ClientApi;
import dev.switchboard.translate.MessagesChat;
import dev.switchboard.translate.ResponsesChat;
import io.netty.buffer.ByteBuf;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The proxied endpoints ({@code POST /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}, and
 * {@code /v1/responses}, {@code /v1/messages} and {@code /v1/messages/count_tokens} through their translation to chat
 * completions) as plain Vert.x routes on the event loop: the body is read into one buffer (its size was bounded by
 * {@link Ingress} and
 * {@link HttpErrorRoutes}), handed to the {@link Router}, and the answer written by {@link ResponseWriter}. The REST
 * layer costs more per request than the rest of the proxy together (see the README's performance section), so the
 * hot path bypasses it; the other {@code /v1} paths stay in {@link OpenAiResource}.
 */
@ApplicationScoped
public class ProxyRoutes {

    /** After Quarkus' upload limit, before the REST layer. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT;

    private final Router router;
    private final ResponseOwners owners;

    public ProxyRoutes(Router router, ResponseOwners owners) {
        this.router = router;
        this.owners = owners;
    }

    void install(@Observes io.vertx.ext.web.Router routes) {
        for (Endpoint endpoint : Endpoint.values()) {
            routes.route("/v1/" + endpoint.path()).order(ORDER)
                    .handler(context -> post(context, body -> forward(context, endpoint, body)));
        }
        routes.route("/v1/responses").order(ORDER)
                .handler(context -> post(context, body -> translated(context, ResponsesChat.INSTANCE, body)));
        routes.route("/v1/messages").order(ORDER)
                .handler(context -> post(context, body -> translated(context, MessagesChat.INSTANCE, body)));
        routes.route("/v1/messages/count_tokens").order(ORDER)
                .handler(context -> post(context, body -> countTokens(context, body)));
    }

    /** Reads a {@code POST}'s whole body and hands it on; any other method is answered 405. */
    private void post(RoutingContext context, Consumer<Buffer> then) {
        HttpServerRequest request = context.request();
        if (!HttpMethod.POST.equals(request.method())) {
            String message = "Method not allowed for this path.";
            context.response().setStatusCode(405).putHeader("Allow", "POST").putHeader("Content-Type",
                    "application/json").end(
                            Buffer.buffer(MessagesChat.servesPath(request.path())
                                    ? MessagesChat.errorBody(405, message)
                                    : OpenAiErrors.body(message, OpenAiErrors.INVALID_REQUEST, "method_not_allowed")));
            return;
        }
        if (context.body().available()) {
            // a chunked body, already read (bounded) by Ingress
            then.accept(context.body().buffer());
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
        request.endHandler(ended -> then.accept(body));
        // the router pauses every request until a handler takes its body
        request.resume();
    }

    private void forward(RoutingContext context, Endpoint endpoint, Buffer body) {
        HttpServerRequest request = context.request();
        byte[] bytes = body == null ? new byte[0] : bytesOf(body);
        ResponseWriter.write(context.response(), router.route(endpoint, bytes, request.headers()::get));
    }

    /**
     * A request in another client schema: translated to chat completions, routed like one, and its answer translated
     * back ({@link ClientApi}).
     */
    private void translated(RoutingContext context, ClientApi api, Buffer body) {
        byte[] bytes = body == null ? null : bytesOf(body);
        JsonNode tree = OpenAiFormat.readOrNull(bytes);
        Uni<ProxyResponse> answer;
        if (tree == null || !tree.isObject()) {
            answer = now(api.error(400, "The request body is not a JSON object.", "invalid_json", Map.of()));
        } else {
            try {
                // a request that asks for state goes, as it is, only to a provider that keeps it
                boolean stateful = api == ResponsesChat.INSTANCE && ResponsesChat.stateful(tree);
                byte[] chat = OpenAiFormat.bytes(stateful ? ResponsesChat.INSTANCE.toChatForRouting(tree)
                        : api.toChat(tree));
                // who stored responses belong to: only the Responses API keeps any
                String tenant = api == ResponsesChat.INSTANCE ? router.owner(context.request().headers()::get) : null;
                String owner = stateful ? owners.provider(tree.path("previous_response_id").asText(null), tenant)
                        : null;
                Passthrough passthrough = new Passthrough(api.dialect(), RequestBody.parse(bytes), stateful, owner);
                answer = router.route(Endpoint.CHAT, chat, context.request().headers()::get, passthrough)
                        .map(routed -> api.fromRouted(remembered(routed, tenant), tree));
            } catch (InvalidRequestException e) {
                answer = now(api.error(400, e.getMessage(), e.code(), Map.of()));
            }
        }
        ResponseWriter.write(context.response(), answer);
    }

    /**
     * A Responses answer that a provider served (and keeps): its id is remembered with the provider, for the
     * {@code GET}/{@code DELETE} of it and for follow-ups that name it in {@code previous_response_id}.
     */
    private ProxyResponse remembered(ProxyResponse routed, String tenant) {
        if (routed.dialect() != Dialect.RESPONSES || routed.status() != 200) {
            return routed;
        }
        List<String> provider = routed.headers().get(ResponseHeaders.PROVIDER);
        if (provider == null || provider.isEmpty()) {
            return routed;
        }
        if (routed.whole() != null) {
            JsonNode response = OpenAiFormat.readOrNull(routed.whole().getBytes());
            owners.remember(response == null ? null : response.path("id").asText(null), provider.get(0), tenant);
            return routed;
        }
        return new ProxyResponse(routed.status(), routed.headers(), null, routed.stream().invoke(frame -> {
            if (frame.length() > 30 && frame.getString(0, 30, "UTF-8").startsWith("event: response.created")) {
                JsonNode created = ResponsesChat.eventData(frame);
                owners.remember(created == null ? null : created.path("response").path("id").asText(null),
                        provider.get(0), tenant);
            }
        }), routed.dialect());
    }

    /**
     * {@code POST /v1/messages/count_tokens}: the prompt's size, counted by the route's Anthropic provider or
     * estimated, for a model the caller may use.
     */
    private void countTokens(RoutingContext context, Buffer body) {
        byte[] bytes = body == null ? null : bytesOf(body);
        JsonNode tree = OpenAiFormat.readOrNull(bytes);
        Uni<ProxyResponse> answer;
        if (tree == null || !tree.isObject()) {
            answer = now(MessagesChat.INSTANCE.error(400, "The request body is not a JSON object.", "invalid_json",
                    Map.of()));
        } else {
            try {
                byte[] chat = OpenAiFormat.bytes(MessagesChat.INSTANCE.toChat(tree));
                Passthrough passthrough = new Passthrough(Dialect.ANTHROPIC, RequestBody.parse(bytes), false, null);
                answer = router.countTokens(chat, context.request().headers()::get, passthrough)
                        .map(counted -> counted.status() == 200 ? counted
                                : MessagesChat.INSTANCE.fromRouted(counted, tree));
            } catch (InvalidRequestException e) {
                answer = now(MessagesChat.INSTANCE.error(400, e.getMessage(), e.code(), Map.of()));
            }
        }
        ResponseWriter.write(context.response(), answer);
    }

    private static Uni<ProxyResponse> now(ProxyResponse response) {
        return Uni.createFrom().item(response);
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
