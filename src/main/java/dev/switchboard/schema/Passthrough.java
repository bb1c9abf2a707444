package dev.switchboard.schema;

/**
 * A request in a client schema that some providers serve natively: each attempt to such a provider sends the caller's
 * own body there (model replaced) and relays the answer unchanged; an attempt to any other provider sends the request's
 * chat-completions translation.
 *
 * @param dialect the client schema ({@link Dialect#ANTHROPIC} for {@code /v1/messages}, {@link Dialect#RESPONSES}
 *        for {@code /v1/responses})
 * @param body the caller's body
 * @param required whether only a native attempt can serve the request (it asks for state a provider keeps:
 *        {@code store}, {@code previous_response_id}); then other targets are left out of the plan
 * @param provider the one provider that may serve it (the one that keeps the state it refers to), or null for any
 */
public record Passthrough(Dialect dialect, RequestBody body, boolean required, String provider) {

    /** The caller's body with {@code model} replaced, everything else byte for byte. */
    public byte[] bodyFor(String model) {
        return body.withModel(model);
    }
}
