package dev.switchboard.resilience;

import dev.switchboard.schema.openai.OpenAiErrors;

/**
 * How one attempt ended, classified once, from the provider's answer or from the failure of its call or stream.
 * Everything an attempt touches reads this one value: whether the request fails over, what the breaker counts, what
 * passive health records, and the metric tag. Immutable.
 */
public sealed interface Outcome {

    /** Whether the request moves on to the next target (possible only before the first byte reached the caller). */
    boolean failsOver();

    /**
     * The metric tag: success, 4xx, context_length, 429, 5xx, connect, timeout, broken, malformed (cancelled for an
     * attempt cut short by the caller, the deadline or the drain).
     */
    String tag();

    /** A line for logs and the health view; never holds a secret or a prompt. */
    String describe();

    /** Reports this outcome to the provider's breaker and pause, through the attempt's permit (once). */
    void settle(ProviderGuard guard, ProviderGuard.Permit permit);

    /**
     * The outcome of an HTTP answer.
     *
     * @param body the answer's body, for the summary of an error (may be null)
     * @param retryAfter its Retry-After header, or null
     */
    static Outcome of(int status, byte[] body, String retryAfter) {
        if (status == 429) {
            return new Throttled(retryAfter, "HTTP 429: " + OpenAiErrors.summarize(body));
        }
        if (failsOverOn(status)) {
            return new Failed(FailureKind.STATUS, "HTTP " + status + ": " + OpenAiErrors.summarize(body));
        }
        if (status == 400 && OpenAiErrors.isContextLength(body)) {
            return new TooLong("HTTP 400: " + OpenAiErrors.summarize(body));
        }
        return new Answered(status);
    }

    /** The outcome of a failed call or stream: connect, timeout, broken or malformed. */
    static Outcome of(Throwable failure) {
        FailureKind kind = FailureKind.of(failure);
        Throwable cause = FailureKind.unwrap(failure);
        return new Failed(kind, kind.description() + " (" + detail(cause) + ")");
    }

    /**
     * Switchboard's own failures say what happened in words; a transport library's message names hosts, ports and
     * parser internals, which have no place in an answer to the caller, so only its kind is kept.
     */
    private static String detail(Throwable cause) {
        boolean ours = cause.getClass() == java.util.concurrent.TimeoutException.class
                || cause.getClass().getName().startsWith("dev.switchboard.");
        return ours && cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /** Statuses that fail over instead of going back to the caller. */
    static boolean failsOverOn(int status) {
        return switch (status) {
            case 408, 429, 500, 502, 503, 504, 529 -> true;
            default -> false;
        };
    }

    /** The provider answered: a success, or the caller's own 4xx (which shows a working provider). */
    record Answered(int status) implements Outcome {

        @Override
        public boolean failsOver() {
            return false;
        }

        @Override
        public String tag() {
            return status < 400 ? "success" : "4xx";
        }

        @Override
        public String describe() {
            return "HTTP " + status;
        }

        @Override
        public void settle(ProviderGuard guard, ProviderGuard.Permit permit) {
            permit.success();
        }
    }

    /**
     * 400 context length exceeded: the provider works, but the prompt does not fit this model. The request fails over
     * only to a target with a larger (or unknown) context window; with none left, the answer goes back to the caller.
     */
    record TooLong(String describe) implements Outcome {

        @Override
        public boolean failsOver() {
            return true;
        }

        @Override
        public String tag() {
            return "context_length";
        }

        @Override
        public void settle(ProviderGuard guard, ProviderGuard.Permit permit) {
            permit.success();
        }
    }

    /** 429: the provider is throttling. It fails over and pauses the provider, but the breaker does not count it. */
    record Throttled(String retryAfter, String describe) implements Outcome {

        @Override
        public boolean failsOver() {
            return true;
        }

        @Override
        public String tag() {
            return "429";
        }

        @Override
        public void settle(ProviderGuard guard, ProviderGuard.Permit permit) {
            permit.neutral();
            guard.throttled(retryAfter);
        }
    }

    /** The provider failed: the breaker counts it, and the request fails over while it can. */
    record Failed(FailureKind kind, String describe) implements Outcome {

        @Override
        public boolean failsOver() {
            return true;
        }

        @Override
        public String tag() {
            return kind.tag();
        }

        @Override
        public void settle(ProviderGuard guard, ProviderGuard.Permit permit) {
            permit.failure();
        }
    }

    /**
     * The attempt was cut short by something other than the provider (the caller went away, the request's deadline
     * ran out, Switchboard is shutting down): neither the provider's success nor its failure.
     */
    record Abandoned(String describe) implements Outcome {

        /** The caller went away. */
        public static final Abandoned CALLER_GONE = new Abandoned("the caller went away");

        @Override
        public boolean failsOver() {
            return false;
        }

        @Override
        public String tag() {
            return "cancelled";
        }

        @Override
        public void settle(ProviderGuard guard, ProviderGuard.Permit permit) {
            permit.neutral();
        }
    }
}
