package dev.switchboard.routing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.switchboard.resilience.FailureKind;
import dev.switchboard.resilience.Outcome;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.openai.OpenAiErrors;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;

/**
 * Relays a started stream to the caller event by event, and makes sure it ends in a way the caller can tell apart: with
 * the upstream's {@code [DONE]}, or with an explicit error event when the upstream broke, went silent, sent an event
 * that does not parse, or ended without {@code [DONE]}. Never a clean-looking truncated stream. How it ended is
 * reported once, as the attempt's {@link Outcome}.
 */
final class StreamRelay {

    private static final Logger LOGGER = Logger.getLogger(StreamRelay.class);

    private StreamRelay() {
    }

    /**
     * @param first the first event (already received)
     * @param rest the events after it
     * @param source {@code provider/model}, for the error message
     * @param ended told once how the stream ended: answered, failed (broken, stalled, malformed, an upstream error
     *        event, no {@code [DONE]}), or abandoned by the caller
     */
    static Multi<Buffer> relay(SseEvent first, Multi<SseEvent> rest, String source, Consumer<Outcome> ended) {
        Ending ending = new Ending();
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(first), rest)
                .select().first(event -> !ending.done)
                .onItem().invoke(ending::see)
                .map(SseEvent::frame)
                .onCompletion().continueWith(() -> ending.finished() ? List.of()
                        : List.of(errorEvent("the stream from " + source + " ended without [DONE]")))
                .onFailure().recoverWithMulti(failure -> {
                    ending.failure = failure;
                    if (ending.finished()) {
                        return Multi.createFrom().empty();
                    }
                    Throwable cause = FailureKind.unwrap(failure);
                    LOGGER.warnf("stream from %s broke after it started: %s", source, cause.toString());
                    return Multi.createFrom().item(errorEvent("the stream from " + source + " broke after it started ("
                            + FailureKind.of(cause).description() + ")"));
                })
                .onTermination().invoke((failure, cancelled) -> ended.accept(ending.outcome(cancelled)));
    }

    private static Buffer errorEvent(String message) {
        byte[] json = OpenAiErrors.body(message, OpenAiErrors.UPSTREAM, "stream_interrupted");
        return Buffer.buffer("data: " + new String(json, StandardCharsets.UTF_8) + "\n\n");
    }

    /** How the stream has ended so far; written and read in the stream's serial order. */
    private static final class Ending {
        private volatile boolean done;
        private volatile String error;
        private volatile Throwable failure;

        void see(SseEvent event) {
            if (event.isDone()) {
                done = true;
            } else if (event.isError()) {
                error = event.data();
            }
        }

        boolean finished() {
            return done || error != null;
        }

        Outcome outcome(boolean cancelled) {
            if (error != null) {
                return new Outcome.Failed(FailureKind.BROKEN, "the stream carried an error event: "
                        + OpenAiErrors.summarize(error.getBytes(StandardCharsets.UTF_8)));
            }
            if (done) {
                return new Outcome.Answered(200);
            }
            if (failure != null) {
                return Outcome.of(failure);
            }
            if (cancelled) {
                return new Outcome.Abandoned();
            }
            return new Outcome.Failed(FailureKind.BROKEN, "the stream ended without [DONE]");
        }
    }
}
