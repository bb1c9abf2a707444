package dev.switchboard.provider;

import java.util.concurrent.Flow;
import java.util.function.Predicate;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Splits a stream at its first committing item: the {@code Uni} resolves when that item arrives, with the item and a
 * {@code Multi} of everything after it. Until then the stream can still be abandoned (failover happens here, before
 * any byte reaches the caller). Items before the first committing one (keep-alive comments) are dropped.
 *
 * <p>
 * Demand is passed through: after the head, the upstream is asked for items only as the caller's connection accepts
 * them, so a slow caller slows the upstream instead of filling memory. Cancelling the {@code Uni} or the rest cancels
 * the upstream.
 */
public final class StreamHead {

    private StreamHead() {
    }

    /** The first committing item and the rest of the stream. */
    public record Split<T>(T first, Multi<T> rest) {
    }

    public static <T> Uni<Split<T>> split(Multi<T> source, Predicate<T> commits) {
        return Uni.createFrom().emitter(emitter -> {
            HeadSubscriber<T> subscriber = new HeadSubscriber<>(emitter, commits);
            emitter.onTermination(subscriber::onUniTermination);
            source.subscribe().withSubscriber(subscriber);
        });
    }

    private static final class HeadSubscriber<T> implements MultiSubscriber<T> {

        private final UniEmitter<? super Split<T>> emitter;
        private final Predicate<T> commits;
        private volatile Flow.Subscription upstream;
        private volatile boolean headDelivered;
        private volatile boolean cancelled;
        // rest state, guarded by this
        private Flow.Subscriber<? super T> downstream;
        private Throwable pendingFailure;
        private boolean pendingCompletion;

        HeadSubscriber(UniEmitter<? super Split<T>> emitter, Predicate<T> commits) {
            this.emitter = emitter;
            this.commits = commits;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            upstream = subscription;
            if (cancelled) {
                subscription.cancel();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onItem(T item) {
            if (headDelivered) {
                downstream().onNext(item);
            } else if (commits.test(item)) {
                headDelivered = true;
                Flow.Publisher<T> rest = this::subscribeRest;
                emitter.complete(new Split<>(item, Multi.createFrom().publisher(rest)));
            } else {
                upstream.request(1);
            }
        }

        @Override
        public void onFailure(Throwable failure) {
            if (!headDelivered) {
                emitter.fail(failure);
                return;
            }
            Flow.Subscriber<? super T> target;
            synchronized (this) {
                target = downstream;
                if (target == null) {
                    pendingFailure = failure;
                }
            }
            if (target != null) {
                target.onError(failure);
            }
        }

        @Override
        public void onCompletion() {
            if (!headDelivered) {
                emitter.fail(new StreamEndedException("the upstream stream ended before its first event"));
                return;
            }
            Flow.Subscriber<? super T> target;
            synchronized (this) {
                target = downstream;
                if (target == null) {
                    pendingCompletion = true;
                }
            }
            if (target != null) {
                target.onComplete();
            }
        }

        private synchronized Flow.Subscriber<? super T> downstream() {
            return downstream;
        }

        private void onUniTermination() {
            if (!headDelivered) {
                cancelled = true;
                Flow.Subscription subscription = upstream;
                if (subscription != null) {
                    subscription.cancel();
                }
            }
        }

        private void subscribeRest(Flow.Subscriber<? super T> subscriber) {
            Throwable failure;
            boolean completed;
            synchronized (this) {
                if (downstream != null) {
                    subscriber.onSubscribe(new Flow.Subscription() {
                        @Override
                        public void request(long n) {
                        }

                        @Override
                        public void cancel() {
                        }
                    });
                    subscriber.onError(new IllegalStateException("the rest of a stream can be subscribed only once"));
                    return;
                }
                downstream = subscriber;
                failure = pendingFailure;
                completed = pendingCompletion;
            }
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    if (failure == null && !completed) {
                        upstream.request(n);
                    }
                }

                @Override
                public void cancel() {
                    upstream.cancel();
                }
            });
            if (failure != null) {
                subscriber.onError(failure);
            } else if (completed) {
                subscriber.onComplete();
            }
        }
    }

    /** The upstream stream completed before sending any event. */
    public static final class StreamEndedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StreamEndedException(String message) {
            super(message, null, false, false);
        }
    }
}
