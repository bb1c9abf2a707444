package dev.switchboard.routing;

import dev.switchboard.model.Target;
import dev.switchboard.provider.Reply;
import io.smallrye.mutiny.Uni;

/**
 * One attempt as it goes out: its target, its scope, whether a failover drill faulted it, the answer to come, and
 * when it was sent. Thread-safe.
 */
final class Launched {

    private final Target target;
    private final AttemptScope scope;
    private final boolean injected;
    private final Uni<Reply> reply;
    private volatile long sentAt;

    /**
     * @param send the answer to come; subscribing sends the attempt (after any backoff)
     */
    Launched(Target target, AttemptScope scope, boolean injected, java.util.function.Function<Launched, Uni<Reply>> send) {
        this.target = target;
        this.scope = scope;
        this.injected = injected;
        this.reply = send.apply(this);
    }

    Target target() {
        return target;
    }

    AttemptScope scope() {
        return scope;
    }

    boolean injected() {
        return injected;
    }

    Uni<Reply> reply() {
        return reply;
    }

    /** The attempt went out now. */
    void sent() {
        sentAt = System.nanoTime();
    }

    /** Nanoseconds since it went out; 0 when it never did. */
    long elapsed() {
        long at = sentAt;
        return at == 0 ? 0 : System.nanoTime() - at;
    }

    /** Its answer or its failure, as an item. */
    Uni<Finished> finish() {
        return reply.map(answer -> new Finished(this, answer, null))
                .onFailure().recoverWithItem(failure -> new Finished(this, null, failure));
    }

    /** How one attempt ended: an answer (any status) or a failure. */
    record Finished(Launched attempt, Reply reply, Throwable failure) {

        /** An answer that goes back to the caller (a success, or the caller's own 4xx), not one that fails over. */
        boolean answers() {
            if (failure != null) {
                return false;
            }
            if (reply instanceof Reply.Stream) {
                return true;
            }
            Reply.Complete complete = (Reply.Complete) reply;
            return !dev.switchboard.resilience.Outcome.of(complete.status(), complete.body(), complete.retryAfter())
                    .failsOver();
        }
    }
}
