package dev.switchboard.routing;

import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.switchboard.resilience.Outcome;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.SseEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.Subscriptions;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.vertx.core.buffer.Buffer;

/**
 * One relayed stream: the first event, then the rest as the caller asks for them, each framed once; an item of
 * {@code stops}, the upstream's end or failure, or the caller's leaving ends it. One serialized sequence without a
 * chain of operators per event: every signal changes the state under the lock, and frames go out in order from
 * whichever thread drains them.
 */
final class RelayedStream implements Flow.Publisher<Buffer>, Flow.Subscription {

    private final SseEvent first;
    private final Multi<SseEvent> rest;
    private final Dialect dialect;
    private final String source;
    private final Multi<StreamRelay.Stop> stops;
    private final Consumer<Outcome> ended;
    // state, guarded by this
    private Flow.Subscriber<? super Buffer> downstream;
    private final ArrayDeque<Buffer> frames = new ArrayDeque<>(4);
    private long demand;
    private boolean firstSent;
    private boolean restSubscribed;
    /** The events after the first: subscribed once the first is asked for. */
    private Flow.Subscription upstream;
    /** Events asked of the upstream and not received yet. */
    private long outstanding;
    private Cancellable stopWatch;
    private final RelayEnding ending;
    /** No more frames will be added; complete once they are out. */
    private boolean closing;
    private boolean terminated;
    private boolean emitting;

    RelayedStream(SseEvent first, Multi<SseEvent> rest, Dialect dialect, String source, Multi<StreamRelay.Stop> stops,
            Consumer<Outcome> ended) {
        this.first = first;
        this.rest = rest;
        this.dialect = dialect;
        this.source = source;
        this.stops = stops;
        this.ended = ended;
        this.ending = new RelayEnding(dialect);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Buffer> subscriber) {
        synchronized (this) {
            if (downstream != null) {
                Subscriptions.fail(subscriber, new IllegalStateException("a relayed stream can be subscribed only once"));
                return;
            }
            downstream = subscriber;
            pass(first);
        }
        subscriber.onSubscribe(this);
        Cancellable watch = stops.subscribe().with(this::onStop, f -> {
        });
        boolean over;
        synchronized (this) {
            stopWatch = watch;
            over = terminated;
        }
        if (over) {
            watch.cancel();
        }
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            if (end()) {
                downstream.onError(Subscriptions.getInvalidRequestException());
            }
            return;
        }
        synchronized (this) {
            demand = Subscriptions.add(demand, n);
        }
        drain();
    }

    @Override
    public void cancel() {
        end();
    }

    /** The caller's end of the stream (it left, or asked wrongly): false when the stream had ended already. */
    private boolean end() {
        Flow.Subscription up;
        Cancellable watch;
        synchronized (this) {
            if (terminated) {
                return false;
            }
            terminated = true;
            frames.clear();
            up = upstream;
            watch = stopWatch;
        }
        release(up, watch);
        ended.accept(outcome(true));
        return true;
    }

    /** Takes an event in: framed for the caller if it comes before the stream's end; else the end is due. */
    private void pass(SseEvent event) {
        if (ending.takes(event)) {
            frames.add(event.frame());
        } else {
            closing = true;
        }
    }

    private void drain() {
        Flow.Subscriber<? super Buffer> s;
        synchronized (this) {
            if (emitting || downstream == null) {
                return;
            }
            emitting = true;
            s = downstream;
        }
        while (true) {
            Buffer next = null;
            boolean complete = false;
            boolean subscribeRest = false;
            long ask = 0;
            Flow.Subscription up = null;
            Cancellable watch = null;
            synchronized (this) {
                if (terminated) {
                    emitting = false;
                    return;
                }
                if (demand > 0 && !frames.isEmpty()) {
                    next = frames.poll();
                    demand--;
                    firstSent = true;
                } else {
                    emitting = false;
                    if (closing && frames.isEmpty()) {
                        terminated = true;
                        complete = true;
                        up = upstream;
                        watch = stopWatch;
                    } else if (firstSent && !closing && demand > outstanding) {
                        // ask the upstream for as many events as the caller wants beyond those already asked for
                        ask = demand - outstanding;
                        outstanding = demand;
                        subscribeRest = !restSubscribed;
                        restSubscribed = true;
                        up = upstream;
                    }
                }
            }
            if (next != null) {
                s.onNext(next);
                continue;
            }
            if (complete) {
                release(up, watch);
                s.onComplete();
                ended.accept(outcome(false));
            } else if (subscribeRest) {
                rest.subscribe().withSubscriber(new Upstream());
            } else if (ask > 0 && up != null) {
                up.request(ask);
            }
            return;
        }
    }

    /** Cancels what is still running: the rest of the upstream (unless it ended) and the stop watch. */
    private void release(Flow.Subscription up, Cancellable watch) {
        if (up != null) {
            up.cancel();
        }
        if (watch != null) {
            watch.cancel();
        }
    }

    private void onStop(StreamRelay.Stop s) {
        Flow.Subscription cut;
        synchronized (this) {
            if (!closeWith(() -> StreamRelay.stopped(source, s))) {
                return;
            }
            ending.stop = s;
            cut = upstream;
            upstream = null;
        }
        // the provider's connection is released now, while the error event waits for the caller
        if (cut != null) {
            cut.cancel();
        }
        drain();
    }

    /**
     * Under the lock: takes no more events, and queues {@code error}'s frame unless the stream had finished. False
     * when it was closing already.
     */
    private boolean closeWith(Supplier<Buffer> error) {
        if (terminated || closing) {
            return false;
        }
        closing = true;
        if (!ending.finished()) {
            frames.add(error.get());
        }
        return true;
    }

    Outcome outcome(boolean cancelled) {
        synchronized (this) {
            return ending.outcome(cancelled);
        }
    }

    /** The subscriber of the events after the first. */
    private final class Upstream implements MultiSubscriber<SseEvent> {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            boolean cancelled;
            long wanted;
            synchronized (RelayedStream.this) {
                cancelled = terminated || closing;
                upstream = cancelled ? null : subscription;
                // all asked for so far: asks made before this subscription existed were only counted
                wanted = outstanding;
            }
            if (cancelled) {
                subscription.cancel();
            } else if (wanted > 0) {
                subscription.request(wanted);
            }
        }

        @Override
        public void onItem(SseEvent event) {
            Flow.Subscription cut = null;
            synchronized (RelayedStream.this) {
                if (terminated || closing) {
                    return;
                }
                outstanding--;
                pass(event);
                if (closing) {
                    cut = upstream;
                    upstream = null;
                }
            }
            if (cut != null) {
                cut.cancel();
            }
            drain();
        }

        @Override
        public void onFailure(Throwable f) {
            synchronized (RelayedStream.this) {
                if (!closeWith(() -> StreamRelay.broken(source, f))) {
                    return;
                }
                upstream = null;
                ending.failure = f;
            }
            drain();
        }

        @Override
        public void onCompletion() {
            synchronized (RelayedStream.this) {
                if (!closeWith(() -> StreamRelay.unfinished(source, dialect))) {
                    return;
                }
                upstream = null;
            }
            drain();
        }
    }
}
