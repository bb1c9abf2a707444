package dev.switchboard.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.RestMulti;

import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.routing.Router;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * The OpenAI-compatible paths off the hot path ({@code GET /v1/models}); the proxied {@code POST}s are
 * {@link ProxyRoutes}. Unknown paths and methods under {@code /v1} end here too, and {@link ErrorMappers} answers them.
 */
@Path("/v1")
public class OpenAiResource {

    private final Router router;

    public OpenAiResource(Router router) {
        this.router = router;
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
