package dev.switchboard.provider;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.schema.RequestBody;

/**
 * One try of a request against one provider.
 *
 * @param endpoint which operation
 * @param request the caller's request, never mutated: adapters build their own body from it
 * @param model the upstream model id to ask for
 * @param maxTokens the target's completion limit for APIs that require one, or 0 for the adapter's default
 */
public record Attempt(Endpoint endpoint, RequestBody request, String model, int maxTokens) {

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
