package dev.switchboard.routing;

import java.nio.charset.StandardCharsets;

import dev.switchboard.resilience.FailureKind;
import dev.switchboard.resilience.Outcome;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.openai.OpenAiErrors;

/**
 * How a relayed stream has ended so far: its dialect's closing event passed, an error event passed, the upstream
 * failed, or Switchboard stopped it. Read and written under its {@link RelayedStream}'s lock.
 */
final class RelayEnding {

    private final Dialect dialect;
    private boolean done;
    private String error;
    Throwable failure;
    StreamRelay.Stop stop;

    RelayEnding(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Whether {@code event} goes on to the caller: every event up to and including the stream's closing one. */
    boolean takes(SseEvent event) {
        if (done) {
            return false;
        }
        if (dialect.ends(event)) {
            done = true;
        } else if (dialect.isError(event)) {
            error = event.data();
        }
        return true;
    }

    /** The stream said how it ended: with its closing event or an error event. */
    boolean finished() {
        return done || error != null;
    }

    /** How a stream ended, reported once: an error event, its closing event, a failure, a stop, or the caller left. */
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
