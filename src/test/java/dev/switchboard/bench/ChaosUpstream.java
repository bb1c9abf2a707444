package dev.switchboard.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.testing.TcpReset;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * A fake OpenAI-compatible provider on a random loopback port: {@code POST /v1/chat/completions}, JSON or SSE by the
 * body's {@code stream}. A share {@code faultRate} of its attempts (drawn from a seeded random) gets a
 * {@link ChaosFault}, each equally likely; the others get the recorded answer at once. Closing its {@code Vertx}
 * closes it.
 */
final class ChaosUpstream {

    /** Lets written bytes reach the proxy before a reset or close. */
    private static final long FLUSH_MS = 20;
    /** How long after the proxy's timeout a hung or stalled connection is left before the fake closes it itself. */
    private static final long HOLD_GRACE_MS = 3000;
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String APPLICATION_JSON = "application/json";

    private final Vertx vertx;
    private final String name;
    private final double faultRate;
    private final List<ChaosFault> faults;
    private final Random random;
    private final Duration timeout;
    private final ChaosLedger ledger;
    private volatile HttpServer server;

    private ChaosUpstream(Vertx vertx, String name, double faultRate, List<ChaosFault> faults, long seed,
            Duration timeout, ChaosLedger ledger) {
        this.vertx = vertx;
        this.name = name;
        this.faultRate = faults.isEmpty() ? 0 : faultRate;
        this.faults = List.copyOf(faults);
        this.random = new Random(seed);
        this.timeout = timeout;
        this.ledger = ledger;
    }

    /**
     * @param faults the faults to draw from, each equally likely
     * @param timeout the proxy's per-attempt timeout: a slow first token comes 1.5 s after it, and a hung connection
     *        the proxy has not closed 3 s after it counts as left open
     */
    static ChaosUpstream start(Vertx vertx, String name, double faultRate, List<ChaosFault> faults, long seed,
            Duration timeout, ChaosLedger ledger) throws Exception {
        ChaosUpstream upstream = new ChaosUpstream(vertx, name, faultRate, faults, seed, timeout, ledger);
        upstream.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(upstream::handle)
                // resets and closes by the proxy are expected here
                .exceptionHandler(e -> {
                })
                .listen()
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return upstream;
    }

    String name() {
        return name;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    private void handle(HttpServerRequest request) {
        request.exceptionHandler(e -> {
        });
        request.response().exceptionHandler(e -> {
        });
        if (!HttpMethod.POST.equals(request.method()) || !request.path().equals("/v1/chat/completions")) {
            request.response().setStatusCode(404).putHeader(CONTENT_TYPE, APPLICATION_JSON)
                    .end("{\"error\":{\"message\":\"no such path\",\"type\":\"invalid_request_error\",\"code\":null}}");
            return;
        }
        request.body().onSuccess(body -> respond(request, body));
    }

    private ChaosFault draw() {
        synchronized (random) {
            if (random.nextDouble() >= faultRate) {
                return null;
            }
            return faults.get(random.nextInt(faults.size()));
        }
    }

    private static boolean warmup(JsonNode body) {
        return body != null && body.path("user").asText("").startsWith("warmup-");
    }

    private static int id(JsonNode body) {
        String user = body == null ? "" : body.path("user").asText("");
        if (!user.startsWith("chaos-")) {
            return -1;
        }
        try {
            return Integer.parseInt(user.substring("chaos-".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void respond(HttpServerRequest request, Buffer body) {
        JsonNode json = ChaosWire.parse(body.toString(StandardCharsets.UTF_8));
        boolean stream = json != null && json.path("stream").asBoolean(false);
        if (warmup(json)) {
            ledger.recordWarmup(name);
            answer(request.response(), stream);
            return;
        }
        ChaosFault fault = draw();
        ledger.record(id(json), name, stream, fault);
        HttpServerResponse response = request.response();
        if (fault == null) {
            answer(response, stream);
            return;
        }
        switch (fault) {
            case RATE_LIMITED_RETRY_AFTER -> response.putHeader("Retry-After", "1")
                    .setStatusCode(429).putHeader(CONTENT_TYPE, APPLICATION_JSON).end(ChaosWire.RATE_LIMITED);
            case RATE_LIMITED -> error(response, 429, ChaosWire.RATE_LIMITED);
            case SERVER_ERROR -> error(response, 500, ChaosWire.SERVER_ERROR);
            case UNAVAILABLE -> error(response, 503, ChaosWire.UNAVAILABLE);
            case RESET_BEFORE_BYTES -> TcpReset.of(request);
            case RESET_MID_ANSWER -> {
                firstPart(response, stream);
                later(response, () -> TcpReset.of(request));
            }
            case HANG -> hold(request);
            case SLOW_FIRST_TOKEN -> vertx.setTimer(timeout.toMillis() + 1500, t -> {
                if (!response.closed()) {
                    ledger.lateAnswerWritten();
                    answer(response, stream);
                }
            });
            case STALL -> {
                firstPart(response, stream);
                hold(request);
            }
            case CUT_BODY -> {
                firstPart(response, stream);
                if (stream) {
                    String second = ChaosWire.STREAM_EVENTS.get(1);
                    response.write(second.substring(0, second.length() / 2));
                }
                later(response, () -> request.connection().close());
            }
            case MALFORMED_FIRST -> {
                if (stream) {
                    startStream(response).write(ChaosWire.MALFORMED_EVENT);
                    ChaosWire.STREAM_EVENTS.forEach(response::write);
                    response.end();
                } else {
                    response.putHeader(CONTENT_TYPE, APPLICATION_JSON).end("{\"id\":");
                }
            }
            case MALFORMED_LATER -> {
                if (stream) {
                    firstPart(response, stream);
                    response.write(ChaosWire.MALFORMED_EVENT);
                    ChaosWire.STREAM_EVENTS.subList(1, ChaosWire.STREAM_EVENTS.size()).forEach(response::write);
                    response.end();
                } else {
                    response.putHeader(CONTENT_TYPE, APPLICATION_JSON).end(firstHalf());
                }
            }
            case NO_END -> {
                if (stream) {
                    startStream(response);
                    ChaosWire.STREAM_EVENTS.subList(0, ChaosWire.STREAM_EVENTS.size() - 1).forEach(response::write);
                    response.end();
                } else {
                    response.setChunked(true).putHeader(CONTENT_TYPE, APPLICATION_JSON).write(ChaosWire.COMPLETION);
                    later(response, () -> request.connection().close());
                }
            }
            case CLOSE_BEFORE_BYTES -> request.connection().close();
        }
    }

    private static void answer(HttpServerResponse response, boolean stream) {
        if (stream) {
            startStream(response);
            ChaosWire.STREAM_EVENTS.forEach(response::write);
            response.end();
        } else {
            response.putHeader(CONTENT_TYPE, APPLICATION_JSON).end(ChaosWire.COMPLETION);
        }
    }

    private static void error(HttpServerResponse response, int status, String body) {
        response.setStatusCode(status).putHeader(CONTENT_TYPE, APPLICATION_JSON).end(body);
    }

    private static HttpServerResponse startStream(HttpServerResponse response) {
        return response.setChunked(true).putHeader(CONTENT_TYPE, "text/event-stream").putHeader("Cache-Control",
                "no-cache");
    }

    private static Buffer firstHalf() {
        Buffer whole = Buffer.buffer(ChaosWire.COMPLETION);
        return whole.getBuffer(0, whole.length() / 2);
    }

    /** The part of the answer before a mid-answer fault: the first event, or half the body (headers say all of it). */
    private static void firstPart(HttpServerResponse response, boolean stream) {
        if (stream) {
            startStream(response).write(ChaosWire.STREAM_EVENTS.get(0));
        } else {
            response.putHeader(CONTENT_TYPE, APPLICATION_JSON)
                    .putHeader("Content-Length", String.valueOf(Buffer.buffer(ChaosWire.COMPLETION).length()))
                    .write(firstHalf());
        }
    }

    private void later(HttpServerResponse response, Runnable action) {
        vertx.setTimer(FLUSH_MS, t -> {
            if (!response.closed()) {
                action.run();
            }
        });
    }

    /** Keeps the request unanswered; the proxy is expected to give up (and close) after its timeout. */
    private void hold(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        ledger.holdStarted();
        vertx.setTimer(timeout.toMillis() + HOLD_GRACE_MS, t -> {
            if (!response.closed()) {
                ledger.leftOpen();
                request.connection().close();
            }
            ledger.holdChecked();
        });
    }

}
