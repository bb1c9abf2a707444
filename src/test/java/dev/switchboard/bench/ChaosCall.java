package dev.switchboard.bench;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One chat request to the proxy, as a caller sends it, and everything the caller got: status, headers, the bytes of
 * the body (also when the connection broke halfway), the error, and the time until the answer ended.
 */
final class ChaosCall {

    /**
     * What one caller got. {@code status == 0}: no status line arrived; {@code start} is {@link System#nanoTime()} when
     * it was sent, {@code nanos} how long until the answer ended.
     */
    record Result(int id, boolean stream, int status, String contentType, String attempts, String provider,
            long start, long nanos, String body, Throwable error, boolean timedOut) {
    }

    private ChaosCall() {
    }

    /**
     * A chat request for {@code model}; {@code user} carries the request id to the fakes ({@code chaos-<id>}), or
     * {@code warmup-<i>} for requests they leave out of their counts.
     */
    static String body(String model, String user, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello (" + user
                + ")\"}],\"user\":\"" + user + "\",\"stream\":" + stream + "}";
    }

    /** Sends request {@code id} of the route; the future always completes normally, within {@code deadline}. */
    static CompletableFuture<Result> send(HttpClient client, URI uri, int id, boolean stream, Duration deadline) {
        return send(client, uri, id, stream, body(ChaosBenchmark.ROUTE, "chaos-" + id, stream), deadline);
    }

    /** Sends {@code body}; the future always completes normally, within {@code deadline}. */
    static CompletableFuture<Result> send(HttpClient client, URI uri, int id, boolean stream, String body,
            Duration deadline) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(deadline)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        Capture capture = new Capture();
        long start = System.nanoTime();
        return client.sendAsync(request, capture)
                .orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, failure) -> {
                    long nanos = System.nanoTime() - start;
                    Throwable cause = unwrap(failure);
                    HttpHeaders headers = capture.headers;
                    String contentType = headers == null ? null : headers.firstValue("content-type").orElse(null);
                    String attempts = headers == null ? null : headers.firstValue("x-switchboard-attempts").orElse(null);
                    String provider = headers == null ? null : headers.firstValue("x-switchboard-provider").orElse(null);
                    return new Result(id, stream, capture.status, contentType, attempts, provider, start, nanos,
                            capture.text(), cause, cause instanceof TimeoutException);
                });
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Keeps the status, headers and every body byte received, whether the body completes or fails. */
    private static final class Capture
            implements HttpResponse.BodyHandler<Void>, Flow.Subscriber<List<ByteBuffer>> {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private volatile int status;
        private volatile HttpHeaders headers;

        @Override
        public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
            headers = info.headers();
            status = info.statusCode();
            return HttpResponse.BodySubscribers.fromSubscriber(this);
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            synchronized (out) {
                for (ByteBuffer buffer : item) {
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    out.write(bytes, 0, bytes.length);
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // the response future fails with it
        }

        @Override
        public void onComplete() {
            // the response future completes
        }

        String text() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
