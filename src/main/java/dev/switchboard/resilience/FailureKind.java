package dev.switchboard.resilience;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import dev.switchboard.schema.MalformedBodyException;

/** Why an attempt failed. Every kind is the provider's failure, and fails over to the next target while it can. */
public enum FailureKind {
    /** The connection could not be opened (refused, unreachable, unknown host, connect timeout). */
    CONNECT("connect", "connection failed"),
    /** The provider did not answer, or a stream went silent, within its timeout. */
    TIMEOUT("timeout", "timed out"),
    /** The connection broke (reset, closed early, a stream that ended before its first event or without its end). */
    BROKEN("broken", "connection broken"),
    /** The provider answered with a status that fails over (408, 500, 502, 503, 504, 529). */
    STATUS("5xx", "error status"),
    /** The provider's 200 answer, or one of its stream events, does not parse. */
    MALFORMED("malformed", "malformed answer");

    private final String tag;
    private final String description;

    FailureKind(String tag, String description) {
        this.tag = tag;
        this.description = description;
    }

    /** The metric tag: connect, timeout, broken, 5xx or malformed. */
    public String tag() {
        return tag;
    }

    /** Lower-case words for messages: {@code timed out}, {@code connection broken}. */
    public String description() {
        return description;
    }

    /** Classifies a failure of an attempt's {@code Uni} or stream. */
    public static FailureKind of(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof TimeoutException) {
            return TIMEOUT;
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
            return CONNECT;
        }
        if (t instanceof MalformedBodyException) {
            return MALFORMED;
        }
        return BROKEN;
    }

    /** The most telling cause: future wrappers removed. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null
                && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
