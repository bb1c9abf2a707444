package dev.switchboard.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.testing.Fixtures;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * A fake OpenAI provider on a random loopback port that enforces limits the way real providers do, and says so the
 * way they do. The model Switchboard sends picks the limit, per model (so each test has its own):
 * <ul>
 * <li>{@code budget#…}: a budget of {@link #TOKEN_BUDGET} tokens per window (until {@link #reset()}), counted as
 * OpenAI counts a request against its tokens-per-minute limit: about a token per four bytes of the body, plus its
 * {@code max_tokens}. Every answer carries {@code x-ratelimit-remaining-tokens}, {@code x-ratelimit-reset-tokens},
 * {@code x-ratelimit-remaining-requests} and {@code x-ratelimit-reset-requests}; a request over the budget gets 429
 * with OpenAI's rate-limit body and the same headers.</li>
 * <li>{@code capped#…}: a hidden cap of {@link #CAP} requests in flight; each answer takes {@link #SERVICE_MS}; a
 * request past the cap gets 429 at once, with no rate-limit headers (the cap is not announced).</li>
 * </ul>
 * JSON answers are the chat fixture; {@code "stream": true} answers the stream fixture.
 */
final class LimitedUpstream implements AutoCloseable {

    static final int TOKEN_BUDGET = 3_000;
    static final int CAP = 3;
    static final long SERVICE_MS = 40;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final String chatJson = Fixtures.text("openai/chat-completion.json");
    private final String chatStream = Fixtures.text("openai/chat-completion-stream.sse");
    private final String rateLimited = Fixtures.text("openai/error-429.json");
    private final Map<String, AtomicInteger> spent = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> throttled = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();

    LimitedUpstream() throws InterruptedException, ExecutionException, TimeoutException {
        server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> handle(request, body)))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    /** Requests received for {@code model}. */
    int requests(String model) {
        return counter(received, model).get();
    }

    /** 429s sent for {@code model}. */
    int throttled(String model) {
        return counter(throttled, model).get();
    }

    /** The most requests for {@code model} that were in flight at once. */
    int peak(String model) {
        return counter(peak, model).get();
    }

    /** A new window: budgets full, counts at zero. */
    void reset() {
        spent.clear();
        received.clear();
        throttled.clear();
        peak.clear();
    }

    private static AtomicInteger counter(Map<String, AtomicInteger> counts, String model) {
        return counts.computeIfAbsent(model, k -> new AtomicInteger());
    }

    private void handle(HttpServerRequest request, Buffer body) {
        JsonNode json;
        try {
            json = JSON.readTree(body.getBytes());
        } catch (IOException e) {
            request.response().setStatusCode(400).end();
            return;
        }
        String model = json.path("model").asText();
        boolean stream = json.path("stream").asBoolean(false);
        counter(received, model).incrementAndGet();
        if (model.startsWith("budget#")) {
            int cost = (body.length() + 3) / 4 + json.path("max_tokens").asInt(0);
            AtomicInteger used = counter(spent, model);
            int after = used.addAndGet(cost);
            boolean over = after > TOKEN_BUDGET;
            if (over) {
                used.addAndGet(-cost);
            }
            HttpServerResponse response = request.response()
                    .putHeader("x-ratelimit-limit-tokens", Integer.toString(TOKEN_BUDGET))
                    .putHeader("x-ratelimit-remaining-tokens", Integer.toString(TOKEN_BUDGET - used.get()))
                    .putHeader("x-ratelimit-reset-tokens", "59s")
                    .putHeader("x-ratelimit-remaining-requests", "9999")
                    .putHeader("x-ratelimit-reset-requests", "6ms");
            if (over) {
                counter(throttled, model).incrementAndGet();
                answer(response, 429, "application/json", rateLimited);
            } else {
                ok(response, stream);
            }
        } else if (model.startsWith("capped#")) {
            AtomicInteger current = counter(inFlight, model);
            int now = current.incrementAndGet();
            counter(peak, model).accumulateAndGet(now, Math::max);
            if (now > CAP) {
                current.decrementAndGet();
                counter(throttled, model).incrementAndGet();
                answer(request.response(), 429, "application/json", rateLimited);
                return;
            }
            vertx.setTimer(SERVICE_MS, id -> {
                current.decrementAndGet();
                ok(request.response(), stream);
            });
        } else {
            answer(request.response(), 404, "application/json", "{\"error\":{\"message\":\"unknown model\"}}");
        }
    }

    private void ok(HttpServerResponse response, boolean stream) {
        if (stream) {
            answer(response, 200, "text/event-stream", chatStream);
        } else {
            answer(response, 200, "application/json", chatJson);
        }
    }

    private static void answer(HttpServerResponse response, int status, String contentType, String body) {
        if (!response.closed()) {
            response.setStatusCode(status).putHeader("Content-Type", contentType)
                    .end(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Override
    public void close() throws ExecutionException, TimeoutException {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
