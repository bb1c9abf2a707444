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
    /** The answer until it comes. */
    private volatile Cancellable pending;

    private ResponseWriter(HttpServerResponse response) {
        this.response = response;
    }

    /** Subscribes to the answer and writes it when it comes; cancels it if the caller leaves first. */
    static void write(HttpServerResponse response, Uni<ProxyResponse> answer) {
        ResponseWriter writer = new ResponseWriter(response);
        // before subscribing: an answer that is ready at once ends the response, after which no handler may be set
        response.closeHandler(closed -> writer.cancel());
        writer.pending = answer.subscribe().with(writer::start, failure -> {
            LOGGER.errorf(failure, "unexpected failure writing an answer");
            if (!response.headWritten() && !response.closed()) {
                response.setStatusCode(500).end();
            }
        });
        if (writer.gone) {
            writer.pending.cancel();
        }
    }

    private void start(ProxyResponse proxied) {
        if (gone || response.closed()) {
            // the caller left while the answer was on its way; a stream is dropped unsubscribed (its upstream was
            // released by the cancellation that already happened)
            return;
        }
        response.setStatusCode(proxied.status());
        for (Map.Entry<String, List<String>> header : proxied.headers().entrySet()) {
            response.headers().add(header.getKey(), header.getValue());
        }
        if (proxied.whole() != null) {
            response.end(proxied.whole());
            return;
        }
        response.setChunked(true);
        proxied.stream().subscribe().withSubscriber(this);
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
        Cancellable answer = pending;
        if (answer != null) {
            answer.cancel();
        }
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
