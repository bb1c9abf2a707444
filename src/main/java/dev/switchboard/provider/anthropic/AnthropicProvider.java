package dev.switchboard.provider.anthropic;

import java.time.Clock;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.provider.UpstreamReplies;
import dev.switchboard.schema.Endpoint;
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

    private static Reply answer(UpstreamResponse response, long created) {
        JsonNode message = OpenAiFormat.readAnswer(response.body());
        Usage usage = AnthropicChat.usage(message.path("usage"));
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
