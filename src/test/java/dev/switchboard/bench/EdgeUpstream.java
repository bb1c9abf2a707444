package dev.switchboard.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 * The fake OpenAI provider of the edge benchmark, on a random loopback port. The model Switchboard sends picks how it
 * behaves (the part before {@code #}); every model is counted apart:
 * <ul>
 * <li>{@code steady}: answers after {@value #STEADY_MS} ms</li>
 * <li>{@code instant}: answers at once (JSON), for the cost of Switchboard's own work</li>
 * <li>{@code late10}: every tenth request's first token is {@value #LATE_MS} ms late, the others answer as
 * {@code steady}</li>
 * <li>{@code budget}: a budget of {@value #BUDGET_TOKENS} tokens per {@value #WINDOW_MS} ms window (a request costs
 * about a token per four bytes plus its {@code max_tokens}, as OpenAI counts it), reported on every answer in
 * OpenAI's {@code x-ratelimit-*} headers; a request over it gets 429</li>
 * <li>{@code capped}: a hidden cap of {@value #CAP} requests in flight, each {@value #STEADY_MS} ms; 429 past it, with no
 * rate-limit headers</li>
 * <li>{@code mix}: a fault mix by turns: no answer ever, a first token 3 s late, 503 at once, or as {@code steady}</li>
 * </ul>
 * A {@code "stream": true} request gets its headers at once and the stream fixture's events when its first token is
 * due.
 */
final class EdgeUpstream implements AutoCloseable {

    static final long STEADY_MS = 40;
    static final long LATE_MS = 1_500;
    static final int BUDGET_TOKENS = 8_000;
    static final long WINDOW_MS = 5_000;
    static final int CAP = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final String chatJson = Fixtures.text("openai/chat-completion.json");
    private final String chatStream = Fixtures.text("openai/chat-completion-stream.sse");
    private final String rateLimited = Fixtures.text("openai/error-429.json");
    private final String serverError = Fixtures.text("openai/error-500.json");
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> throttled = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, long[]> budgets = new ConcurrentHashMap<>();
    private final long started = System.currentTimeMillis();

    EdgeUpstream() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> handle(request, body)))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    int received(String model) {
        return count(received, model).get();
    }

    int throttled(String model) {
        return count(throttled, model).get();
    }

    private static AtomicInteger count(Map<String, AtomicInteger> counts, String model) {
        return counts.computeIfAbsent(model, k -> new AtomicInteger());
    }

    private void handle(HttpServerRequest request, Buffer body) {
        JsonNode json;
        try {
            json = JSON.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            request.response().setStatusCode(400).end();
            return;
        }
        String model = json.path("model").asText();
        boolean stream = json.path("stream").asBoolean(false);
        int nth = count(received, model).incrementAndGet();
        HttpServerResponse response = request.response();
        switch (model.substring(0, Math.max(0, model.indexOf('#') < 0 ? model.length() : model.indexOf('#')))) {
            case "steady" -> answer(response, stream, STEADY_MS);
            case "instant" -> end(response, 200, "application/json", chatJson);
            case "late10" -> answer(response, stream, nth % 10 == 0 ? LATE_MS : STEADY_MS);
            case "budget" -> budget(response, model, stream, (body.length() + 3) / 4 + json.path("max_tokens").asInt());
            case "capped" -> capped(response, model, stream);
            case "mix" -> {
                switch (nth % 4) {
                    case 0 -> {
                        // never answers; the connection stays open until Switchboard gives up on it
                    }
                    case 1 -> answer(response, stream, 3_000);
                    case 2 -> end(response, 503, "application/json", serverError);
                    default -> answer(response, stream, STEADY_MS);
                }
            }
            default -> end(response, 404, "application/json", "{\"error\":{\"message\":\"unknown model\"}}");
        }
    }

    private void budget(HttpServerResponse response, String model, boolean stream, int cost) {
        long now = System.currentTimeMillis();
        long window = (now - started) / WINDOW_MS;
        long resetIn = WINDOW_MS - (now - started) % WINDOW_MS;
        long[] state = budgets.computeIfAbsent(model, k -> new long[] { -1, 0 });
        boolean over;
        long left;
        synchronized (state) {
            if (state[0] != window) {
                state[0] = window;
                state[1] = 0;
            }
            over = state[1] + cost > BUDGET_TOKENS;
            if (!over) {
                state[1] += cost;
            }
            left = BUDGET_TOKENS - state[1];
        }
        response.putHeader("x-ratelimit-limit-tokens", Integer.toString(BUDGET_TOKENS))
                .putHeader("x-ratelimit-remaining-tokens", Long.toString(left))
                .putHeader("x-ratelimit-reset-tokens", resetIn + "ms")
                .putHeader("x-ratelimit-remaining-requests", "9999").putHeader("x-ratelimit-reset-requests", "10ms");
        if (over) {
            count(throttled, model).incrementAndGet();
            end(response, 429, "application/json", rateLimited);
        } else {
            answer(response, stream, STEADY_MS);
        }
    }

    private void capped(HttpServerResponse response, String model, boolean stream) {
        AtomicInteger current = count(inFlight, model);
        if (current.incrementAndGet() > CAP) {
            current.decrementAndGet();
            count(throttled, model).incrementAndGet();
            end(response, 429, "application/json", rateLimited);
            return;
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                current.decrementAndGet();
            }
        };
        response.closeHandler(v -> release.run());
        response.endHandler(v -> release.run());
        answer(response, stream, STEADY_MS);
    }

    private void answer(HttpServerResponse response, boolean stream, long delayMs) {
        if (stream) {
            response.setChunked(true).putHeader("Content-Type", "text/event-stream");
            response.write(": keep-alive\n\n");
            vertx.setTimer(delayMs, id -> {
                if (!response.closed()) {
                    response.end(chatStream);
                }
            });
        } else {
            vertx.setTimer(delayMs, id -> end(response, 200, "application/json", chatJson));
        }
    }

    private static void end(HttpServerResponse response, int status, String contentType, String body) {
        if (!response.closed() && !response.ended()) {
            response.setStatusCode(status).putHeader("Content-Type", contentType)
                    .end(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Override
    public void close() throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
