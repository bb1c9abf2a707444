package dev.switchboard.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.switchboard.model.Target;

/** The {@code x-switchboard-*} headers of every proxied answer, and the content headers of JSON and streams. */
public final class ResponseHeaders {

    public static final String PROVIDER = "x-switchboard-provider";
    public static final String MODEL = "x-switchboard-model";
    public static final String ATTEMPTS = "x-switchboard-attempts";
    /** Present when the target has a price: the answer's cost in USD (non-streaming answers). */
    public static final String COST = "x-switchboard-cost-usd";

    private ResponseHeaders() {
    }

    /** Which provider and model answered (or, on an error, were tried last), and how many attempts were made. */
    static Map<String, List<String>> of(Target target, int attempts) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put(PROVIDER, List.of(target.provider()));
        headers.put(MODEL, List.of(target.model()));
        headers.put(ATTEMPTS, List.of(Integer.toString(attempts)));
        return headers;
    }

    static Map<String, List<String>> json(Target target, int attempts, String contentType) {
        Map<String, List<String>> headers = of(target, attempts);
        headers.put("Content-Type", List.of(contentType != null ? contentType : "application/json"));
        return headers;
    }

    /** A relayed event stream: never cached, never buffered by a proxy in between. */
    static Map<String, List<String>> stream(Target target, int attempts) {
        Map<String, List<String>> headers = of(target, attempts);
        headers.put("Content-Type", List.of("text/event-stream; charset=utf-8"));
        headers.put("Cache-Control", List.of("no-cache"));
        headers.put("X-Accel-Buffering", List.of("no"));
        return headers;
    }
}
