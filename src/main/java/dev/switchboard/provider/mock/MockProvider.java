package dev.switchboard.provider.mock;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.config.MockConfig;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Faults;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.provider.StreamUsage;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.Usage;
import dev.switchboard.schema.openai.OpenAiErrors;
import dev.switchboard.schema.openai.OpenAiFormat;
import dev.switchboard.schema.openai.OpenAiRequests;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Answers chat, completion and embedding requests itself, in OpenAI's wire format, after {@code mock.latency}; streams
 * {@code mock.chunks} chunks {@code mock.chunk-delay} apart, with a final usage chunk when the caller asks for
 * {@code stream_options.include_usage} (as real providers do); fails at {@code mock.failure-rate}, with
 * {@code mock.failure-status} or, when set, the {@code mock.fault} a failover drill would inject. Nothing leaves the
 * process. Thread-safe.
 */
public final class MockProvider implements Provider {

    private static final String CONTENT_TYPE = "application/json";

    private final ProviderSpec spec;
    private final MockConfig mock;
    private final DoubleSupplier random;
    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();

    public MockProvider(ProviderSpec spec) {
        this(spec, () -> ThreadLocalRandom.current().nextDouble(), Clock.systemUTC());
    }

    /** With a random source (values in [0,1)) and clock that tests can fix. */
    public MockProvider(ProviderSpec spec, DoubleSupplier random, Clock clock) {
        this.spec = spec;
        this.mock = spec.mock();
        this.random = random;
        this.clock = clock;
    }

    @Override
    public ProviderSpec spec() {
        return spec;
    }

    @Override
    public Uni<Reply> send(Attempt attempt) {
        boolean fails = mock.failureRate() > 0 && random.getAsDouble() < mock.failureRate();
        if (fails && mock.fault() != null) {
            return Faults.apply(mock.fault(), spec, () -> delayed(attempt, false));
        }
        return delayed(attempt, fails);
    }

    /** The answer after {@code mock.latency}. */
    private Uni<Reply> delayed(Attempt attempt, boolean fails) {
        Uni<Reply> reply = Uni.createFrom().item(() -> answer(attempt, fails));
        return mock.latency().isZero() ? reply : reply.onItem().delayIt().by(mock.latency());
    }

    private Reply answer(Attempt attempt, boolean fails) {
        if (fails) {
            return Reply.Complete.of(mock.failureStatus(), CONTENT_TYPE, OpenAiErrors.body(
                    "mock provider '" + spec.name() + "' simulated a failure", OpenAiErrors.SERVER, "mock_failure"), null);
        }
        String id = (attempt.endpoint() == Endpoint.CHAT ? "chatcmpl-mock-" : "cmpl-mock-") + ids.incrementAndGet();
        long created = clock.instant().getEpochSecond();
        int promptTokens = Math.max(1, attempt.request().size() / 4);
        return switch (attempt.endpoint()) {
            case EMBEDDINGS -> embeddings(attempt, promptTokens);
            case CHAT, COMPLETIONS -> attempt.stream() ? stream(attempt, id, created, promptTokens)
                    : completion(attempt, id, created, promptTokens);
        };
    }

    private List<String> pieces(Attempt attempt) {
        String text = "This is a mock answer from provider " + spec.name() + " for model " + attempt.model() + ".";
        String[] words = text.split(" ");
        int chunks = Math.min(mock.chunks(), words.length);
        List<String> pieces = new ArrayList<>(chunks);
        int perChunk = (int) Math.ceil(words.length / (double) chunks);
        for (int start = 0; start < words.length; start += perChunk) {
            int end = Math.min(words.length, start + perChunk);
            String piece = String.join(" ", List.of(words).subList(start, end));
            pieces.add(start == 0 ? piece : " " + piece);
        }
        return pieces;
    }

    private static Usage usage(int promptTokens, String text) {
        return Usage.of(promptTokens, Math.max(1, text.length() / 4));
    }

    private Reply completion(Attempt attempt, String id, long created, int promptTokens) {
        String text = String.join("", pieces(attempt));
        Usage usage = usage(promptTokens, text).answeredBy(attempt.model());
        ObjectNode root = attempt.endpoint() == Endpoint.CHAT
                ? OpenAiFormat.completion(id, created, attempt.model(),
                        OpenAiFormat.assistantMessage(text, OpenAiFormat.array()), "stop", OpenAiFormat.usage(usage))
                : OpenAiFormat.textCompletion(id, created, attempt.model(), text, "stop", OpenAiFormat.usage(usage));
        root.put("system_fingerprint", "switchboard-mock");
        return new Reply.Complete(200, CONTENT_TYPE, OpenAiFormat.bytes(root), null, usage);
    }

    private Reply stream(Attempt attempt, String id, long created, int promptTokens) {
        boolean chat = attempt.endpoint() == Endpoint.CHAT;
        List<String> pieces = pieces(attempt);
        List<SseEvent> events = new ArrayList<>(pieces.size() + 3);
        for (int i = 0; i < pieces.size(); i++) {
            events.add(OpenAiFormat.event(chunk(chat, id, created, attempt.model(), pieces.get(i), i == 0, null)));
        }
        events.add(OpenAiFormat.event(chunk(chat, id, created, attempt.model(), chat ? null : "", false, "stop")));
        Usage usage = usage(promptTokens, String.join("", pieces)).answeredBy(attempt.model());
        if (OpenAiRequests.includeUsage(attempt.request().tree())) {
            events.add(OpenAiFormat.event(OpenAiFormat.usageChunk(id, chat ? "chat.completion.chunk" : "text_completion",
                    created, attempt.model(), usage)));
        }
        events.add(SseEvent.data(SseEvent.DONE));
        StreamUsage reported = new StreamUsage();
        reported.report(usage);
        Multi<SseEvent> rest = Multi.createFrom().iterable(events.subList(1, events.size()))
                .onItem().invoke(event -> reported.event());
        Duration delay = mock.chunkDelay();
        if (!delay.isZero()) {
            rest = rest.onItem().call(e -> Uni.createFrom().voidItem().onItem().delayIt().by(delay));
        }
        return new Reply.Stream(events.get(0), rest, reported);
    }

    /** One chunk: a chat delta (the first with the role), or a legacy completion's text; {@code text} may be null. */
    private static ObjectNode chunk(boolean chat, String id, long created, String model, String text, boolean first,
            String finishReason) {
        ObjectNode chunk;
        if (chat) {
            chunk = OpenAiFormat.chunk(id, created, model);
            ObjectNode delta = OpenAiFormat.delta(chunk);
            if (first) {
                delta.put("role", "assistant");
            }
            if (text != null) {
                delta.put("content", text);
            }
        } else {
            chunk = OpenAiFormat.textCompletion(id, created, model, text, null, null);
        }
        if (finishReason != null) {
            OpenAiFormat.finish(chunk, finishReason);
        }
        return chunk.put("system_fingerprint", "switchboard-mock");
    }

    private Reply embeddings(Attempt attempt, int promptTokens) {
        JsonNode request = attempt.request().tree();
        JsonNode input = request.path("input");
        int inputs = input.isArray() ? Math.max(1, input.size()) : 1;
        int dimensions = Math.max(1, Math.min(request.path("dimensions").asInt(8), 4096));
        float[][] vectors = new float[inputs][dimensions];
        for (int i = 0; i < inputs; i++) {
            for (int d = 0; d < dimensions; d++) {
                vectors[i][d] = (float) (Math.sin(i + d + 1) / 2);
            }
        }
        boolean base64 = "base64".equals(request.path("encoding_format").asText());
        return new Reply.Complete(200, CONTENT_TYPE, OpenAiFormat.bytes(OpenAiFormat.embeddings(attempt.model(), vectors,
                base64, promptTokens)), null, Usage.of(promptTokens, 0));
    }

    /** Answers as a mock API would: 200, or the failure status when the mock always fails. */
    @Override
    public Uni<Integer> probe(String path) {
        return Uni.createFrom().item(mock.failureRate() >= 1.0 ? mock.failureStatus() : 200);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
