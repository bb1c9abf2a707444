package dev.switchboard.routing;

import dev.switchboard.model.Target;
import dev.switchboard.provider.Reply;

/**
 * What one request's context-length failures allow: once a target found the prompt too long, only a target with a
 * larger context window (or one of unknown size not tried yet) may take it, and the last such answer is kept for the
 * caller in case none is left. Used by one request's attempt loop, never concurrently.
 */
final class TooLongPrompt {

    /** The last answer that found the prompt too long, or null while none did. */
    private Reply.Complete answer;
    /** The largest context window (0: unknown) among targets that found the prompt too long, or -1 for none. */
    private int window = -1;

    /** {@code target} answered that the prompt does not fit. */
    void failedOn(Target target, Reply.Complete complete) {
        answer = complete;
        window = Math.max(window, target.contextWindow());
    }

    /**
     * Whether {@code target} may still take the prompt: always before any context-length failure; after one, when its
     * context window is larger, or one of the two is unknown (an unknown one only if it was not tried yet).
     */
    boolean admits(Target target, boolean tried) {
        if (window < 0) {
            return true;
        }
        if (target.contextWindow() == 0) {
            return !tried;
        }
        return window == 0 || target.contextWindow() > window;
    }

    /** The provider's own context-length answer, for the caller when no larger target is left; null if none. */
    Reply.Complete answer() {
        return answer;
    }
}
