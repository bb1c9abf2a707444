package dev.switchboard.provider.gemini;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.provider.UpstreamReplies;
import dev.switchboard.schema.Usage;
import dev.switchboard.schema.openai.OpenAiFormat;
import dev.switchboard.schema.openai.OpenAiRequests;
import dev.switchboard.upstream.UpstreamClient;
import dev.switchboard.upstream.UpstreamResponse;
import io.smallrye.mutiny.Uni;

/**
 * {@code type: gemini}: chat becomes {@code POST {base-url}/v1beta/models/{model}:generateContent} (or
 * {@code :streamGenerateContent?alt=sse}), embeddings {@code :embedContent} / {@code :batchEmbedContents}, with
 * {@code x-goog-api-key}; answers come back in OpenAI's format. Legacy {@code /v1/completions} is not served.
 * Thread-safe.
 */
public final class GeminiProvider implements Provider {

    private static final String CONTENT_TYPE = "application/json";

    private final ProviderSpec spec;
    private final UpstreamClient client;
    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();

    public GeminiProvider(ProviderSpec spec, UpstreamClient client, Clock clock) {
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
        JsonNode request = attempt.request().tree();
        String model = attempt.model();
        String base = "v1beta/models/" + model;
        long created = clock.instant().getEpochSecond();
        String id = "chatcmpl-gemini-" + Long.toHexString(created) + "-" + ids.incrementAndGet();
        switch (attempt.endpoint()) {
            case EMBEDDINGS -> {
                boolean batch = request.path("input").isArray();
                boolean base64 = "base64".equals(request.path("encoding_format").asText());
                int tokens = attempt.request().estimatedPromptTokens();
                return UpstreamReplies.json(spec, client.call(base + (batch ? ":batchEmbedContents" : ":embedContent"),
                        OpenAiFormat.bytes(GeminiEmbeddings.embedRequest(request, model))),
                        response -> new Reply.Complete(200, CONTENT_TYPE, OpenAiFormat.bytes(GeminiEmbeddings.embedResponse(
                                OpenAiFormat.readAnswer(response.body()), model, base64, tokens)), null,
                                Usage.estimate(tokens, 0)),
                        GeminiProvider::error);
            }
            case COMPLETIONS -> {
                return UpstreamReplies.unsupported(spec, "does not serve /v1/completions; use chat.");
            }
            default -> {
                byte[] body = OpenAiFormat.bytes(GeminiChat.request(request));
                if (!attempt.stream()) {
                    return UpstreamReplies.json(spec, client.call(base + ":generateContent", body),
                            response -> answer(response, model, id, created), GeminiProvider::error);
                }
                boolean includeUsage = OpenAiRequests.includeUsage(request);
                return UpstreamReplies.stream(spec, client.stream(base + ":streamGenerateContent?alt=sse", body),
                        (events, usage) -> {
                            GeminiStream translator = new GeminiStream(id, model, created, includeUsage, usage);
                            return events.onItem().transformToIterable(translator::translate)
                                    .onCompletion().continueWith(translator::finish);
                        }, GeminiProvider::error);
            }
        }
    }

    private static Reply answer(UpstreamResponse response, String model, String id, long created) {
        JsonNode answer = OpenAiFormat.readAnswer(response.body());
        return new Reply.Complete(200, CONTENT_TYPE, OpenAiFormat.bytes(GeminiChat.response(answer, model, id, created)),
                null, GeminiChat.usage(answer.path("usageMetadata")));
    }

    private static Reply error(UpstreamResponse response) {
        return Reply.Complete.of(response.status(), CONTENT_TYPE, OpenAiFormat.bytes(GeminiChat.error(
                OpenAiFormat.readOrNull(response.body()), response.status())), response.retryAfter());
    }

    @Override
    public Uni<Integer> probe(String path) {
        return UpstreamReplies.probe(spec, client.get(path != null ? path : "/v1beta/models"));
    }

    @Override
    public void close() {
        client.close();
    }
}
