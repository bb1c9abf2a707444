package dev.switchboard.testing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake OpenAI-compatible provider on a random loopback port that streams the chat fixture under the test's control:
 * model {@code held} sends the first events and waits for {@link #release()}; model {@code break} sends the first
 * events and then closes the connection.
 */
public final class StreamingFake implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger aborted = new AtomicInteger();
    private volatile CompletableFuture<Void> release = new CompletableFuture<>();

    public StreamingFake() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> handle(request, body.getBytes())))
                .listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public int port() {
        return server.actualPort();
    }

    /** Streams whose connection was closed by the client before they ended. */
    public int abortedStreams() {
        return aborted.get();
    }

    public int requests() {
        return requests.get();
    }

    /** Lets a held stream finish. */
    public void release() {
        release.complete(null);
    }

    public boolean released() {
        return release.isDone();
    }

    /** Forgets requests and re-arms the hold. */
    public void reset() {
        requests.set(0);
        aborted.set(0);
        release = new CompletableFuture<>();
    }

    private void handle(HttpServerRequest request, byte[] body) {
        requests.incrementAndGet();
        String model;
        try {
            model = JSON.readTree(body).path("model").asText();
        } catch (java.io.IOException e) {
            request.response().setStatusCode(400).end();
            return;
        }
        List<String> events = Fixtures.text("openai/chat-completion-stream.sse").lines()
                .filter(l -> !l.isEmpty()).map(l -> l + "\n\n").toList();
        var response = request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
        response.closeHandler(v -> {
            if (!response.ended()) {
                aborted.incrementAndGet();
            }
        });
        response.write(events.get(0));
        response.write(events.get(1));
        if (model.equals("break")) {
            vertx.setTimer(50, t -> request.connection().close());
            return;
        }
        CompletableFuture<Void> hold = release;
        CompletableFuture<Void> unused = hold.whenComplete((v, e) -> vertx.runOnContext(x -> {
            if (!response.closed()) {
                events.subList(2, events.size()).forEach(response::write);
                response.end();
            }
        }));
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
