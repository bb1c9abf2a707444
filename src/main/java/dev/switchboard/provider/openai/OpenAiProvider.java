package dev.switchboard.provider.openai;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.provider.StreamUsage;
import dev.switchboard.provider.UpstreamReplies;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.Usage;
import dev.switchboard.schema.openai.OpenAiUsage;
import dev.switchboard.upstream.UpstreamClient;
import dev.switchboard.upstream.UpstreamResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;

/**
 * An OpenAI-compatible provider: the caller's body goes upstream with only {@code model} replaced, and the answer
 * comes back as it is. Each successful body and stream event is scanned once, without building a tree: for its
 * {@code usage}, and to check that it is whole JSON (a truncated body or garbled event is the provider's failure).
 * Thread-safe.
 */
public final class OpenAiProvider implements Provider {

    private static final String RESPONSES = "responses";

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
        if (attempt.asks(Dialect.RESPONSES) && spec.responsesApi()) {
            return responses(attempt);
        }
        byte[] body = attempt.bodyForUpstream();
        String path = attempt.endpoint().path();
        return attempt.stream()
                ? UpstreamReplies.stream(spec, client.stream(path, body), OpenAiProvider::checked, OpenAiProvider::error)
                : UpstreamReplies.json(spec, client.call(path, body),
                        response -> answer(response, attempt.endpoint().answerField()), OpenAiProvider::error);
    }

    /**
     * A caller of Switchboard's {@code /v1/responses}, to an API that serves it: the caller's own body goes to
     * {@code responses} with the model replaced, and the answer (typed events for a stream) comes back unchanged, each
     * body and event checked to be whole JSON and read for its usage.
     */
    private Uni<Reply> responses(Attempt attempt) {
        byte[] body = attempt.passthrough().bodyFor(attempt.model());
        if (!attempt.passthrough().body().stream()) {
            return UpstreamReplies.json(spec, client.call(RESPONSES, body), response -> new Reply.Complete(
                    response.status(), response.contentType(), response.body(), response.retryAfter(),
                    OpenAiUsage.scan(response.body(), Dialect.RESPONSES.answerField()), Dialect.RESPONSES),
                    OpenAiProvider::relayed);
        }
        return UpstreamReplies.stream(spec, client.stream(RESPONSES, body), Dialect.RESPONSES,
                (events, usage) -> events.onItem().invoke(event -> {
                    if (event.isComment()) {
                        return;
                    }
                    usage.event();
                    OpenAiUsage.scan(event.data()); // whole JSON, or the stream fails as malformed
                    if ("response.completed".equals(event.name()) || "response.incomplete".equals(event.name())) {
                        Usage reported = OpenAiUsage.scanNested(event.data(), "response");
                        if (reported != null) {
                            usage.report(reported);
                        }
                    }
                }), OpenAiProvider::relayed);
    }

    private static Reply relayed(UpstreamResponse response) {
        return new Reply.Complete(response.status(), response.contentType(), response.body(), response.retryAfter(),
                null, Dialect.RESPONSES);
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
    public Uni<Reply> stored(HttpMethod method, String path) {
        if (!spec.responsesApi()) {
            return Provider.super.stored(method, path);
        }
        return UpstreamReplies.json(spec, client.exchange(method, path), OpenAiProvider::relayed,
                OpenAiProvider::relayed);
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
