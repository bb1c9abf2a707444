package dev.switchboard.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.RestMulti;

import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.routing.Router;
import dev.switchboard.schema.Endpoint;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * The OpenAI-compatible API. Bodies are taken as bytes and handed to the router, which reads only what routing needs;
 * answers are written as they are produced, with the status and headers the router chose (so a stream's events reach
 * the caller one by one, and errors are JSON with their own status).
 */
@Path("/v1")
public class OpenAiResource {

    private final Router router;

    public OpenAiResource(Router router) {
        this.router = router;
    }

    @POST
    @Path("/chat/completions")
    public RestMulti<Buffer> chatCompletions(byte[] body, HttpHeaders headers) {
        return respond(router.route(Endpoint.CHAT, body, headers::getHeaderString));
    }

    @POST
    @Path("/completions")
    public RestMulti<Buffer> completions(byte[] body, HttpHeaders headers) {
        return respond(router.route(Endpoint.COMPLETIONS, body, headers::getHeaderString));
    }

    @POST
    @Path("/embeddings")
    public RestMulti<Buffer> embeddings(byte[] body, HttpHeaders headers) {
        return respond(router.route(Endpoint.EMBEDDINGS, body, headers::getHeaderString));
    }

    /** The route aliases the calling tenant may put in {@code model}, in policy order. */
    @GET
    @Path("/models")
    public RestMulti<Buffer> models(HttpHeaders headers) {
        return respond(Uni.createFrom().item(router.models(headers::getHeaderString)));
    }

    private static RestMulti<Buffer> respond(Uni<ProxyResponse> response) {
        return RestMulti.fromUniResponse(response, ProxyResponse::body, ProxyResponse::headers, ProxyResponse::status);
    }
}
