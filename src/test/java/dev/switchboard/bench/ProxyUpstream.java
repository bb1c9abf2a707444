package dev.switchboard.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The fake OpenAI provider of {@link ProxyBenchmark}, on a random loopback port: {@code POST /v1/chat/completions}
 * answers the recorded chat completion at once (with {@code Content-Length}) or, for {@code "stream": true}, an SSE
 * stream of {@link #CHUNKS} chunks {@link #CHUNK_GAP_MS} ms apart, then {@code data: [DONE]}. Closing its {@code Vertx}
 * closes it.
 */
final class ProxyUpstream {

    static final int CHUNKS = 20;
    static final long CHUNK_GAP_MS = 5;

    private static final Buffer COMPLETION = Buffer.buffer(ChaosWire.COMPLETION.strip());
    private static final String COMPLETION_LENGTH = String.valueOf(COMPLETION.length());
    private static final List<Buffer> EVENTS = events();
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final Vertx vertx;
    private final HttpServer server;

    private ProxyUpstream(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    static ProxyUpstream start(Vertx vertx) throws Exception {
        ProxyUpstream[] self = new ProxyUpstream[1];
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                .setTcpNoDelay(true))
                .requestHandler(r -> self[0].handle(r))
                .exceptionHandler(e -> {
                })
                .listen()
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        self[0] = new ProxyUpstream(vertx, server);
        return self[0];
    }

    int port() {
        return server.actualPort();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** The chunks: the recording's first chunk's shape, one word of content each. */
    private static List<Buffer> events() {
        String first = ChaosWire.STREAM_EVENTS.get(1).substring("data: ".length()).strip();
        JsonNode template = ChaosWire.parse(first);
        if (!(template instanceof ObjectNode object)) {
            throw new IllegalStateException("cannot parse the recorded stream chunk: " + first);
        }
        List<Buffer> events = new ArrayList<>();
        for (int i = 0; i < CHUNKS; i++) {
            ObjectNode chunk = object.deepCopy();
            ObjectNode delta = (ObjectNode) chunk.path("choices").path(0).path("delta");
            delta.put("content", "word" + i + " ");
            events.add(Buffer.buffer("data: " + chunk + "\n\n", StandardCharsets.UTF_8.name()));
        }
        return List.copyOf(events);
    }

    private void handle(HttpServerRequest request) {
        request.exceptionHandler(e -> {
        });
        HttpServerResponse response = request.response();
        response.exceptionHandler(e -> {
        });
        if (!HttpMethod.POST.equals(request.method()) || !request.path().equals("/v1/chat/completions")) {
            response.setStatusCode(404).putHeader("Content-Type", "application/json")
                    .end("{\"error\":{\"message\":\"no such path\",\"type\":\"invalid_request_error\",\"code\":null}}");
            return;
        }
        request.body().onSuccess(body -> {
            JsonNode json = ChaosWire.parse(body.toString(StandardCharsets.UTF_8));
            if (json != null && json.path("stream").asBoolean(false)) {
                stream(response);
            } else {
                response.putHeader("Content-Type", "application/json").putHeader("Content-Length", COMPLETION_LENGTH)
                        .end(COMPLETION);
            }
        });
    }

    private void stream(HttpServerResponse response) {
        response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
        response.write(EVENTS.get(0));
        next(response, 1);
    }

    private void next(HttpServerResponse response, int i) {
        vertx.setTimer(CHUNK_GAP_MS, t -> {
            if (response.closed()) {
                return;
            }
            if (i < CHUNKS) {
                response.write(EVENTS.get(i));
                next(response, i + 1);
            } else {
                response.end(DONE);
            }
        });
    }
}
