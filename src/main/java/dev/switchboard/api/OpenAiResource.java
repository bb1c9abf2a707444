package dev.switchboard.api;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestMulti;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.routing.PolicyState;
import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.routing.Router;
import dev.switchboard.schema.openai.ModelList;
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
    private final PolicyState policies;

    public OpenAiResource(Router router, PolicyState policies) {
        this.router = router;
        this.policies = policies;
    }

    @POST
    @Path("/chat/completions")
    public RestMulti<Buffer> chatCompletions(byte[] body) {
        return respond(router.route(Endpoint.CHAT, body));
    }

    @POST
    @Path("/completions")
    public RestMulti<Buffer> completions(byte[] body) {
        return respond(router.route(Endpoint.COMPLETIONS, body));
    }

    @POST
    @Path("/embeddings")
    public RestMulti<Buffer> embeddings(byte[] body) {
        return respond(router.route(Endpoint.EMBEDDINGS, body));
    }

    /** The route aliases callers may put in {@code model}, in policy order. */
    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    public ModelList models() {
        return policies.current().map(policy -> {
            long created = policy.loadedAt().getEpochSecond();
            List<ModelList.Model> models = policy.table().routes().keySet().stream()
                    .map(alias -> ModelList.Model.of(alias, created, "switchboard"))
                    .toList();
            return ModelList.of(models);
        }).orElseGet(() -> ModelList.of(List.of()));
    }

    private static RestMulti<Buffer> respond(Uni<ProxyResponse> response) {
        return RestMulti.fromUniResponse(response, ProxyResponse::body, ProxyResponse::headers, ProxyResponse::status);
    }
}
