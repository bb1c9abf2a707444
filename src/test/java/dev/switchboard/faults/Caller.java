package dev.switchboard.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The application calling Switchboard: chat requests to the proxy's test port, and reads of the management port.
 * Every answer is read to its end (a stream until Switchboard ends it) and timed.
 */
final class Caller {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Far longer than any answer of the suite: a caller that waits this long has found a hang. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private Caller() {
    }

    static URI proxy(String path) {
        return URI.create("http://127.0.0.1:"
                + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class) + path);
    }

    static URI management(String path) {
        return URI.create("http://127.0.0.1:"
                + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class) + path);
    }

    /** A chat request for {@code route}, streamed or not, read to its end. */
    static Answer chat(String route, boolean stream) {
        return chatAsync(route, stream).join();
    }

    static CompletableFuture<Answer> chatAsync(String route, boolean stream) {
        return chatAsync(route, stream, Map.of());
    }

    /** A chat request with extra request headers, read to its end. */
    static Answer chat(String route, boolean stream, Map<String, String> headers) {
        return chatAsync(route, stream, headers).join();
    }

    static CompletableFuture<Answer> chatAsync(String route, boolean stream, Map<String, String> headers) {
        return chatAsync(route, stream, headers, 0);
    }

    /** A chat request that allows {@code maxTokens} output tokens ({@code max_tokens}; 0: not sent). */
    static CompletableFuture<Answer> chatAsync(String route, boolean stream, Map<String, String> headers,
            int maxTokens) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(proxy("/v1/chat/completions"));
        headers.forEach(builder::header);
        HttpRequest request = builder
                .timeout(PATIENCE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + route + "\",\"stream\":" + stream
                        + (maxTokens > 0 ? ",\"max_tokens\":" + maxTokens : "")
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"))
                .build();
        long start = System.nanoTime();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> new Answer(
                response.statusCode(), response.headers(), response.body(),
                Duration.ofNanos(System.nanoTime() - start)));
    }

    /** A GET on the management port; its body. */
    static String manage(String path) {
        HttpRequest request = HttpRequest.newBuilder(management(path)).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The router-health API's entry of provider {@code name}. */
    static JsonNode providerHealth(String name) {
        for (JsonNode provider : Expect.parse(manage("/api/v1/admin/router/health")).path("providers")) {
            if (provider.path("name").asText().equals(name)) {
                return provider;
            }
        }
        throw new AssertionError("no provider " + name + " in the router-health API");
    }

    /** A call of the admin API: {@code method} with a JSON {@code body} (null: none). */
    static Answer admin(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(management(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers(), response.body(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the caller got: status, headers, the whole body, and how long it took to the end of the body. */
    record Answer(int status, HttpHeaders headers, String body, Duration elapsed) {

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String contentType() {
            return header("content-type");
        }

        /** {@code x-switchboard-attempts}. */
        String attempts() {
            return header("x-switchboard-attempts");
        }

        /** {@code x-switchboard-provider}. */
        String provider() {
            return header("x-switchboard-provider");
        }

        /** {@code x-switchboard-model}. */
        String model() {
            return header("x-switchboard-model");
        }

        /** The {@code data:} payloads of a stream, in order. */
        List<String> data() {
            return body.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("the answer is not JSON: " + body, e);
            }
        }

        long millis() {
            return elapsed.toMillis();
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + headers.map() + " after " + elapsed.toMillis() + "ms: " + body;
        }
    }
}
