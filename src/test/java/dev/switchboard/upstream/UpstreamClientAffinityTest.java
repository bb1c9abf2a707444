package dev.switchboard.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.config.DefaultsConfig;
import dev.switchboard.config.HealthConfig;
import dev.switchboard.config.MockConfig;
import dev.switchboard.config.RateLimitConfig;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.testing.Fixtures;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;

/**
 * A request goes out on a connection of the event loop that made it: with one pool shared by the event loops, a
 * connection opened by one loop served the other's requests, and every request then hopped between threads.
 */
class UpstreamClientAffinityTest {

    private static final byte[] CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            .getBytes(StandardCharsets.UTF_8);

    private Vertx vertx;
    private HttpServer provider;
    /** The caller's port of the connection each request arrived on, in arrival order. */
    private final List<Integer> connections = new CopyOnWriteArrayList<>();
    private UpstreamClient client;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        String completion = Fixtures.text("openai/chat-completion.json");
        provider = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            connections.add(request.connection().remoteAddress().port());
            request.response().putHeader("Content-Type", "application/json").end(completion);
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ProviderSpec spec = new ProviderSpec("affinity", "openai", "http://127.0.0.1:" + provider.actualPort() + "/v1",
                null, "Authorization", Map.of(), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), 0,
                DefaultsConfig.BUILT_IN_BREAKER, RateLimitConfig.BUILT_IN, HealthConfig.BUILT_IN, MockConfig.DEFAULT);
        client = UpstreamClient.create(spec, io.vertx.mutiny.core.Vertx.newInstance(vertx), null);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Calls the provider from {@code context}'s event loop and waits for the answer's status. */
    private int callFrom(Context context) throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        context.runOnContext(ignored -> client.call("chat/completions", CHAT)
                .subscribe().with(response -> status.complete(response.status()), status::completeExceptionally));
        return status.get(10, TimeUnit.SECONDS);
    }

    /** A new event-loop context: Vert.x hands each thread outside it a context of the next event loop, and keeps it. */
    private Context newContext() throws Exception {
        CompletableFuture<Context> context = new CompletableFuture<>();
        Thread thread = new Thread(() -> context.complete(vertx.getOrCreateContext()));
        thread.start();
        return context.get(10, TimeUnit.SECONDS);
    }

    private static Thread threadOf(Context context) throws Exception {
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        context.runOnContext(ignored -> thread.complete(Thread.currentThread()));
        return thread.get(10, TimeUnit.SECONDS);
    }

    @Test
    void eachEventLoopKeepsToItsOwnConnection() throws Exception {
        Context first = newContext();
        Context second = newContext();
        assertThat(threadOf(first)).isNotSameAs(threadOf(second));

        // one at a time, alternating: a pool shared by both loops would hand its one idle connection to each in turn
        List<Context> order = List.of(first, second, first, second, first, second);
        for (Context context : order) {
            assertThat(callFrom(context)).isEqualTo(200);
        }

        assertThat(connections).hasSize(order.size());
        List<Integer> fromFirst = new ArrayList<>();
        List<Integer> fromSecond = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            (order.get(i) == first ? fromFirst : fromSecond).add(connections.get(i));
        }
        assertThat(fromFirst).containsOnly(fromFirst.get(0));
        assertThat(fromSecond).containsOnly(fromSecond.get(0));
        assertThat(fromFirst.get(0)).isNotEqualTo(fromSecond.get(0));
    }

    @Test
    void callsOffTheEventLoopsAreServedTooAndNoneAfterClose() throws Exception {
        assertThat(client.call("chat/completions", CHAT).await().atMost(Duration.ofSeconds(10)).status())
                .isEqualTo(200);
        Context loop = newContext();
        assertThat(callFrom(loop)).isEqualTo(200);

        client.close();

        assertThatThrownBy(() -> callFrom(loop)).isInstanceOf(ExecutionException.class);
        assertThat(connections).hasSize(2);
    }
}
