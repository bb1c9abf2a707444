package dev.switchboard.resilience;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.ProcessingException;

/** Why an attempt failed. Every kind fails over to the next target. */
public enum FailureKind {
    /** The connection could not be opened (refused, unreachable, unknown host, connect timeout). */
    CONNECT,
    /** The provider did not answer within its timeout. */
    TIMEOUT,
    /** The connection broke (reset, closed early, a stream that ended before its first event). */
    BROKEN,
    /** The provider answered with a status that fails over (408, 429, 500, 502, 503, 504, 529). */
    STATUS;

    /** Lower-case words for messages: {@code timed out}, {@code connection broken}. */
    public String description() {
        return switch (this) {
            case CONNECT -> "connection failed";
            case TIMEOUT -> "timed out";
            case BROKEN -> "connection broken";
            case STATUS -> "error status";
        };
    }

    /** Classifies a transport failure. */
    public static FailureKind of(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof TimeoutException) {
            return TIMEOUT;
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
            return CONNECT;
        }
        return BROKEN;
    }

    /** The most telling cause: REST client and future wrappers removed. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ProcessingException || t instanceof CompletionException) && t.getCause() != null
                && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** Statuses that fail over instead of going back to the caller. */
    public static boolean failsOver(int status) {
        return switch (status) {
            case 408, 429, 500, 502, 503, 504, 529 -> true;
            default -> false;
        };
    }
}
