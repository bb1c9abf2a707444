package dev.switchboard.api;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The two clocks of one caller connection, kept in its Netty pipeline (all on the connection's event loop):
 * <ul>
 * <li><b>header read</b>: from the connection's start, or from the first byte of a next request, until the request
 * head is read in full; a caller that sends its head a byte at a time is cut off when it runs out; the same bound
 * holds for each silence while the body is read, so a body that stops coming cannot hold the connection either;</li>
 * <li><b>idle</b>: while no request is in flight (between a response's last byte and the next request's first);
 * a request in flight is never cut by it, however long its provider takes.</li>
 * </ul>
 * Nothing is answered when either runs out (no request was read, so there is nothing to answer): the connection is
 * closed, as nginx does for {@code client_header_timeout}.
 */
final class ConnectionTimeouts {

    /** Before the HTTP decoder: sees the bytes of a head that is not read in full yet. */
    private static final String BYTES = "switchboard-head-bytes";
    /** After the HTTP encoder: sees decoded request heads and the last part of each response. */
    private static final String MESSAGES = "switchboard-messages";

    private final long headerReadNanos;
    private final long idleNanos;
    /** Requests read whose response has not ended (more than one only when the caller pipelines). */
    private int inFlight;
    private boolean readingHead = true;
    /** Whether a request's body is still being read (its last part has not arrived). */
    private boolean readingBody;
    private ScheduledFuture<?> clock;
    /** Which clock runs: the head's, the body's or the idle one. */
    private Kind running;

    private enum Kind {
        HEAD,
        BODY,
        IDLE
    }

    private ConnectionTimeouts(long headerReadNanos, long idleNanos) {
        this.headerReadNanos = headerReadNanos;
        this.idleNanos = idleNanos;
    }

    /** Installs the clocks around Vert.x's HTTP/1.1 codec; the header-read clock starts at once. */
    static void install(ChannelPipeline pipeline, long headerReadNanos, long idleNanos) {
        ConnectionTimeouts timeouts = new ConnectionTimeouts(headerReadNanos, idleNanos);
        pipeline.addBefore("httpDecoder", BYTES, timeouts.new Bytes());
        pipeline.addAfter("httpEncoder", MESSAGES, timeouts.new Messages());
    }

    private void start(ChannelHandlerContext context, long nanos, Kind kind) {
        stop();
        running = kind;
        if (nanos > 0) {
            clock = context.executor().schedule(() -> close(context), nanos, TimeUnit.NANOSECONDS);
        }
    }

    @SuppressWarnings("FutureReturnValueIgnored") // a close that fails has nothing left to clean up
    private static void close(ChannelHandlerContext context) {
        context.channel().close();
    }

    private void stop() {
        if (clock != null) {
            clock.cancel(false);
            clock = null;
        }
        running = null;
    }

    /** Stops the clock if it is {@code kind}'s: a body that ends after its answer must not stop the idle clock. */
    private void stop(Kind kind) {
        if (running == kind) {
            stop();
        }
    }

    private final class Bytes extends ChannelInboundHandlerAdapter {

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            start(context, headerReadNanos, Kind.HEAD);
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (inFlight == 0 && !readingHead) {
                readingHead = true;
                start(context, headerReadNanos, Kind.HEAD);
            }
            context.fireChannelRead(message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            stop();
            context.fireChannelInactive();
        }
    }

    private final class Messages extends ChannelDuplexHandler {

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof HttpRequest) {
                inFlight++;
                readingHead = false;
                stop(Kind.HEAD);
                readingBody = !(message instanceof LastHttpContent);
                if (readingBody) {
                    start(context, headerReadNanos, Kind.BODY);
                }
            } else if (message instanceof HttpContent && readingBody) {
                if (message instanceof LastHttpContent) {
                    readingBody = false;
                    stop(Kind.BODY);
                } else if (running == Kind.BODY) {
                    start(context, headerReadNanos, Kind.BODY);
                }
            }
            context.fireChannelRead(message);
        }

        @Override
        @SuppressWarnings("FutureReturnValueIgnored") // the write's outcome goes to the writer's promise
        public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
            // an interim answer (100 Continue) is not the end of the request's answer
            boolean interim = message instanceof HttpResponse response
                    && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (message instanceof LastHttpContent && !interim && inFlight > 0 && --inFlight == 0) {
                start(context, idleNanos, Kind.IDLE);
            }
            context.write(message, promise);
        }
    }
}
