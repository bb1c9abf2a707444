package dev.switchboard.routing;

import java.util.List;
import java.util.Map;

/**
 * What each attempt of one request did, for the {@code x-switchboard-attempt-trail} header, the DEBUG log and the
 * trace: {@code openai;status=503;ms=12, anthropic;status=200;ms=340}, or {@code error=timeout} for an attempt that
 * got no HTTP answer. Bounded (an attempt plan is, and so is the text). Used from one attempt at a time.
 */
final class AttemptTrail {

    static final String HEADER = "x-switchboard-attempt-trail";
    /** Longest header value: past it the trail ends with an ellipsis. */
    private static final int MAX_LENGTH = 1024;

    private final StringBuilder text = new StringBuilder();
    private boolean full;

    /** An attempt that got an HTTP answer (for a stream: its first event, 200). */
    void answered(String provider, int status, long nanos) {
        add(provider, "status=" + status, nanos);
    }

    /** An attempt that got no HTTP answer: timeout, connect, broken, malformed, cancelled. */
    void failed(String provider, String error, long nanos) {
        add(provider, "error=" + error, nanos);
    }

    /** A wait for a throttled provider's {@code Retry-After} before retrying it. */
    void waited(String provider, long nanos) {
        add(provider, "retry-after", nanos);
    }

    private void add(String provider, String result, long nanos) {
        if (full) {
            return;
        }
        String entry = (text.length() > 0 ? ", " : "") + provider + ";" + result + ";ms=" + nanos / 1_000_000;
        if (text.length() + entry.length() > MAX_LENGTH) {
            text.append(", …");
            full = true;
            return;
        }
        text.append(entry);
    }

    /** Adds the header to {@code headers} when any attempt was made; returns them. */
    Map<String, List<String>> on(Map<String, List<String>> headers) {
        if (text.length() > 0) {
            headers.put(HEADER, List.of(text.toString()));
        }
        return headers;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
