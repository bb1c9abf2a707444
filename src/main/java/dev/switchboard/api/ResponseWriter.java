package dev.switchboard.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

import org.jboss.logging.Logger;

import dev.switchboard.routing.ProxyResponse;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a {@link ProxyResponse} to the caller: a whole body at once with its {@code Content-Length}; a stream buffer
 * by buffer as it is produced, asking for the next one only while the connection's write queue has room (a slow reader
 * slows the upstream read instead of filling memory). A caller that goes away cancels the answer, which releases the
 * upstream request.
 */
final class ResponseWriter implements MultiSubscriber<Buffer> {

    private static final Logger LOGGER = Logger.getLogger(ResponseWriter.class);

    private final HttpServerResponse response;
    private volatile Flow.Subscription subscription;
    private volatile boolean gone;

    private ResponseWriter(HttpServerResponse response) {
        this.response = response;
    }

    /** Subscribes to the answer and writes it when it comes; cancels it if the caller leaves first. */
    static void write(HttpServerResponse response, Uni<ProxyResponse> answer) {
        Cancellable pending = answer.subscribe().with(proxied -> {
            if (response.closed()) {
                // the caller left while the answer was on its way; a stream is dropped unsubscribed (its upstream is
                // released by the cancellation that already happened)
                return;
            }
            start(response, proxied);
        }, failure -> {
            LOGGER.errorf(failure, "unexpected failure writing an answer");
            if (!response.headWritten() && !response.closed()) {
                response.setStatusCode(500).end();
            }
        });
        response.closeHandler(closed -> pending.cancel());
    }

    private static void start(HttpServerResponse response, ProxyResponse proxied) {
        response.setStatusCode(proxied.status());
        for (Map.Entry<String, List<String>> header : proxied.headers().entrySet()) {
            response.headers().add(header.getKey(), header.getValue());
        }
        if (proxied.whole() != null) {
            response.end(proxied.whole());
            return;
        }
        response.setChunked(true);
        ResponseWriter writer = new ResponseWriter(response);
        response.closeHandler(closed -> writer.cancel());
        proxied.stream().subscribe().withSubscriber(writer);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (gone) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onItem(Buffer item) {
        if (gone) {
            return;
        }
        response.write(item);
        if (response.writeQueueFull()) {
            response.drainHandler(drained -> subscription.request(1));
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onFailure(Throwable failure) {
        // the relay ends every stream with an event of its own; a failure here is a bug, and the caller must not take
        // the cut stream for a whole one
        LOGGER.errorf(failure, "unexpected failure relaying a stream");
        if (!gone) {
            response.reset();
        }
    }

    @Override
    public void onCompletion() {
        if (!gone) {
            response.end();
        }
    }

    private void cancel() {
        gone = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
