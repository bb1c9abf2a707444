package dev.switchboard.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TcpReset;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One fake provider on a random loopback port that fails on request, speaking the wire formats of OpenAI
 * ({@code POST /v1/chat/completions}, JSON and {@code "stream": true} SSE), Anthropic ({@code POST /v1/messages}) and
 * Gemini ({@code POST /v1beta/models/{model}:generateContent} and {@code :streamGenerateContent?alt=sse}). What it does
 * is chosen by the model Switchboard sends (the target's {@code model} in the policy); the part of the model before a
 * {@code #} names the behaviour, so {@code ok#small} and {@code ok#large} both answer but are counted apart.
 *
 * <p>
 * OpenAI behaviours (JSON answer / stream answer):
 * <ul>
 * <li>{@code ok}: the chat fixture / the stream fixture, ending with {@code [DONE]}</li>
 * <li>{@code held}: nothing until {@link #release()}, then as {@code ok}</li>
 * <li>{@code 429-retry-after}, {@code 429}: 429 with / without {@code Retry-After: 7}</li>
 * <li>a status ({@code 408}, {@code 500}, {@code 502}, {@code 503}, {@code 504}, {@code 529}): that status with
 * OpenAI's server-error body</li>
 * <li>{@code 500-once}: 500 for the first request since {@link #reset()}, then as {@code ok}</li>
 * <li>{@code 429-once}: 429 with {@code Retry-After: 1} for the first request since {@link #reset()}, then as
 * {@code ok}</li>
 * <li>{@code flapping}: odd-numbered requests since {@link #reset()} get 503, even-numbered ones answer</li>
 * <li>{@code reset-before}: the connection is reset (TCP RST) before any byte of the answer</li>
 * <li>{@code reset-after-first}: half the body (its Content-Length says all) / the first event; then a reset</li>
 * <li>{@code truncated}: half the body (its Content-Length says all) / the first event; then the connection is
 * closed (FIN) without finishing the answer</li>
 * <li>{@code hang}: never answers</li>
 * <li>{@code slow-first-token}: the answer after {@link #SLOW_FIRST_TOKEN_MS} / the headers and a keep-alive comment
 * at once, the events after {@link #SLOW_FIRST_TOKEN_MS}</li>
 * <li>{@code stall}: half the body / the first event; then silence</li>
 * <li>{@code drip}: the headers and a space every {@link #DRIP_MS}, never finishing / an event every
 * {@link #DRIP_MS}, never finishing</li>
 * <li>{@code malformed-json}, {@code malformed-event-first}: a {@code 200 application/json} body that is not JSON / a
 * first data event that is not JSON</li>
 * <li>{@code malformed-event}: as {@code malformed-json} / the first event, then a data event that is not JSON</li>
 * <li>{@code no-choices}: a 200 chat completion without {@code choices} / as {@code ok}</li>
 * <li>{@code no-done}: as {@code ok} / every event but {@code [DONE]}, then a clean end of the response</li>
 * <li>{@code flood}: as {@code ok} / content events as fast as the connection takes them, up to
 * {@link #FLOOD_BYTES}, counted by {@link #floodedBytes()}</li>
 * <li>{@code context-length}: OpenAI's 400 {@code context_length_exceeded}</li>
 * <li>{@code content-filter}: OpenAI's 400 {@code content_filter}</li>
 * </ul>
 * Anthropic and Gemini serve {@code ok} (their fixtures) and {@code context-length} (their own 400 shapes).
 *
 * <p>
 * Counts requests per API and model, and open connections. Thread-safe.
 */
public final class FaultyUpstream implements AutoCloseable {

    /** Which API a request came in on. */
    public enum Api {
        OPENAI,
        ANTHROPIC,
        GEMINI
    }

    /** How long {@code slow-first-token} waits: well past the policy's 800ms first-token-timeout. */
    public static final long SLOW_FIRST_TOKEN_MS = 2500;
    /** The pause between the pieces of a {@code drip} answer: well inside the policy's idle-timeout. */
    public static final long DRIP_MS = 200;
    /** A {@code drip} answer gives up after this many pieces, so it never outlives the suite. */
    private static final int DRIP_LIMIT = 150;
    /** What a {@code flood} stream would send in all: far more than any buffer between it and its caller. */
    public static final long FLOOD_BYTES = 256L * 1024 * 1024;
    /** The pause between the last byte written and a reset or close, so that the bytes reach the client first. */
    private static final long BREAK_AFTER_MS = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger closing = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong flooded = new java.util.concurrent.atomic.AtomicLong();
    /** Requests whose answer is not finished (held, hanging, stalled, dripping): closed by {@link #reset()}. */
    private final Set<HttpServerRequest> pending = ConcurrentHashMap.newKeySet();
    private final Set<Runnable> held = ConcurrentHashMap.newKeySet();

    private final String chatJson = Fixtures.text("openai/chat-completion.json");
    private final List<String> chatEvents = events(Fixtures.text("openai/chat-completion-stream.sse"));

    public FaultyUpstream() throws InterruptedException, ExecutionException, TimeoutException {
        server = vertx.createHttpServer()
                .connectionHandler(this::opened)
                .requestHandler(request -> request.body().onSuccess(body -> handle(request, body)))
                .listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public int port() {
        return server.actualPort();
    }

    /** Requests for {@code model} on {@code api} since the last {@link #reset()}. */
    public int requests(Api api, String model) {
        AtomicInteger count = requests.get(key(api, model));
        return count == null ? 0 : count.get();
    }

    /** OpenAI chat requests for {@code model} since the last {@link #reset()}. */
    public int requests(String model) {
        return requests(Api.OPENAI, model);
    }

    /** Bytes of {@code flood} events the connection has taken since the last {@link #reset()}. */
    public long floodedBytes() {
        return flooded.get();
    }

    /** Connections from clients that are open now. */
    public int openConnections() {
        return openConnections.get();
    }

    /** Connections that {@link #reset()} is still closing. */
    public int closing() {
        return closing.get();
    }

    /** Lets every {@code held} request answer. */
    public void release() {
        List<Runnable> waiting = List.copyOf(held);
        held.removeAll(waiting);
        waiting.forEach(answer -> vertx.runOnContext(v -> answer.run()));
    }

    /**
     * Forgets the counts (so {@code 500-once} and {@code flapping} start over) and closes every answer still pending
     * from an earlier test.
     */
    public void reset() {
        requests.clear();
        flooded.set(0);
        held.clear();
        List<HttpServerRequest> leftovers = List.copyOf(pending);
        pending.removeAll(leftovers);
        closing.addAndGet(leftovers.size());
        leftovers.forEach(request -> vertx.runOnContext(v -> request.connection().close()
                .onComplete(done -> closing.decrementAndGet())));
    }

    private void opened(HttpConnection connection) {
        openConnections.incrementAndGet();
        connection.closeHandler(v -> openConnections.decrementAndGet());
    }

    private static String key(Api api, String model) {
        return api + "/" + model;
    }

    private int count(Api api, String model) {
        return requests.computeIfAbsent(key(api, model), k -> new AtomicInteger()).incrementAndGet();
    }

    private void handle(HttpServerRequest request, Buffer body) {
        String path = request.path();
        try {
            if (path.equals("/v1/chat/completions")) {
                JsonNode json = JSON.readTree(body.getBytes());
                String model = json.path("model").asText();
                openAi(request, model, json.path("stream").asBoolean(false), count(Api.OPENAI, model));
            } else if (path.equals("/v1/messages")) {
                JsonNode json = JSON.readTree(body.getBytes());
                String model = json.path("model").asText();
                count(Api.ANTHROPIC, model);
                anthropic(request, model, json.path("stream").asBoolean(false));
            } else if (path.startsWith("/v1beta/models/") && path.contains(":")) {
                String model = path.substring("/v1beta/models/".length(), path.lastIndexOf(':'));
                count(Api.GEMINI, model);
                gemini(request, model, path.endsWith(":streamGenerateContent"));
            } else {
                json(request, 404, "{\"error\":{\"message\":\"no such path " + path + "\"}}");
            }
        } catch (IOException e) {
            json(request, 400, "{\"error\":{\"message\":\"the fake cannot read the request body\"}}");
        }
    }

    private static String behaviour(String model) {
        int hash = model.indexOf('#');
        return hash < 0 ? model : model.substring(0, hash);
    }

    private void openAi(HttpServerRequest request, String model, boolean stream, int nth) {
        String behaviour = behaviour(model);
        switch (behaviour) {
            case "ok" -> ok(request, stream);
            case "held" -> {
                pending.add(request);
                held.add(() -> ok(request, stream));
            }
            case "429-retry-after" -> json(request, 429, Fixtures.text("openai/error-429.json"), "Retry-After", "7");
            case "429" -> json(request, 429, Fixtures.text("openai/error-429.json"));
            case "429-once" -> {
                if (nth == 1) {
                    json(request, 429, Fixtures.text("openai/error-429.json"), "Retry-After", "1");
                } else {
                    ok(request, stream);
                }
            }
            case "500-once" -> {
                if (nth == 1) {
                    json(request, 500, Fixtures.text("openai/error-500.json"));
                } else {
                    ok(request, stream);
                }
            }
            case "flapping" -> {
                if (nth % 2 == 1) {
                    json(request, 503, Fixtures.text("openai/error-500.json"));
                } else {
                    ok(request, stream);
                }
            }
            case "reset-before" -> TcpReset.of(request);
            case "reset-after-first" -> breakAfterFirst(request, stream, true);
            case "truncated" -> breakAfterFirst(request, stream, false);
            case "hang" -> pending.add(request);
            case "slow-first-token" -> slowFirstToken(request, stream);
            case "stall" -> stall(request, stream);
            case "drip" -> drip(request, stream);
            case "flood" -> {
                if (stream) {
                    flood(request);
                } else {
                    ok(request, false);
                }
            }
            case "malformed-json", "malformed-event-first" -> {
                if (stream) {
                    sse(request).end("data: " + fault("openai/malformed-event.txt") + "\n\n" + String.join("", chatEvents));
                } else {
                    json(request, 200, fault("openai/malformed-body.txt"));
                }
            }
            case "malformed-event" -> {
                if (stream) {
                    HttpServerResponse response = sse(request);
                    response.write(chatEvents.get(0));
                    response.end("data: " + fault("openai/malformed-event.txt") + "\n\n"
                            + String.join("", chatEvents.subList(1, chatEvents.size())));
                } else {
                    json(request, 200, fault("openai/malformed-body.txt"));
                }
            }
            case "no-choices" -> {
                if (stream) {
                    ok(request, true);
                } else {
                    json(request, 200, fault("openai/no-choices.json"));
                }
            }
            case "no-done" -> {
                if (stream) {
                    HttpServerResponse response = sse(request);
                    chatEvents.stream().filter(e -> !e.contains("[DONE]")).forEach(response::write);
                    response.end();
                } else {
                    ok(request, false);
                }
            }
            case "context-length" -> json(request, 400, fault("openai/context-length-exceeded.json"));
            case "content-filter" -> json(request, 400, fault("openai/content-filter.json"));
            default -> {
                if (behaviour.matches("[1-5][0-9][0-9]")) {
                    json(request, Integer.parseInt(behaviour), Fixtures.text("openai/error-500.json"));
                } else {
                    json(request, 400, "{\"error\":{\"message\":\"the fake knows no behaviour '" + behaviour
                            + "'\",\"type\":\"invalid_request_error\",\"code\":\"unknown_fault\"}}");
                }
            }
        }
    }

    private void anthropic(HttpServerRequest request, String model, boolean stream) {
        switch (behaviour(model)) {
            case "ok" -> {
                if (stream) {
                    sse(request).end(Fixtures.text("anthropic/message-stream.sse"));
                } else {
                    json(request, 200, Fixtures.text("anthropic/message.json"));
                }
            }
            case "context-length" -> json(request, 400, fault("anthropic/prompt-too-long.json"));
            default -> json(request, 400, Fixtures.text("anthropic/error-invalid-request.json"));
        }
    }

    private void gemini(HttpServerRequest request, String model, boolean stream) {
        switch (behaviour(model)) {
            case "ok" -> {
                if (stream) {
                    sse(request).end(Fixtures.text("gemini/stream-generate-content.sse"));
                } else {
                    json(request, 200, Fixtures.text("gemini/generate-content.json"));
                }
            }
            case "context-length" -> json(request, 400, fault("gemini/input-token-count.json"));
            default -> json(request, 400, Fixtures.text("gemini/error-invalid-argument.json"));
        }
    }

    private void ok(HttpServerRequest request, boolean stream) {
        pending.remove(request);
        if (request.response().closed()) {
            return;
        }
        if (stream) {
            HttpServerResponse response = sse(request);
            chatEvents.forEach(response::write);
            response.end();
        } else {
            json(request, 200, chatJson);
        }
    }

    private void breakAfterFirst(HttpServerRequest request, boolean stream, boolean reset) {
        if (stream) {
            sse(request).write(chatEvents.get(0));
        } else {
            halfBody(request);
        }
        vertx.setTimer(BREAK_AFTER_MS, t -> {
            if (reset) {
                TcpReset.of(request);
            } else {
                request.connection().close();
            }
        });
    }

    private void slowFirstToken(HttpServerRequest request, boolean stream) {
        pending.add(request);
        if (stream) {
            // the headers and a keep-alive at once: only a data event ends the wait for the first token
            sse(request).write(": keep-alive\n\n");
        }
        vertx.setTimer(SLOW_FIRST_TOKEN_MS, t -> {
            pending.remove(request);
            HttpServerResponse response = request.response();
            if (response.closed() || response.ended()) {
                return;
            }
            if (stream) {
                chatEvents.forEach(response::write);
                response.end();
            } else {
                json(request, 200, chatJson);
            }
        });
    }

    private void stall(HttpServerRequest request, boolean stream) {
        pending.add(request);
        if (stream) {
            sse(request).write(chatEvents.get(0));
        } else {
            halfBody(request);
        }
    }

    private void drip(HttpServerRequest request, boolean stream) {
        pending.add(request);
        HttpServerResponse response = stream ? sse(request)
                : request.response().setChunked(true).putHeader("Content-Type", "application/json");
        AtomicInteger pieces = new AtomicInteger();
        Runnable piece = () -> response.write(stream ? chatEvents.get(1) : " ");
        piece.run();
        vertx.setPeriodic(DRIP_MS, id -> {
            if (response.closed() || response.ended() || pieces.incrementAndGet() > DRIP_LIMIT) {
                vertx.cancelTimer(id);
                if (!response.closed()) {
                    request.connection().close();
                }
                return;
            }
            piece.run();
        });
    }

    /** Content events while the write queue has room; on its drain, more; up to {@link #FLOOD_BYTES}. */
    private void flood(HttpServerRequest request) {
        pending.add(request);
        HttpServerResponse response = sse(request);
        Buffer event = Buffer.buffer(chatEvents.get(1));
        Runnable[] fill = new Runnable[1];
        fill[0] = () -> {
            while (!response.closed() && !response.writeQueueFull() && flooded.get() < FLOOD_BYTES) {
                response.write(event);
                flooded.addAndGet(event.length());
            }
            if (!response.closed() && flooded.get() < FLOOD_BYTES) {
                response.drainHandler(drained -> fill[0].run());
            }
        };
        fill[0].run();
    }

    /** The headers say the whole chat answer follows; only its first half does. */
    private void halfBody(HttpServerRequest request) {
        byte[] body = chatJson.getBytes(StandardCharsets.UTF_8);
        request.response().setStatusCode(200)
                .putHeader("Content-Type", "application/json")
                .putHeader("Content-Length", Integer.toString(body.length))
                .write(Buffer.buffer(java.util.Arrays.copyOf(body, body.length / 2)));
    }

    private static HttpServerResponse sse(HttpServerRequest request) {
        return request.response().setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache");
    }

    private static void json(HttpServerRequest request, int status, String body, String... headers) {
        HttpServerResponse response = request.response();
        if (response.closed() || response.ended()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            response.putHeader(headers[i], headers[i + 1]);
        }
        response.end(body);
    }

    /** The SSE fixture as whole events, each with its blank line. */
    private static List<String> events(String sse) {
        return sse.lines().filter(l -> !l.isEmpty()).map(l -> l + "\n\n").toList();
    }

    /** A file under {@code src/test/resources/faults/}, byte for byte. */
    static String fault(String name) {
        try (InputStream in = FaultyUpstream.class.getClassLoader().getResourceAsStream("faults/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fault file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
