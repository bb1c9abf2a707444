package dev.switchboard.provider;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.openai.OpenAiErrors;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;

/**
 * A provider adapter: translates an OpenAI-format attempt to its API and the answer back. One instance per provider in
 * the policy, shared by all requests; thread-safe, non-blocking.
 */
public interface Provider extends AutoCloseable {

    ProviderSpec spec();

    /**
     * Whether requests in {@code dialect} pass through to {@code spec}'s provider unchanged: Anthropic's Messages to an
     * {@code anthropic} provider, OpenAI's Responses to an {@code openai} provider with {@code responses-api: true};
     * OpenAI's chat format to every provider.
     */
    static boolean serves(ProviderSpec spec, Dialect dialect) {
        return switch (dialect) {
            case OPENAI -> true;
            case ANTHROPIC -> spec.type().equals("anthropic");
            case RESPONSES -> spec.type().equals("openai") && spec.responsesApi();
        };
    }

    /**
     * Sends one attempt. The {@code Uni} fails for transport problems (connect, reset, timeout after
     * {@link ProviderSpec#timeout()}); any HTTP answer, error statuses included, is an item. For a stream the item is a
     * {@link Reply.Stream} once the first data event arrived, or a {@link Reply.Complete} when the provider refused.
     */
    Uni<Reply> send(Attempt attempt);

    /**
     * A bodyless call to a stored object of the provider's ({@code GET}/{@code DELETE responses/{id}}, {@code POST
     * responses/{id}/cancel}), answered as it is; providers that keep nothing answer 404.
     *
     * @param path below the API root, without a leading slash
     */
    default Uni<Reply> stored(HttpMethod method, String path) {
        return Uni.createFrom().item(Reply.Complete.of(404, "application/json", OpenAiErrors.body("Provider '"
                + spec().name() + "' (type " + spec().type() + ") keeps no stored objects.", OpenAiErrors.INVALID_REQUEST,
                "not_found"), null));
    }

    /**
     * The provider's own count of a request's input tokens ({@code POST /v1/messages/count_tokens} of an Anthropic
     * body, model replaced), for providers that serve it; others answer 404 and the caller gets Switchboard's
     * estimate.
     */
    default Uni<Reply> countTokens(byte[] body) {
        return Uni.createFrom().item(Reply.Complete.of(404, "application/json", OpenAiErrors.body("Provider '"
                + spec().name() + "' (type " + spec().type() + ") does not count tokens.", OpenAiErrors.INVALID_REQUEST,
                "not_found"), null));
    }

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
