package dev.switchboard.provider;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.schema.Passthrough;
import dev.switchboard.schema.RequestBody;

/**
 * One try of a request against one provider.
 *
 * @param endpoint which operation
 * @param request the caller's request, never mutated: adapters build their own body from it
 * @param model the upstream model id to ask for
 * @param maxTokens the target's completion limit for APIs that require one, or 0 for the adapter's default
 * @param passthrough the caller's request in its own client schema, when it came in one, else null
 */
public record Attempt(Endpoint endpoint, RequestBody request, String model, int maxTokens, Passthrough passthrough) {

    public Attempt(Endpoint endpoint, RequestBody request, String model, int maxTokens) {
        this(endpoint, request, model, maxTokens, null);
    }

    /** Whether the caller's own request is in {@code dialect}, for an adapter that serves that schema natively. */
    public boolean asks(Dialect dialect) {
        return passthrough != null && passthrough.dialect() == dialect;
    }

    public boolean stream() {
        return request.stream() && endpoint.streamable();
    }

    /** The caller's body with {@code model} replaced, everything else byte for byte. */
    public byte[] bodyForUpstream() {
        return request.withModel(model);
    }

    /** For messages. */
    public String describe(ProviderSpec provider) {
        return provider.name() + "/" + model;
    }
}
