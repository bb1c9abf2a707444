package dev.switchboard.upstream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/**
 * The OpenAI-compatible API as a MicroProfile REST client, relative to a provider's {@code base-url}. Bodies are
 * passed as bytes, never bound to types: Switchboard relays what it does not need to read. Built per provider with
 * {@code QuarkusRestClientBuilder} and {@code disableDefaultMapper}, so error statuses come back as responses.
 */
@Path("")
public interface OpenAiApi {

    @POST
    @Path("chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> chatCompletions(byte[] body);

    @POST
    @Path("completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> completions(byte[] body);

    @POST
    @Path("embeddings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> embeddings(byte[] body);
}
