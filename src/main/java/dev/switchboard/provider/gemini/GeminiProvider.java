package dev.switchboard.provider.gemini;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.OpenAiFormat;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.provider.UpstreamReplies;
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
        JsonNode request = OpenAiFormat.read(attempt.request().bytes());
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
                        OpenAiFormat.bytes(GeminiTranslation.embedRequest(request, model))),
                        response -> new Reply.Complete(200, CONTENT_TYPE, OpenAiFormat.bytes(GeminiTranslation
                                .embedResponse(OpenAiFormat.readOrNull(response.body()), model, base64, tokens)), null),
                        GeminiProvider::error);
            }
            case COMPLETIONS -> {
                return UpstreamReplies.unsupported(spec, "does not serve /v1/completions; use chat.");
            }
            default -> {
                byte[] body = OpenAiFormat.bytes(GeminiTranslation.request(request));
                if (!attempt.stream()) {
                    return UpstreamReplies.json(spec, client.call(base + ":generateContent", body),
                            response -> new Reply.Complete(200, CONTENT_TYPE, OpenAiFormat.bytes(GeminiTranslation
                                    .response(OpenAiFormat.readOrNull(response.body()), model, id, created)), null),
                            GeminiProvider::error);
                }
                GeminiStream translator = new GeminiStream(id, model, created, OpenAiFormat.includeUsage(request));
                return UpstreamReplies.stream(spec, client.stream(base + ":streamGenerateContent?alt=sse", body),
                        events -> events.onItem().transformToIterable(translator::translate)
                                .onCompletion().continueWith(translator::finish),
                        GeminiProvider::error);
            }
        }
    }

    private static Reply error(UpstreamResponse response) {
        return new Reply.Complete(response.status(), CONTENT_TYPE, OpenAiFormat.bytes(GeminiTranslation.error(
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
