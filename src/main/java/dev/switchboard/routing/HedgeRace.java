package dev.switchboard.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.switchboard.provider.Reply;
import dev.switchboard.resilience.Outcome;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * First-token hedging of one attempt: when the first attempt has not answered (a stream: its first event) within
 * {@code after}, a second one is started on the next target, and the first of the two to answer wins. The other is
 * cancelled at once: its upstream request is reset (or, when its answer had already arrived, its stream is cancelled),
 * its in-flight slot and breaker permit are released, and it counts as cancelled, never as a failure. An attempt that
 * fails while the other is still out is handed to {@code failed} (the caller settles it as a failed attempt) and the
 * race waits for the other; when both fail, the second failure is the result. Thread-safe: every transition holds
 * the race's lock.
 */
final class HedgeRace {

    /** Why a losing attempt was cancelled. */
    static final Outcome.Abandoned LOST = new Outcome.Abandoned("another attempt answered first (hedging)");

    private final UniEmitter<? super Launched.Finished> emitter;
    private final Supplier<Uni<Admitted>> hedge;
    private final Consumer<Launched.Finished> failed;
    private final Consumer<Launched> lost;
    private final List<Launched> pending = new ArrayList<>(2);
    private Launched first;
    private final List<Cancellable> subscriptions = new ArrayList<>(3);
    private boolean done;
    private boolean hedged;

    private HedgeRace(UniEmitter<? super Launched.Finished> emitter, Supplier<Uni<Admitted>> hedge,
            Consumer<Launched.Finished> failed, Consumer<Launched> lost) {
        this.emitter = emitter;
        this.hedge = hedge;
        this.failed = failed;
        this.lost = lost;
    }

    /**
     * The first answer of {@code first} and, when it is later than {@code after}, of the attempt {@code hedge} admits
     * (a null item: no target to hedge on); the admitted attempt is launched, or released, under the race's lock.
     *
     * @param failed an attempt that failed while the other was still out
     * @param lost an attempt cancelled because the other answered first (after its scope was settled)
     */
    static Uni<Launched.Finished> race(Launched first, Duration after, Supplier<Uni<Admitted>> hedge,
            Consumer<Launched.Finished> failed, Consumer<Launched> lost) {
        return Uni.createFrom().emitter(emitter -> {
            HedgeRace race = new HedgeRace(emitter, hedge, failed, lost);
            emitter.onTermination(race::terminated);
            race.start(first, after);
        });
    }

    private synchronized void start(Launched attempt, Duration after) {
        first = attempt;
        follow(attempt);
        subscriptions.add(Uni.createFrom().voidItem().onItem().delayIt().by(after).subscribe().with(v -> late()));
    }

    private synchronized void follow(Launched attempt) {
        pending.add(attempt);
        subscriptions.add(attempt.finish().subscribe().with(this::finished));
    }

    /** The first attempt is late: hedge, once, if it is still out. */
    private synchronized void late() {
        if (done || hedged || pending.size() != 1) {
            return;
        }
        hedged = true;
        subscriptions.add(hedge.get().subscribe().with(this::launched));
    }

    private synchronized void launched(Admitted second) {
        if (second == null) {
            return;
        }
        if (done) {
            // the first answered while the hedge was being admitted: it never goes out
            second.release();
            return;
        }
        follow(second.launch());
    }

    /** A second target admitted for the hedge (its in-flight slot and breaker permit taken), not yet launched. */
    interface Admitted {

        /** The attempt, counted and on its way. */
        Launched launch();

        /** Gives back what admitting it took, when the race ended before it went out. */
        void release();
    }

    private synchronized void finished(Launched.Finished finished) {
        if (done) {
            // answered after it lost: a stream's rest must still be cancelled to release its connection
            if (finished.reply() instanceof Reply.Stream stream) {
                stream.rest().subscribe().with(event -> {
                }, failure -> {
                }).cancel();
            }
            return;
        }
        pending.remove(finished.attempt());
        if (!finished.answers() && !pending.isEmpty()) {
            failed.accept(finished);
            return;
        }
        done = true;
        for (Launched other : List.copyOf(pending)) {
            other.scope().settle(LOST);
            lost.accept(other);
        }
        pending.clear();
        emitter.complete(finished);
        cancelAll();
    }

    /** The race itself was cancelled (the caller went away, the deadline passed, the drain ended). */
    private synchronized void terminated() {
        if (!done) {
            done = true;
            // the first attempt's scope is the loop's to settle; a hedge's is ours
            for (Launched other : pending) {
                if (other != first) {
                    other.scope().settle(Outcome.Abandoned.CALLER_GONE);
                }
            }
            pending.clear();
            cancelAll();
        }
    }

    private void cancelAll() {
        subscriptions.forEach(Cancellable::cancel);
        subscriptions.clear();
    }
}
