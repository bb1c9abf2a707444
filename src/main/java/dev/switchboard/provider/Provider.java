package dev.switchboard.provider;

import dev.switchboard.model.ProviderSpec;
import io.smallrye.mutiny.Uni;

/**
 * A provider adapter: translates an OpenAI-format attempt to its API and the answer back. One instance per provider in
 * the policy, shared by all requests; thread-safe, non-blocking.
 */
public interface Provider extends AutoCloseable {

    ProviderSpec spec();

    /**
     * Sends one attempt. The {@code Uni} fails for transport problems (connect, reset, timeout after
     * {@link ProviderSpec#timeout()}); any HTTP answer, error statuses included, is an item. For a stream the item is a
     * {@link Reply.Stream} once the first data event arrived, or a {@link Reply.Complete} when the provider refused.
     */
    Uni<Reply> send(Attempt attempt);

    /**
     * A zero-token health probe: {@code GET} of {@code path} below the provider's API root (a model listing), never a
     * completion. The item is the HTTP status; transport problems fail the {@code Uni}.
     *
     * @param path the configured path, or null for the API's own model listing
     */
    Uni<Integer> probe(String path);

    /** Releases connections; in-flight requests may fail. */
    @Override
    void close();
}
