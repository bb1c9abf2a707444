package dev.switchboard.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.schema.MalformedBodyException;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.testing.Fixtures;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;

/**
 * An upstream event stream read from a real HTTP answer: events as they arrive however the bytes are cut, a read only
 * as fast as the subscriber asks, the provider's silence (not the caller's slowness) failing it, and a bound on what
 * one line may hold.
 */
class SseEventStreamTest {

    private static final String RECORDED = Fixtures.text("openai/chat-completion-stream.sse");

    private Vertx vertx;
    private HttpServer provider;
    private HttpClient client;
    /** What the fake provider does with each answer. */
    private volatile Consumer<HttpServerResponse> answer;
    private final CompletableFuture<Void> providerSawClose = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        provider = vertx.createHttpServer().requestHandler(request -> {
            request.connection().closeHandler(v -> providerSawClose.complete(null));
            HttpServerResponse response = request.response().setChunked(true)
                    .putHeader("Content-Type", "text/event-stream");
            answer.accept(response);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = vertx.createHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Opens the stream and subscribes to its events, asking for {@code initial} of them. */
    private AssertSubscriber<SseEvent> open(long idleMillis, int maxLine, long initial) throws Exception {
        CompletableFuture<SseEventStream> stream = new CompletableFuture<>();
        client.request(HttpMethod.POST, provider.actualPort(), "127.0.0.1", "/v1/chat/completions")
                .onComplete(ar -> {
                    if (ar.failed()) {
                        stream.completeExceptionally(ar.cause());
                        return;
                    }
                    HttpClientRequest request = ar.result();
                    request.send("{}").onComplete(sent -> {
                        if (sent.failed()) {
                            stream.completeExceptionally(sent.cause());
                            return;
                        }
                        HttpClientResponse response = sent.result();
                        stream.complete(new SseEventStream(vertx, request, response, idleMillis, maxLine));
                    });
                });
        return Multi.createFrom().publisher(stream.get(10, TimeUnit.SECONDS)).subscribe()
                .withSubscriber(AssertSubscriber.create(initial));
    }

    /** Sends {@code text} in pieces of {@code size} bytes, one per event-loop turn, then ends the answer. */
    private void sendInPieces(HttpServerResponse response, byte[] text, int size, int from) {
        if (from >= text.length) {
            response.end();
            return;
        }
        int to = Math.min(text.length, from + size);
        response.write(Buffer.buffer().appendBytes(text, from, to - from));
        vertx.setTimer(1, id -> sendInPieces(response, text, size, to));
    }

    @Test
    void eventsArriveWholeHoweverTheBytesAreCut() throws Exception {
        // CRLF line ends and 7-byte pieces: lines and multi-byte characters cut across reads
        String text = RECORDED.replace("\n", "\r\n").replace("Hello", "Hellö ✓");
        answer = response -> sendInPieces(response, text.getBytes(StandardCharsets.UTF_8), 7, 0);

        AssertSubscriber<SseEvent> events = open(5_000, SseEventStream.MAX_LINE, Long.MAX_VALUE);

        events.awaitCompletion(Duration.ofSeconds(20));
        List<SseEvent> expected = Fixtures.sseEvents("openai/chat-completion-stream.sse");
        assertThat(events.getItems()).hasSize(expected.size());
        assertThat(events.getItems()).extracting(SseEvent::data).containsExactlyElementsOf(expected.stream()
                .map(e -> e.data().replace("Hello", "Hellö ✓")).toList());
        assertThat(events.getItems().get(events.getItems().size() - 1).isDone()).isTrue();
    }

    @Test
    void aCallerSlowerThanTheIdleTimeoutIsNotTakenForASilentProvider() throws Exception {
        answer = response -> response.end(RECORDED);
        AssertSubscriber<SseEvent> events = open(200, SseEventStream.MAX_LINE, 1);
        events.awaitItems(1, Duration.ofSeconds(10));

        // the caller takes three idle-timeouts to ask for the next event; the provider has long sent everything
        CompletableFuture<Void> later = new CompletableFuture<>();
        vertx.setTimer(600, id -> later.complete(null));
        later.get(10, TimeUnit.SECONDS);
        assertThat(events.getFailure()).isNull();
        events.request(Long.MAX_VALUE);

        events.awaitCompletion(Duration.ofSeconds(10));
        assertThat(events.getItems()).hasSize(Fixtures.sseEvents("openai/chat-completion-stream.sse").size());
    }

    @Test
    void aProviderSilentWhileWaitedOnFailsTheStreamAfterItsIdleTimeoutAndTheRequestIsReset() throws Exception {
        String first = RECORDED.substring(0, RECORDED.indexOf("\n\n") + 2);
        answer = response -> response.write(first);

        long start = System.nanoTime();
        AssertSubscriber<SseEvent> events = open(300, SseEventStream.MAX_LINE, Long.MAX_VALUE);

        events.awaitFailure(Duration.ofSeconds(10));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(events.getItems()).hasSize(1);
        assertThat(events.getFailure()).isInstanceOf(TimeoutException.class).hasMessageContaining("idle-timeout");
        providerSawClose.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLineLongerThanTheBoundFailsTheStreamAsMalformedWithoutWaitingForItsEnd() throws Exception {
        byte[] piece = "x".repeat(1024).getBytes(StandardCharsets.UTF_8);
        // a line that never ends: 1 KiB at a time for as long as the connection is open
        answer = response -> {
            response.write("data: ");
            long timer = vertx.setPeriodic(1, id -> response.write(Buffer.buffer(piece)));
            response.closeHandler(v -> vertx.cancelTimer(timer));
        };

        AssertSubscriber<SseEvent> events = open(5_000, 64 * 1024, Long.MAX_VALUE);

        events.awaitFailure(Duration.ofSeconds(20));
        assertThat(events.getItems()).isEmpty();
        assertThat(events.getFailure()).isInstanceOf(MalformedBodyException.class).hasMessageContaining("65536 bytes");
        providerSawClose.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSecondSubscriberIsRefused() throws Exception {
        answer = response -> response.end(RECORDED);
        CompletableFuture<SseEventStream> stream = new CompletableFuture<>();
        client.request(HttpMethod.POST, provider.actualPort(), "127.0.0.1", "/v1/chat/completions")
                .compose(request -> request.send("{}").map(response -> new SseEventStream(vertx, request, response,
                        5_000)))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        stream.complete(ar.result());
                    } else {
                        stream.completeExceptionally(ar.cause());
                    }
                });
        Multi<SseEvent> events = Multi.createFrom().publisher(stream.get(10, TimeUnit.SECONDS));
        AssertSubscriber<SseEvent> first = events.subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        AssertSubscriber<SseEvent> second = events.subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));

        second.awaitFailure(Duration.ofSeconds(10));
        assertThat(second.getFailure()).hasMessageContaining("only once");
        first.awaitCompletion(Duration.ofSeconds(10));
    }
}
