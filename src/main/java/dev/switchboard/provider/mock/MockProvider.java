package dev.switchboard.provider.mock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.config.MockConfig;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.schema.SseEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Answers chat, completion and embedding requests itself, in OpenAI's wire format, after {@code mock.latency}; streams
 * {@code mock.chunks} chunks {@code mock.chunk-delay} apart; fails with {@code mock.failure-status} at
 * {@code mock.failure-rate}. Nothing leaves the process. Thread-safe.
 */
public final class MockProvider implements Provider {

    private static final ObjectMapper JSON = new ObjectMapper();
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
        Uni<Reply> reply = Uni.createFrom().item(() -> answer(attempt));
        return mock.latency().isZero() ? reply : reply.onItem().delayIt().by(mock.latency());
    }

    private Reply answer(Attempt attempt) {
        if (mock.failureRate() > 0 && random.getAsDouble() < mock.failureRate()) {
            ObjectNode error = JSON.createObjectNode();
            error.putObject("error")
                    .put("message", "mock provider '" + spec.name() + "' simulated a failure")
                    .put("type", "server_error")
                    .put("code", "mock_failure");
            return new Reply.Complete(mock.failureStatus(), CONTENT_TYPE, bytes(error), null);
        }
        String id = (attempt.endpoint() == Endpoint.CHAT ? "chatcmpl-mock-" : "cmpl-mock-") + ids.incrementAndGet();
        long created = clock.instant().getEpochSecond();
        int promptTokens = Math.max(1, attempt.request().size() / 4);
        return switch (attempt.endpoint()) {
            case EMBEDDINGS -> new Reply.Complete(200, CONTENT_TYPE, embeddings(attempt, promptTokens), null);
            case CHAT, COMPLETIONS -> attempt.stream() ? stream(attempt, id, created)
                    : new Reply.Complete(200, CONTENT_TYPE, completion(attempt, id, created, promptTokens), null);
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

    private byte[] completion(Attempt attempt, String id, long created, int promptTokens) {
        String text = String.join("", pieces(attempt));
        boolean chat = attempt.endpoint() == Endpoint.CHAT;
        ObjectNode root = header(id, chat ? "chat.completion" : "text_completion", created, attempt.model());
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        if (chat) {
            choice.putObject("message").put("role", "assistant").put("content", text);
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        int completionTokens = Math.max(1, text.length() / 4);
        root.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return bytes(root);
    }

    private Reply stream(Attempt attempt, String id, long created) {
        boolean chat = attempt.endpoint() == Endpoint.CHAT;
        List<String> pieces = pieces(attempt);
        List<SseEvent> events = new ArrayList<>(pieces.size() + 2);
        for (int i = 0; i < pieces.size(); i++) {
            ObjectNode chunk = header(id, chat ? "chat.completion.chunk" : "text_completion", created, attempt.model());
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            if (chat) {
                ObjectNode delta = choice.putObject("delta");
                if (i == 0) {
                    delta.put("role", "assistant");
                }
                delta.put("content", pieces.get(i));
            } else {
                choice.put("text", pieces.get(i));
            }
            choice.putNull("finish_reason");
            events.add(SseEvent.data(chunk.toString()));
        }
        ObjectNode last = header(id, chat ? "chat.completion.chunk" : "text_completion", created, attempt.model());
        ObjectNode choice = last.putArray("choices").addObject().put("index", 0);
        if (chat) {
            choice.putObject("delta");
        } else {
            choice.put("text", "");
        }
        choice.put("finish_reason", "stop");
        events.add(SseEvent.data(last.toString()));
        events.add(SseEvent.data(SseEvent.DONE));

        Multi<SseEvent> rest = Multi.createFrom().iterable(events.subList(1, events.size()));
        Duration delay = mock.chunkDelay();
        if (!delay.isZero()) {
            rest = rest.onItem().call(e -> Uni.createFrom().voidItem().onItem().delayIt().by(delay));
        }
        return new Reply.Stream(events.get(0), rest);
    }

    private byte[] embeddings(Attempt attempt, int promptTokens) {
        int inputs = 1;
        int dimensions = 8;
        boolean base64 = false;
        try {
            JsonNode request = JSON.readTree(attempt.request().bytes());
            JsonNode input = request.path("input");
            inputs = input.isArray() ? Math.max(1, input.size()) : 1;
            dimensions = Math.max(1, Math.min(request.path("dimensions").asInt(8), 4096));
            base64 = "base64".equals(request.path("encoding_format").asText());
        } catch (IOException e) {
            // the router already checked the body is JSON; keep the defaults
        }
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < inputs; i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            // OpenAI's base64 format: little-endian float32 values, as the official SDKs request by default
            ByteBuffer packed = ByteBuffer.allocate(4 * dimensions).order(ByteOrder.LITTLE_ENDIAN);
            ArrayNode vector = base64 ? null : item.putArray("embedding");
            for (int d = 0; d < dimensions; d++) {
                float value = (float) (Math.sin(i + d + 1) / 2);
                if (base64) {
                    packed.putFloat(value);
                } else {
                    vector.add(value);
                }
            }
            if (base64) {
                item.put("embedding", Base64.getEncoder().encodeToString(packed.array()));
            }
        }
        root.put("model", attempt.model());
        root.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return bytes(root);
    }

    private static ObjectNode header(String id, String object, long created, String model) {
        return JSON.createObjectNode().put("id", id).put("object", object).put("created", created).put("model", model)
                .put("system_fingerprint", "switchboard-mock");
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
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
