package dev.switchboard.routing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.switchboard.resilience.FailureKind;
import dev.switchboard.resilience.Outcome;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.openai.OpenAiErrors;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;

/**
 * Relays a started stream to the caller event by event, and makes sure it ends in a way the caller can tell apart: with
 * the upstream's {@code [DONE]}, or with an explicit error event (and no {@code [DONE]}) when the upstream broke, went
 * silent, sent an event that does not parse or ended without {@code [DONE]}, when the request's deadline ran out, or
 * when Switchboard is shutting down. Never a clean-looking truncated stream, never a reset. How it ended is reported
 * once, as the attempt's {@link Outcome}.
 */
final class StreamRelay {

    private static final Logger LOGGER = Logger.getLogger(StreamRelay.class);
    /** Marks the upstream's completion inside the merged sequence. */
    private static final Object END = new Object();

    /** Why a request is cut short by Switchboard itself, with the code the caller sees. */
    enum Stop {
        DEADLINE("request_timeout", 504, "the route's request-timeout ran out"),
        SHUTDOWN("shutting_down", 503, "Switchboard is shutting down");

        final String code;
        final int status;
        final String reason;

        Stop(String code, int status, String reason) {
            this.code = code;
            this.status = status;
            this.reason = reason;
        }
    }

    private StreamRelay() {
    }

    /**
     * @param first the first event (already received)
     * @param rest the events after it
     * @param source {@code provider/model}, for the error message
     * @param stops an item when the stream must end now (its deadline, the drain); never completes otherwise
     * @param ended told once how the stream ended: answered, failed (broken, stalled, malformed, an upstream error
     *        event, no {@code [DONE]}), or abandoned (the caller left, or a stop)
     */
    static Multi<Buffer> relay(SseEvent first, Multi<SseEvent> rest, String source, Multi<Stop> stops,
            Consumer<Outcome> ended) {
        return relay(first, rest, Dialect.OPENAI, source, stops, ended);
    }

    /**
     * {@link #relay} of a stream in {@code dialect}: its own last event ends it ({@code [DONE]}, {@code message_stop},
     * {@code response.completed}) and its own error events are failures; the error event Switchboard adds is always
     * OpenAI-shaped (a client schema's translator rewrites it).
     */
    static Multi<Buffer> relay(SseEvent first, Multi<SseEvent> rest, Dialect dialect, String source, Multi<Stop> stops,
            Consumer<Outcome> ended) {
        Ending ending = new Ending(dialect);
        String last = dialect == Dialect.OPENAI ? "[DONE]" : "its closing event";
        Multi<Object> upstream = Multi.createBy().concatenating().streams(Multi.createFrom().item(first), rest)
                .onItem().<Object> castTo(Object.class)
                .onCompletion().continueWith(END);
        return Multi.createBy().merging().streams(upstream, stops.onItem().<Object> castTo(Object.class))
                .select().first(ending::pass)
                .map(item -> ((SseEvent) item).frame())
                .onCompletion().continueWith(() -> {
                    if (ending.finished()) {
                        return List.of();
                    }
                    if (ending.stop != null) {
                        LOGGER.infof("stream from %s ended early: %s", source, ending.stop.reason);
                        return List.of(errorEvent(ending.stop.reason + "; the answer is incomplete", ending.stop.code));
                    }
                    LOGGER.warnf("stream from %s ended without %s", source, last);
                    return List.of(errorEvent("the stream from " + source + " ended without " + last,
                            "stream_interrupted"));
                })
                .onFailure().recoverWithMulti(failure -> {
                    ending.failure = failure;
                    if (ending.finished()) {
                        return Multi.createFrom().empty();
                    }
                    Throwable cause = FailureKind.unwrap(failure);
                    FailureKind kind = FailureKind.of(cause);
                    LOGGER.warnf("stream from %s broke after it started: %s", source, cause.toString());
                    return Multi.createFrom().item(errorEvent("the stream from " + source + " broke after it started ("
                            + kind.description() + ")", code(kind)));
                })
                .onTermination().invoke((failure, cancelled) -> ended.accept(ending.outcome(cancelled)));
    }

    /** The error code of a stream that broke: {@code upstream_malformed}, {@code upstream_timeout} or interrupted. */
    private static String code(FailureKind kind) {
        return switch (kind) {
            case MALFORMED -> "upstream_malformed";
            case TIMEOUT -> "upstream_timeout";
            default -> "stream_interrupted";
        };
    }

    private static Buffer errorEvent(String message, String code) {
        byte[] json = OpenAiErrors.body(message, OpenAiErrors.UPSTREAM, code);
        return Buffer.buffer("data: " + new String(json, StandardCharsets.UTF_8) + "\n\n");
    }

    /** How the stream has ended so far; written and read in the stream's serial order. */
    private static final class Ending {
        private final Dialect dialect;
        private volatile boolean done;
        private volatile String error;
        private volatile Throwable failure;
        private volatile Stop stop;

        Ending(Dialect dialect) {
            this.dialect = dialect;
        }

        /** Whether {@code item} goes on to the caller: an event before {@code [DONE]} and before any stop. */
        boolean pass(Object item) {
            if (item instanceof Stop s) {
                stop = s;
                return false;
            }
            if (item == END || done) {
                return false;
            }
            SseEvent event = (SseEvent) item;
            if (dialect.ends(event)) {
                done = true;
            } else if (dialect.isError(event)) {
                error = event.data();
            }
            return true;
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
            if (stop != null) {
                return new Outcome.Abandoned(stop.reason);
            }
            if (cancelled) {
                return Outcome.Abandoned.CALLER_GONE;
            }
            return new Outcome.Failed(FailureKind.BROKEN, "the stream ended without its last event");
        }
    }
}
