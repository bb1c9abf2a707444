package dev.switchboard.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.schema.openai.OpenAiErrors;
import dev.switchboard.translate.MessagesChat;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Failures that happen below the REST layer (a body over the size limit, a request nothing handles) still answer
 * with an OpenAI-shaped JSON error instead of the HTTP server's default page.
 */
@ApplicationScoped
public class HttpErrorRoutes {

    private static final Logger LOGGER = Logger.getLogger(HttpErrorRoutes.class);

    private static final String MAX_BODY = "quarkus.http.limits.max-body-size";

    /** Runs just before Quarkus' own size check, which would answer 413 with an empty body. */
    private static final int BEFORE_UPLOAD_LIMIT = Ingress.ORDER - 1;

    private final String limitText;
    private final long limit;

    public HttpErrorRoutes(@ConfigProperty(name = MAX_BODY, defaultValue = "10M") MemorySize limit,
            @ConfigProperty(name = "switchboard.max-body-size", defaultValue = "10M") String limitText) {
        this.limit = limit.asLongValue();
        this.limitText = limitText;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::onFailure);
        router.route().order(BEFORE_UPLOAD_LIMIT).handler(this::checkDeclaredLength);
    }

    private void checkDeclaredLength(RoutingContext context) {
        String length = context.request().getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > limit) {
                    context.response().setStatusCode(413).putHeader("Content-Type", "application/json")
                            .putHeader("Connection", "close")
                            .end(Buffer.buffer(tooLargeBody(context.request().path())));
                    return;
                }
            } catch (NumberFormatException e) {
                // Vert.x rejects a malformed Content-Length itself
            }
        }
        context.next();
    }

    private void onFailure(RoutingContext context) {
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        int status = context.statusCode() > 0 ? context.statusCode() : 500;
        String path = context.request().path();
        byte[] body;
        if (status == 413) {
            body = tooLargeBody(path);
        } else if (status >= 500) {
            LOGGER.errorf(context.failure(), "request %s failed with %d", path, status);
            body = shaped(path, status, "internal error", OpenAiErrors.SERVER, "internal_error");
        } else {
            body = shaped(path, status, "request rejected with status " + status, OpenAiErrors.INVALID_REQUEST,
                    "invalid_request");
        }
        context.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(body));
    }

    /** The 413 body, naming the configured limit, in the shape of the path's API. */
    byte[] tooLargeBody(String path) {
        return shaped(path, 413, "The request body is larger than " + limitText
                + " (switchboard.max-body-size / SWITCHBOARD_MAX_BODY_SIZE).", OpenAiErrors.INVALID_REQUEST,
                "request_too_large");
    }

    /** An error body in the shape of the API the path belongs to: Anthropic's under /v1/messages, else OpenAI's. */
    static byte[] shaped(String path, int status, String message, String type, String code) {
        return MessagesChat.servesPath(path) ? MessagesChat.errorBody(status, message)
                : OpenAiErrors.body(message, type, code);
    }
}
