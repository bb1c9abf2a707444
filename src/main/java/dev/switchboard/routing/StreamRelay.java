package dev.switchboard.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.switchboard.resilience.FailureKind;
import dev.switchboard.resilience.Outcome;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.openai.OpenAiErrors;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiSubscriber;
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
        return Multi.createFrom().publisher(new Relay(first, rest, dialect, source, stops, ended));
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

    /**
     * One relayed stream: the first event, then the rest as the caller asks for them, each framed once; an item of
     * {@code stops}, the upstream's end or failure, or the caller's leaving ends it. One serialized sequence without a
     * chain of operators per event: every signal changes the state under the lock, and frames go out in order from
     * whichever thread drains them.
     */
    private static final class Relay implements Flow.Publisher<Buffer>, Flow.Subscription {
        private final SseEvent first;
        private final Multi<SseEvent> rest;
        private final Dialect dialect;
        private final String source;
        private final Multi<Stop> stops;
        private final Consumer<Outcome> ended;
        private final String last;
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
        private Stop stop;
        /** No more frames will be added; complete once they are out. */
        private boolean closing;
        private boolean terminated;
        private boolean emitting;

        Relay(SseEvent first, Multi<SseEvent> rest, Dialect dialect, String source, Multi<Stop> stops,
                Consumer<Outcome> ended) {
            this.first = first;
            this.rest = rest;
            this.dialect = dialect;
            this.source = source;
            this.stops = stops;
            this.ended = ended;
            this.last = dialect == Dialect.OPENAI ? "[DONE]" : "its closing event";
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

        private void onStop(Stop s) {
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
                    LOGGER.infof("stream from %s ended early: %s", source, s.reason);
                    frames.add(errorEvent(s.reason + "; the answer is incomplete", s.code));
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

        /** The subscriber of the events after the first. */
        private final class Upstream implements MultiSubscriber<SseEvent> {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                boolean cancelled;
                long wanted;
                synchronized (Relay.this) {
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
                synchronized (Relay.this) {
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
                synchronized (Relay.this) {
                    if (terminated || closing) {
                        return;
                    }
                    upstream = null;
                    failure = f;
                    closing = true;
                    if (!finished()) {
                        Throwable cause = FailureKind.unwrap(f);
                        FailureKind kind = FailureKind.of(cause);
                        LOGGER.warnf("stream from %s broke after it started: %s", source, cause.toString());
                        frames.add(errorEvent("the stream from " + source + " broke after it started ("
                                + kind.description() + ")", code(kind)));
                    }
                }
                drain();
            }

            @Override
            public void onCompletion() {
                synchronized (Relay.this) {
                    if (terminated || closing) {
                        return;
                    }
                    upstream = null;
                    closing = true;
                    if (!finished()) {
                        LOGGER.warnf("stream from %s ended without %s", source, last);
                        frames.add(errorEvent("the stream from " + source + " ended without " + last,
                                "stream_interrupted"));
                    }
                }
                drain();
            }
        }
    }
}
