package dev.switchboard.api;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestMulti;

import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.routing.Router;
import dev.switchboard.schema.openai.OpenAiErrors;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * The OpenAI-compatible paths off the hot path ({@code GET /v1/models}, {@code /v1/models/{id}},
 * {@code /v1/responses/{id}}); the proxied {@code POST}s are
 * {@link ProxyRoutes}. Unknown paths and methods under {@code /v1} end here too, and {@link ErrorMappers} answers them.
 */
@Path("/v1")
public class OpenAiResource {

    private final Router router;
    private final ResponseOwners owners;

    public OpenAiResource(Router router, ResponseOwners owners) {
        this.router = router;
        this.owners = owners;
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
     * {@code GET} and {@code DELETE /v1/responses/{id}} (and its {@code input_items}, {@code cancel}): passed to the
     * provider that answered the response, where one keeps it ({@code responses-api: true}); 404 for a response this
     * Switchboard served statelessly, or never saw.
     */
    @GET
    @Path("/responses/{id: .+}")
    public RestMulti<Buffer> response(@PathParam("id") String id, @Context UriInfo uri, HttpHeaders headers) {
        return stored(HttpMethod.GET, id, uri, headers);
    }

    @DELETE
    @Path("/responses/{id: .+}")
    public RestMulti<Buffer> deleteResponse(@PathParam("id") String id, @Context UriInfo uri, HttpHeaders headers) {
        return stored(HttpMethod.DELETE, id, uri, headers);
    }

    @POST
    @Path("/responses/{id}/cancel")
    public RestMulti<Buffer> cancelResponse(@PathParam("id") String id, @Context UriInfo uri, HttpHeaders headers) {
        return stored(HttpMethod.POST, id + "/cancel", uri, headers);
    }

    /**
     * The paths below a stored response that pass to its provider: the response itself, its input items, its cancel.
     * Nothing else reaches the provider's URL, so no caller can steer the provider's key to another of its paths.
     */
    private static boolean storedPath(String path) {
        int slash = path.indexOf('/');
        String id = slash < 0 ? path : path.substring(0, slash);
        String rest = slash < 0 ? "" : path.substring(slash + 1);
        return ResponseOwners.isId(id) && (rest.isEmpty() || rest.equals("input_items") || rest.equals("cancel"));
    }

    private RestMulti<Buffer> stored(HttpMethod method, String path, UriInfo uri, HttpHeaders headers) {
        String id = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
        String owner = storedPath(path) ? owners.provider(id, router.owner(headers::getHeaderString)) : null;
        if (owner == null) {
            return respond(Uni.createFrom().item(ProxyResponse.error(404, "No response with id '" + id + "' is"
                    + " stored by a provider this Switchboard sent it to: responses served by translation are not"
                    + " kept ('store' needs an openai provider with responses-api: true).",
                    OpenAiErrors.INVALID_REQUEST, "response_not_found", java.util.Map.of())));
        }
        // only the list parameters of input_items (limit, after, order, include): plain words, no path
        String query = uri.getRequestUri().getRawQuery();
        if (query != null && !query.matches("[A-Za-z0-9_.,=&%\\[\\]-]*")) {
            query = null;
        }
        Uni<ProxyResponse> answer = router.stored(owner, method, "responses/" + path + (query != null ? "?" + query : ""));
        if (HttpMethod.DELETE.equals(method) && path.equals(id)) {
            answer = answer.invoke(deleted -> {
                if (deleted.status() / 100 == 2) {
                    owners.forget(id);
                }
            });
        }
        return respond(answer);
    }

    private static RestMulti<Buffer> respond(Uni<ProxyResponse> response) {
        return RestMulti.fromUniResponse(response, ProxyResponse::body, ProxyResponse::headers, ProxyResponse::status);
    }
}
