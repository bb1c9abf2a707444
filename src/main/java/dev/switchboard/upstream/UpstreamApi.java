package dev.switchboard.upstream;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/**
 * A provider's JSON API as a MicroProfile REST client, relative to its {@code base-url}: a {@code POST} of bytes to a
 * path of one to four segments ({@code completions}, {@code chat/completions}, {@code v1/messages},
 * {@code v1beta/models/gemini-2.0-flash:generateContent}). Bodies are never bound to types: Switchboard relays or
 * translates them itself. Built per provider with {@code QuarkusRestClientBuilder} and {@code disableDefaultMapper},
 * so error statuses come back as responses.
 */
@Path("")
public interface UpstreamApi {

    @POST
    @Path("{a}")
    Uni<Response> post(@PathParam("a") String a, byte[] body);

    @POST
    @Path("{a}/{b}")
    Uni<Response> post(@PathParam("a") String a, @PathParam("b") String b, byte[] body);

    @POST
    @Path("{a}/{b}/{c}")
    Uni<Response> post(@PathParam("a") String a, @PathParam("b") String b, @PathParam("c") String c, byte[] body);

    @POST
    @Path("{a}/{b}/{c}/{d}")
    Uni<Response> post(@PathParam("a") String a, @PathParam("b") String b, @PathParam("c") String c,
            @PathParam("d") String d, byte[] body);
}
