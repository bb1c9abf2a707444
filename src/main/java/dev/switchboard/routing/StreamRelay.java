package dev.switchboard.routing;

import java.nio.charset.StandardCharsets;
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
        return Multi.createFrom().publisher(new RelayedStream(first, rest, dialect, source, stops, ended));
    }

    /** The error code of a stream that broke: {@code upstream_malformed}, {@code upstream_timeout} or interrupted. */
    static String code(FailureKind kind) {
        return switch (kind) {
            case MALFORMED -> "upstream_malformed";
            case TIMEOUT -> "upstream_timeout";
            default -> "stream_interrupted";
        };
    }

    static Buffer errorEvent(String message, String code) {
        byte[] json = OpenAiErrors.body(message, OpenAiErrors.UPSTREAM, code);
        return Buffer.buffer("data: " + new String(json, StandardCharsets.UTF_8) + "\n\n");
    }

    /** The error event of a stream that broke after it started, logged. */
    static Buffer broken(String source, Throwable failure) {
        Throwable cause = FailureKind.unwrap(failure);
        FailureKind kind = FailureKind.of(cause);
        LOGGER.warnf("stream from %s broke after it started: %s", source, cause.toString());
        return errorEvent("the stream from " + source + " broke after it started (" + kind.description() + ")",
                code(kind));
    }

    /** The error event of a stream that ended without its closing event, logged. */
    static Buffer unfinished(String source, Dialect dialect) {
        String last = dialect == Dialect.OPENAI ? "[DONE]" : "its closing event";
        LOGGER.warnf("stream from %s ended without %s", source, last);
        return errorEvent("the stream from " + source + " ended without " + last, "stream_interrupted");
    }

    /** The error event of a stream Switchboard cut short, logged. */
    static Buffer stopped(String source, Stop stop) {
        LOGGER.infof("stream from %s ended early: %s", source, stop.reason);
        return errorEvent(stop.reason + "; the answer is incomplete", stop.code);
    }
}
