package dev.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Samples the proxy's router-health API during the run, to tell how often each provider's breaker was open (or the
 * provider paused after a 429), i.e. how much of the time its faults were hidden from the traffic.
 */
final class ChaosBreakers implements AutoCloseable {

    private final HttpClient client;
    private final HttpRequest request;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "chaos-breakers");
        thread.setDaemon(true);
        return thread;
    });
    /** provider -> state ("closed", "open", "half_open", "paused") -> samples; guarded by itself. */
    private final Map<String, Map<String, Integer>> samples = new TreeMap<>();
    private final ScheduledFuture<?> task;
    private int taken;

    ChaosBreakers(HttpClient client, URI routerHealth, Duration every) {
        this.client = client;
        this.request = HttpRequest.newBuilder(routerHealth).timeout(Duration.ofSeconds(2)).build();
        this.task = scheduler.scheduleWithFixedDelay(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sample() {
        try {
            JsonNode health = ChaosWire.parse(client.send(request, HttpResponse.BodyHandlers.ofString()).body());
            if (health == null) {
                return;
            }
            synchronized (samples) {
                for (JsonNode provider : health.path("providers")) {
                    Map<String, Integer> counts = samples.computeIfAbsent(provider.path("name").asText(),
                            k -> new TreeMap<>());
                    counts.merge(provider.path("breaker").asText("?"), 1, Integer::sum);
                    if (provider.path("paused").asBoolean(false)) {
                        counts.merge("paused", 1, Integer::sum);
                    }
                }
                taken++;
            }
        } catch (IOException e) {
            // a missed sample
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** e.g. {@code a: closed 50, open 3, half_open 1, paused 7 (of 54 samples)}, one line per provider. */
    String summary() {
        StringBuilder out = new StringBuilder();
        synchronized (samples) {
            samples.forEach((provider, counts) -> {
                out.append("  ").append(provider).append(": ");
                StringBuilder states = new StringBuilder();
                counts.forEach((state, n) -> states.append(states.length() == 0 ? "" : ", ").append(state).append(' ')
                        .append(n));
                out.append(states).append(" (of ").append(taken).append(" samples)\n");
            });
        }
        return out.toString();
    }

    @Override
    public void close() {
        task.cancel(false);
        scheduler.shutdownNow();
    }
}
