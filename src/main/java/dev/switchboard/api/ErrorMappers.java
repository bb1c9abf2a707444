package dev.switchboard.api;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.switchboard.schema.openai.OpenAiErrors;
import dev.switchboard.translate.MessagesChat;

/** Every exception that reaches the REST layer becomes an OpenAI-shaped JSON error; never a stack trace or HTML. */
public class ErrorMappers {

    private static final Logger LOGGER = Logger.getLogger(ErrorMappers.class);

    private final HttpErrorRoutes httpErrors;

    public ErrorMappers(HttpErrorRoutes httpErrors) {
        this.httpErrors = httpErrors;
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        String path = "/" + uri.getPath().replaceFirst("^/+", "");
        String message = "Unknown path " + clip(path) + ". Switchboard serves POST /v1/chat/completions,"
                + " /v1/completions, /v1/embeddings, /v1/responses, /v1/messages and /v1/messages/count_tokens, and"
                + " GET /v1/models and /v1/models/{id}.";
        if (MessagesChat.servesPath(path)) {
            return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE).entity(MessagesChat.errorBody(404,
                    message)).build();
        }
        return error(404, message, OpenAiErrors.INVALID_REQUEST, "not_found");
    }

    /** A path as the caller sent it, shortened for an error message. */
    private static String clip(String path) {
        return path.length() <= 100 ? path : path.substring(0, 100) + "...";
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        return error(405, "Method not allowed for this path.", OpenAiErrors.INVALID_REQUEST, "method_not_allowed");
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse() != null ? e.getResponse().getStatus() : 500;
        if (status == 413) {
            return Response.status(413).type(MediaType.APPLICATION_JSON_TYPE).entity(httpErrors.tooLargeBody("")).build();
        }
        if (status >= 500) {
            LOGGER.errorf(e, "request failed with %d", status);
            return error(status, "internal error", OpenAiErrors.SERVER, "internal_error");
        }
        String reason = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase()
                : "Request rejected";
        return error(status, reason + ".", OpenAiErrors.INVALID_REQUEST, "invalid_request");
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOGGER.errorf(e, "unexpected failure");
        return error(500, "internal error", OpenAiErrors.SERVER, "internal_error");
    }

    static Response error(int status, String message, String type, String code) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(OpenAiErrors.body(message, type, code)).build();
    }
}
