package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** What a caller got, in the benchmark's classes, with a one-line account of why. */
record ChaosVerdict(Kind kind, String detail) {

    enum Kind {
        WHOLE("whole", true),
        EXPLICIT_ERROR("explicit error", true),
        LOST("lost", false),
        TRUNCATED("truncated", false),
        WRONG_STATUS("wrong status", false);

        final String label;
        final boolean acceptable;

        Kind(String label, boolean acceptable) {
            this.label = label;
            this.acceptable = acceptable;
        }
    }

    private static final int EXCERPT = 200;

    /**
     * @param hits the attempts of this request that reached a fake, in order (the last one is the one the proxy
     *        answered from)
     * @param maxAttempts the route's {@code retry.max-attempts}: when that many attempts all failed an error is fair
     */
    static ChaosVerdict of(ChaosCall.Result result, List<ChaosLedger.Hit> hits, int maxAttempts) {
        String body = result.body() == null ? "" : result.body();
        if (result.timedOut()) {
            return new ChaosVerdict(Kind.LOST, "no answer within the caller's deadline (status "
                    + (result.status() == 0 ? "none" : result.status()) + ", " + body.length() + " body bytes)");
        }
        if (result.status() == 0) {
            return new ChaosVerdict(Kind.LOST, "no status line: " + describe(result.error()));
        }
        if (result.status() != 200) {
            JsonNode json = ChaosWire.parse(body);
            if (!ChaosWire.isOpenAiError(json)) {
                return new ChaosVerdict(Kind.WRONG_STATUS,
                        "HTTP " + result.status() + " without an OpenAI error body: " + excerpt(body));
            }
            String what = "HTTP " + result.status() + " " + json.path("error").path("code").asText("")
                    + ": " + excerpt(json.path("error").path("message").asText());
            if (failedAttempts(result, hits) >= maxAttempts) {
                return new ChaosVerdict(Kind.EXPLICIT_ERROR, what + " (every attempt failed)");
            }
            return new ChaosVerdict(Kind.WRONG_STATUS, what + " (a healthy provider was left to try)");
        }
        return result.stream() ? stream(result, body, hits) : json(result, body);
    }

    /** Attempts that failed: faults the fakes injected, plus attempts that never reached one (the closed port). */
    static int failedAttempts(ChaosCall.Result result, List<ChaosLedger.Hit> hits) {
        int faulted = (int) hits.stream().filter(h -> h.fault() != null).count();
        return faulted + refusedAttempts(result, hits);
    }

    /** Attempts the proxy counted that reached no fake: connection refused by the closed port. */
    static int refusedAttempts(ChaosCall.Result result, List<ChaosLedger.Hit> hits) {
        if (result.attempts() == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(result.attempts().strip()) - hits.size());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static ChaosVerdict json(ChaosCall.Result result, String body) {
        if (body.isEmpty()) {
            return new ChaosVerdict(Kind.LOST, "200 with an empty body" + broken(result));
        }
        if (result.error() != null) {
            return new ChaosVerdict(Kind.TRUNCATED,
                    "200 JSON, the connection broke after " + body.length() + " bytes" + broken(result));
        }
        JsonNode json = ChaosWire.parse(body);
        if (json == null) {
            return new ChaosVerdict(Kind.TRUNCATED, "200 JSON that does not parse: " + excerpt(body));
        }
        if (!json.path("choices").isArray() || json.path("choices").isEmpty()) {
            return new ChaosVerdict(Kind.TRUNCATED, "200 JSON without choices: " + excerpt(body));
        }
        String text = json.path("choices").path(0).path("message").path("content").asText("");
        if (!text.equals(ChaosWire.COMPLETION_TEXT)) {
            return new ChaosVerdict(Kind.TRUNCATED, "200 JSON with other content: " + excerpt(text));
        }
        return new ChaosVerdict(Kind.WHOLE, "200 JSON");
    }

    private static ChaosVerdict stream(ChaosCall.Result result, String body, List<ChaosLedger.Hit> hits) {
        String contentType = result.contentType() == null ? "" : result.contentType();
        if (!contentType.startsWith("text/event-stream")) {
            return new ChaosVerdict(Kind.WRONG_STATUS,
                    "200 " + contentType + " to a stream request: " + excerpt(body));
        }
        List<String> events = new ArrayList<>();
        for (String line : body.lines().toList()) {
            if (line.startsWith("data:")) {
                events.add(ChaosWire.data(line));
            }
        }
        if (events.isEmpty()) {
            return new ChaosVerdict(body.isBlank() ? Kind.LOST : Kind.TRUNCATED,
                    "200 stream without a data event (" + body.length() + " bytes)" + broken(result));
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            String data = events.get(i);
            boolean last = i == events.size() - 1;
            if (data.equals(ChaosWire.DONE)) {
                if (!last) {
                    return new ChaosVerdict(Kind.TRUNCATED, "events after [DONE]");
                }
                continue;
            }
            JsonNode event = ChaosWire.parse(data);
            if (event == null) {
                return new ChaosVerdict(Kind.TRUNCATED, "data event " + (i + 1) + " of " + events.size()
                        + " does not parse: " + excerpt(data));
            }
            if (event.has("error")) {
                if (!last) {
                    return new ChaosVerdict(Kind.TRUNCATED, "an error event followed by more events: " + excerpt(data));
                }
                if (!ChaosWire.isOpenAiError(event)) {
                    return new ChaosVerdict(Kind.WRONG_STATUS, "an error event that is not OpenAI-shaped: " + excerpt(data));
                }
                String what = "error event after " + i + " events: "
                        + excerpt(event.path("error").path("message").asText());
                ChaosLedger.Hit answered = hits.isEmpty() ? null : hits.get(hits.size() - 1);
                if (answered != null && answered.fault() != null && answered.fault().afterFirstEvent) {
                    return new ChaosVerdict(Kind.EXPLICIT_ERROR, what);
                }
                return new ChaosVerdict(Kind.WRONG_STATUS, what + " (no fault hit after a first event)");
            }
            text.append(event.path("choices").path(0).path("delta").path("content").asText(""));
        }
        if (!events.get(events.size() - 1).equals(ChaosWire.DONE)) {
            return new ChaosVerdict(Kind.TRUNCATED, "stream ended after " + events.size()
                    + " events without [DONE] or an error event" + broken(result));
        }
        if (!text.toString().equals(ChaosWire.STREAM_TEXT)) {
            return new ChaosVerdict(Kind.TRUNCATED, "stream with other content: " + excerpt(text.toString()));
        }
        return new ChaosVerdict(Kind.WHOLE, "200 stream");
    }

    private static String broken(ChaosCall.Result result) {
        return result.error() == null ? "" : " (" + describe(result.error()) + ")";
    }

    private static String describe(Throwable error) {
        if (error == null) {
            return "no error";
        }
        return error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
    }

    static String excerpt(String text) {
        String flat = text.replace("\n", "\\n").replace("\r", "\\r");
        return flat.length() <= EXCERPT ? flat : flat.substring(0, EXCERPT) + "...";
    }
}
