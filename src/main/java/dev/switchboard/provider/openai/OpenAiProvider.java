package dev.switchboard.provider.openai;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.provider.UpstreamReplies;
import dev.switchboard.upstream.UpstreamClient;
import dev.switchboard.upstream.UpstreamResponse;
import io.smallrye.mutiny.Uni;

/**
 * An OpenAI-compatible provider: the caller's body goes upstream with only {@code model} replaced, and the answer
 * comes back as it is. Thread-safe.
 */
public final class OpenAiProvider implements Provider {

    private final ProviderSpec spec;
    private final UpstreamClient client;

    public OpenAiProvider(ProviderSpec spec, UpstreamClient client) {
        this.spec = spec;
        this.client = client;
    }

    @Override
    public ProviderSpec spec() {
        return spec;
    }

    @Override
    public Uni<Reply> send(Attempt attempt) {
        byte[] body = attempt.bodyForUpstream();
        String path = attempt.endpoint().path();
        return attempt.stream()
                ? UpstreamReplies.stream(spec, client.stream(path, body), events -> events, OpenAiProvider::complete)
                : UpstreamReplies.json(spec, client.call(path, body), OpenAiProvider::complete, OpenAiProvider::complete);
    }

    private static Reply complete(UpstreamResponse response) {
        return new Reply.Complete(response.status(), response.contentType(), response.body(), response.retryAfter());
    }

    @Override
    public Uni<Integer> probe(String path) {
        return UpstreamReplies.probe(spec, client.get(path != null ? path : "/models"));
    }

    @Override
    public void close() {
        client.close();
    }
}
