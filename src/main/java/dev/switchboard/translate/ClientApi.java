package dev.switchboard.translate;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.InvalidRequestException;

/**
 * One client schema served by translation to chat completions: the request on the way in, the answer (JSON or
 * stream, success or error) on the way out. Stateless; thread-safe.
 */
public interface ClientApi {

    /**
     * The chat completions request for the caller's body.
     *
     * @throws InvalidRequestException for a request this schema cannot serve statelessly (400)
     */
    ObjectNode toChat(JsonNode request);

    /**
     * The router's answer in this schema: a chat completion or a chat stream becomes this schema's object or events;
     * an error keeps its status, headers and message in this schema's error shape.
     *
     * @param request the caller's original request (echoed where the schema echoes it)
     */
    ProxyResponse fromChat(ProxyResponse chat, JsonNode request);

    /** The schema's wire format, as a provider that serves it natively answers in it. */
    Dialect dialect();

    /**
     * An answer a provider gave in this schema itself (passed through): unchanged, but for the error event that
     * Switchboard adds to a stream that ends early, which is rewritten to this schema's error event.
     */
    ProxyResponse fromNative(ProxyResponse served);

    /** The router's answer in this schema: {@link #fromNative} when a provider served the schema, else translated. */
    default ProxyResponse fromRouted(ProxyResponse routed, JsonNode request) {
        return routed.dialect() == dialect() ? fromNative(routed) : fromChat(routed, request);
    }

    /** An error of Switchboard's own (bad input, refused) in this schema's shape. */
    ProxyResponse error(int status, String message, String code, Map<String, List<String>> headers);
}
