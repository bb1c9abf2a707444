package dev.switchboard.provider.anthropic;

import java.time.Clock;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.provider.UpstreamReplies;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.schema.MalformedBodyException;
import dev.switchboard.schema.Usage;
import dev.switchboard.schema.openai.OpenAiFormat;
import dev.switchboard.schema.openai.OpenAiRequests;
import dev.switchboard.upstream.UpstreamClient;
import dev.switchboard.upstream.UpstreamResponse;
import io.smallrye.mutiny.Uni;

/**
 * {@code type: anthropic}: OpenAI chat requests become {@code POST {base-url}/v1/messages} (with {@code x-api-key}
 * and {@code anthropic-version}), and the answers, streams included, come back in OpenAI's format. Serves
 * {@code /v1/chat/completions} only. Thread-safe.
 */
public final class AnthropicProvider implements Provider {

    private static final String MESSAGES = "v1/messages";
    private static final String CONTENT_TYPE = "application/json";

    private final ProviderSpec spec;
    private final UpstreamClient client;
    private final Clock clock;

    public AnthropicProvider(ProviderSpec spec, UpstreamClient client, Clock clock) {
        this.spec = spec;
        this.client = client;
        this.clock = clock;
    }

    @Override
    public ProviderSpec spec() {
        return spec;
    }

    @Override
    public Uni<Reply> send(Attempt attempt) {
        if (attempt.endpoint() != Endpoint.CHAT) {
            return UpstreamReplies.unsupported(spec, "serves only /v1/chat/completions.");
        }
        if (attempt.asks(Dialect.ANTHROPIC)) {
            return passThrough(attempt);
        }
        JsonNode chat = attempt.request().tree();
        byte[] body = OpenAiFormat.bytes(AnthropicChat.request(chat, attempt.model(), attempt.maxTokens(),
                attempt.stream()));
        long created = clock.instant().getEpochSecond();
        if (!attempt.stream()) {
            return UpstreamReplies.json(spec, client.call(MESSAGES, body), response -> answer(response, created),
                    AnthropicProvider::error);
        }
        boolean includeUsage = OpenAiRequests.includeUsage(chat);
        return UpstreamReplies.stream(spec, client.stream(MESSAGES, body), (events, usage) -> {
            AnthropicStream translator = new AnthropicStream(created, includeUsage, usage);
            return events.onItem().transformToIterable(translator::translate);
        }, AnthropicProvider::error);
    }

    /**
     * A caller of Switchboard's {@code /v1/messages}: its own body goes to {@code /v1/messages} with the model
     * replaced, and the answer (stream event by event) comes back unchanged; the events are read for usage and checked
     * to be whole JSON on the way, by the same translator a chat caller's stream goes through.
     */
    private Uni<Reply> passThrough(Attempt attempt) {
        byte[] body = attempt.passthrough().bodyFor(attempt.model());
        if (!attempt.passthrough().body().stream()) {
            return UpstreamReplies.json(spec, client.call(MESSAGES, body), response -> {
                JsonNode message = OpenAiFormat.readAnswer(response.body());
                if (!message.path("content").isArray()) {
                    throw new MalformedBodyException("the answer has no 'content' array");
                }
                return new Reply.Complete(response.status(), CONTENT_TYPE, response.body(), null,
                        AnthropicChat.usage(message.path("usage")).answeredBy(message.path("model").asText(null)),
                        Dialect.ANTHROPIC);
            }, AnthropicProvider::relayed);
        }
        long created = clock.instant().getEpochSecond();
        return UpstreamReplies.stream(spec, client.stream(MESSAGES, body), Dialect.ANTHROPIC, (events, usage) -> {
            AnthropicStream reader = new AnthropicStream(created, false, usage);
            return events.onItem().invoke(event -> reader.translate(event));
        }, AnthropicProvider::relayed);
    }

    @Override
    public Uni<Reply> countTokens(byte[] body) {
        return UpstreamReplies.json(spec, client.call(MESSAGES + "/count_tokens", body), response -> {
            OpenAiFormat.readAnswer(response.body()); // whole JSON, or malformed
            return relayed(response);
        }, AnthropicProvider::relayed);
    }

    /** An answer for a caller of {@code /v1/messages} (an error too): Anthropic's own body, unchanged. */
    private static Reply relayed(UpstreamResponse response) {
        return new Reply.Complete(response.status(), CONTENT_TYPE, response.body(), response.retryAfter(), null,
                Dialect.ANTHROPIC);
    }

    private static Reply answer(UpstreamResponse response, long created) {
        JsonNode message = OpenAiFormat.readAnswer(response.body());
        Usage usage = AnthropicChat.usage(message.path("usage")).answeredBy(message.path("model").asText(null));
        return new Reply.Complete(response.status(), CONTENT_TYPE,
                OpenAiFormat.bytes(AnthropicChat.response(message, created, usage)), null, usage);
    }

    private static Reply error(UpstreamResponse response) {
        return Reply.Complete.of(response.status(), CONTENT_TYPE, OpenAiFormat.bytes(AnthropicChat.error(
                OpenAiFormat.readOrNull(response.body()), response.status())), response.retryAfter());
    }

    @Override
    public Uni<Integer> probe(String path) {
        return UpstreamReplies.probe(spec, client.get(path != null ? path : "/v1/models"));
    }

    @Override
    public void close() {
        client.close();
    }
}
