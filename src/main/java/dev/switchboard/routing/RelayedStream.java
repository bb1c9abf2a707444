package dev.switchboard.routing;

import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

import dev.switchboard.resilience.Outcome;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.SseEvent;
import io.smallrye.mutiny.Multi;
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
    private boolean done;
    private String error;
    private Throwable failure;
    private StreamRelay.Stop stop;
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
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Buffer> subscriber) {
        synchronized (this) {
            if (downstream != null) {
                subscriber.onSubscribe(this);
                subscriber.onError(new IllegalStateException("a relayed stream can be subscribed only once"));
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
            Flow.Subscriber<? super Buffer> s;
            synchronized (this) {
                s = terminated ? null : downstream;
            }
            cancel();
            if (s != null) {
                s.onError(new IllegalArgumentException("non-positive request: " + n));
            }
            return;
        }
        synchronized (this) {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
        drain();
    }

    @Override
    public void cancel() {
        Flow.Subscription up;
        Cancellable watch;
        synchronized (this) {
            if (terminated) {
                return;
            }
            terminated = true;
            frames.clear();
            up = upstream;
            watch = stopWatch;
        }
        release(up, watch);
        ended.accept(outcome(true));
    }

    /** Takes an event in: framed for the caller if it comes before the stream's end; else the end is due. */
    private void pass(SseEvent event) {
        if (done) {
            // something after the closing event: the stream is over
            closing = true;
            return;
        }
        if (dialect.ends(event)) {
            done = true;
        } else if (dialect.isError(event)) {
            error = event.data();
        }
        frames.add(event.frame());
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
            if (terminated || closing) {
                return;
            }
            stop = s;
            closing = true;
            cut = upstream;
            upstream = null;
            if (!finished()) {
                frames.add(StreamRelay.stopped(source, s));
            }
        }
        // the provider's connection is released now, while the error event waits for the caller
        if (cut != null) {
            cut.cancel();
        }
        drain();
    }

    boolean finished() {
        return done || error != null;
    }

    Outcome outcome(boolean cancelled) {
        synchronized (this) {
            return StreamRelay.outcome(error, done, failure, stop, cancelled);
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
                if (terminated || closing) {
                    return;
                }
                upstream = null;
                failure = f;
                closing = true;
                if (!finished()) {
                    frames.add(StreamRelay.broken(source, f));
                }
            }
            drain();
        }

        @Override
        public void onCompletion() {
            synchronized (RelayedStream.this) {
                if (terminated || closing) {
                    return;
                }
                upstream = null;
                closing = true;
                if (!finished()) {
                    frames.add(StreamRelay.unfinished(source, dialect));
                }
            }
            drain();
        }
    }
}
