package dev.switchboard.upstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.switchboard.schema.MalformedBodyException;
import dev.switchboard.schema.SseEvent;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import io.smallrye.mutiny.helpers.Subscriptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * The events of one upstream {@code text/event-stream} answer, as they arrive: a single publisher that reads the
 * response's bytes, splits them into lines and events ({@link SseLineParser}) and hands each event on, in place of a
 * chain of stream operators per line (read stream, record parser, one inner stream per line, a timer per item).
 *
 * <p>
 * Demand is passed through: the response is read one buffer at a time, and only while the subscriber has asked for
 * more events than are parsed and waiting, so a slow caller slows the upstream read instead of filling memory. The
 * stream fails with a {@link TimeoutException} when it is waited on and no event (a keep-alive comment counts) has
 * arrived for the provider's idle-timeout; the time a slow caller takes to read does not count as the provider's
 * silence. One timer per stream, re-armed when it fires, keeps that watch. A line longer than {@link #MAX_LINE} bytes
 * fails the stream as malformed. Cancelling, a failure and the timeout reset the upstream request. Subscribed once.
 */
final class SseEventStream implements Flow.Publisher<SseEvent>, Flow.Subscription {

    /**
     * The longest line accepted: a whole event's data is one line in every provider's format, and a few MiB hold the
     * largest (an image in a Gemini stream); a longer one could not be held by many streams at once.
     */
    static final int MAX_LINE = 4 * 1024 * 1024;

    private final Vertx vertx;
    private final HttpClientRequest request;
    private final HttpClientResponse response;
    private final long idleNanos;
    private final int maxLine;
    private final SseLineParser parser = new SseLineParser();
    private final ArrayDeque<SseEvent> parsed = new ArrayDeque<>(4);
    /** The start of a line that has not ended yet, or null. */
    private Buffer partial;
    private Flow.Subscriber<? super SseEvent> subscriber;
    private long demand;
    /** A buffer is asked of the response and has not come yet. */
    private boolean reading;
    private boolean ended;
    private boolean done;
    private boolean emitting;
    private long lastEvent;
    private long timer = -1;

    SseEventStream(Vertx vertx, HttpClientRequest request, HttpClientResponse response, long idleMillis) {
        this(vertx, request, response, idleMillis, MAX_LINE);
    }

    SseEventStream(Vertx vertx, HttpClientRequest request, HttpClientResponse response, long idleMillis, int maxLine) {
        this.maxLine = maxLine;
        this.vertx = vertx;
        this.request = request;
        this.response = response;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        response.pause();
        response.handler(this::onBuffer);
        response.endHandler(v -> onEnd());
        response.exceptionHandler(this::onFailure);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super SseEvent> s) {
        synchronized (this) {
            if (subscriber == null) {
                subscriber = s;
                lastEvent = System.nanoTime();
            } else {
                Subscriptions.fail(s, new IllegalStateException("an upstream event stream can be subscribed only once"));
                return;
            }
        }
        s.onSubscribe(this);
        synchronized (this) {
            if (!done) {
                arm(idleNanos);
            }
        }
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            fail(Subscriptions.getInvalidRequestException());
            return;
        }
        synchronized (this) {
            demand = Subscriptions.add(demand, n);
        }
        drain();
    }

    @Override
    public void cancel() {
        if (end()) {
            request.reset();
        }
    }

    /** Ends the stream here, once: nothing more is read or handed on. False when it had ended already. */
    private synchronized boolean end() {
        if (done) {
            return false;
        }
        done = true;
        parsed.clear();
        cancelTimer();
        return true;
    }

    private void onBuffer(Buffer data) {
        MalformedBodyException malformed = null;
        synchronized (this) {
            reading = false;
            if (done) {
                return;
            }
            try {
                split(data);
            } catch (MalformedBodyException e) {
                malformed = e;
            }
        }
        if (malformed != null) {
            fail(malformed);
            return;
        }
        drain();
    }

    /** Feeds every whole line of {@code data} (after what is left of the last buffer) to the parser. */
    @SuppressWarnings("deprecation") // getByteBuf(): the bytes without a copy in Vert.x 4
    private void split(Buffer data) {
        Buffer bytes = partial == null ? data : partial.appendBuffer(data);
        ByteBuf buf = bytes.getByteBuf();
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        int lineStart = start;
        while (lineStart < end) {
            int newline = buf.forEachByte(lineStart, end - lineStart, ByteProcessor.FIND_LF);
            if (newline < 0) {
                break;
            }
            for (SseEvent event : parser.line(buf.toString(lineStart, newline - lineStart, StandardCharsets.UTF_8))) {
                parsed.add(event);
                lastEvent = System.nanoTime();
            }
            lineStart = newline + 1;
        }
        if (lineStart >= end) {
            partial = null;
        } else if (end - lineStart > maxLine) {
            throw new MalformedBodyException("a stream line is longer than " + maxLine + " bytes");
        } else if (bytes != partial || lineStart != start) {
            // a copy of the unfinished line: the response may reuse its buffer (while a long line keeps growing
            // without an end, the copy made before is appended to, not copied again)
            partial = Buffer.buffer(end - lineStart + 256).appendBuffer(bytes, lineStart - start, end - lineStart);
        }
    }

    private void onEnd() {
        synchronized (this) {
            ended = true;
            reading = false;
        }
        drain();
    }

    private void onFailure(Throwable failure) {
        fail(failure);
    }

    /** Hands parsed events on while there is demand, asks the response for more, and ends the stream when due. */
    private void drain() {
        Flow.Subscriber<? super SseEvent> s;
        synchronized (this) {
            if (emitting || subscriber == null) {
                return;
            }
            emitting = true;
            s = subscriber;
        }
        while (true) {
            SseEvent next;
            boolean complete = false;
            boolean read = false;
            synchronized (this) {
                if (done) {
                    emitting = false;
                    return;
                }
                if (demand > 0 && !parsed.isEmpty()) {
                    next = parsed.poll();
                    demand--;
                } else {
                    next = null;
                    if (parsed.isEmpty() && ended) {
                        done = true;
                        complete = true;
                        cancelTimer();
                    } else if (demand > 0 && !reading) {
                        reading = true;
                        read = true;
                    }
                    emitting = false;
                }
            }
            if (next != null) {
                s.onNext(next);
                continue;
            }
            if (complete) {
                s.onComplete();
            } else if (read) {
                response.fetch(1);
            }
            return;
        }
    }

    private void fail(Throwable failure) {
        if (!end()) {
            return;
        }
        Flow.Subscriber<? super SseEvent> s;
        synchronized (this) {
            s = subscriber;
        }
        request.reset();
        if (s != null) {
            s.onError(failure);
        }
    }

    /** Watches for silence: fires after {@code nanos}, and fails the stream if it has been waited on that long. */
    private void arm(long nanos) {
        timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)), id -> {
            long silent;
            synchronized (this) {
                timer = -1;
                if (done) {
                    return;
                }
                silent = System.nanoTime() - lastEvent;
                boolean waited = reading || (demand > 0 && parsed.isEmpty());
                if (!waited) {
                    // the caller is the slow side: its reading time is not the provider's silence
                    lastEvent = System.nanoTime();
                    arm(idleNanos);
                    return;
                }
                if (silent < idleNanos) {
                    arm(idleNanos - silent);
                    return;
                }
            }
            fail(new TimeoutException("the stream was silent for " + TimeUnit.NANOSECONDS.toMillis(idleNanos)
                    + "ms (idle-timeout)"));
        });
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
