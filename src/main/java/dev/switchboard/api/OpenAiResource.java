package dev.switchboard.api;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.RestMulti;

import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.routing.Router;
import dev.switchboard.schema.openai.OpenAiErrors;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * The OpenAI-compatible paths off the hot path ({@code GET /v1/models}, {@code /v1/models/{id}},
 * {@code /v1/responses/{id}}); the proxied {@code POST}s are
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

    /** One route alias the calling tenant may use ({@code models.retrieve}); 404 for anything else. */
    @GET
    @Path("/models/{id: .+}")
    public RestMulti<Buffer> model(@PathParam("id") String id, HttpHeaders headers) {
        return respond(Uni.createFrom().item(router.model(id, headers::getHeaderString)));
    }

    /**
     * {@code GET} and {@code DELETE /v1/responses/{id}} (and its {@code input_items}, {@code cancel}): Switchboard
     * serves the Responses API statelessly, so no response is ever stored to read back or delete.
     */
    @GET
    @Path("/responses/{id: .+}")
    public RestMulti<Buffer> response(@PathParam("id") String id) {
        return notStored(id);
    }

    @DELETE
    @Path("/responses/{id: .+}")
    public RestMulti<Buffer> deleteResponse(@PathParam("id") String id) {
        return notStored(id);
    }

    @POST
    @Path("/responses/{id}/cancel")
    public RestMulti<Buffer> cancelResponse(@PathParam("id") String id) {
        return notStored(id);
    }

    private static RestMulti<Buffer> notStored(String id) {
        String name = id.contains("/") ? id.substring(0, id.indexOf('/')) : id;
        return respond(Uni.createFrom().item(ProxyResponse.error(404, "No response with id '" + name + "' is"
                + " stored: Switchboard serves the Responses API statelessly ('store' is not kept).",
                OpenAiErrors.INVALID_REQUEST, "response_not_found", java.util.Map.of())));
    }

    private static RestMulti<Buffer> respond(Uni<ProxyResponse> response) {
        return RestMulti.fromUniResponse(response, ProxyResponse::body, ProxyResponse::headers, ProxyResponse::status);
    }
}
