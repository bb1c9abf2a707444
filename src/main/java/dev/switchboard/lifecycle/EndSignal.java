package dev.switchboard.lifecycle;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The drain's "end now" signal for every open request: one item ({@code reason}) to each subscriber once {@link #fire}
 * is called, at once to one that subscribes after it, never a completion. Each request subscribes when it starts and
 * cancels when it ends, so both are constant-time (a set, not the copy-on-write list of a broadcast processor, which
 * copied every open request's subscription twice per request). Thread-safe.
 */
final class EndSignal implements Flow.Publisher<String> {

    private final String reason;
    private final Set<Watch> watching = ConcurrentHashMap.newKeySet();
    private volatile boolean fired;

    EndSignal(String reason) {
        this.reason = reason;
    }

    /** Tells every subscriber, now and later. */
    void fire() {
        fired = true;
        for (Watch watch : watching) {
            watch.tell();
        }
    }

    /** How many subscribers are waiting for the signal. */
    int watching() {
        return watching.size();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super String> subscriber) {
        Watch watch = new Watch(subscriber);
        watching.add(watch);
        subscriber.onSubscribe(watch);
        if (fired) {
            watch.tell();
        }
    }

    private final class Watch implements Flow.Subscription {
        private final Flow.Subscriber<? super String> subscriber;
        private final AtomicBoolean told = new AtomicBoolean();
        private volatile boolean requested;
        private volatile boolean cancelled;

        Watch(Flow.Subscriber<? super String> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                subscriber.onError(new IllegalArgumentException("non-positive request: " + n));
                return;
            }
            requested = true;
            if (fired) {
                tell();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            watching.remove(this);
        }

        /** The item, once, when it has been asked for and the subscriber is still there. */
        void tell() {
            if (requested && !cancelled && told.compareAndSet(false, true)) {
                watching.remove(this);
                subscriber.onNext(reason);
            }
        }
    }
}
