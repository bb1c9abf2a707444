package dev.switchboard.provider.openai;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.provider.StreamUsage;
import dev.switchboard.provider.UpstreamReplies;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.Usage;
import dev.switchboard.schema.openai.OpenAiUsage;
import dev.switchboard.upstream.UpstreamClient;
import dev.switchboard.upstream.UpstreamResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * An OpenAI-compatible provider: the caller's body goes upstream with only {@code model} replaced, and the answer
 * comes back as it is. Each successful body and stream event is scanned once, without building a tree: for its
 * {@code usage}, and to check that it is whole JSON (a truncated body or garbled event is the provider's failure).
 * Thread-safe.
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
                ? UpstreamReplies.stream(spec, client.stream(path, body), OpenAiProvider::checked, OpenAiProvider::error)
                : UpstreamReplies.json(spec, client.call(path, body),
                        response -> answer(response, attempt.endpoint().answerField()), OpenAiProvider::error);
    }

    /** A 2xx answer: whole JSON with the operation's answer array ({@code choices} or {@code data}), or malformed. */
    private static Reply answer(UpstreamResponse response, String answerField) {
        Usage usage = OpenAiUsage.scan(response.body(), answerField);
        return new Reply.Complete(response.status(), response.contentType(), response.body(), response.retryAfter(),
                usage);
    }

    private static Reply error(UpstreamResponse response) {
        return Reply.Complete.of(response.status(), response.contentType(), response.body(), response.retryAfter());
    }

    /** Passes events through unchanged, checking each data event and reporting the usage chunk when it comes. */
    private static Multi<SseEvent> checked(Multi<SseEvent> events, StreamUsage usage) {
        return events.onItem().invoke(event -> {
            if (event.isComment() || event.isDone()) {
                return;
            }
            usage.event();
            Usage reported = OpenAiUsage.scan(event.data());
            if (reported != null) {
                usage.report(reported);
            }
        });
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
