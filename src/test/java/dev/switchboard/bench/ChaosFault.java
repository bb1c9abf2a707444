package dev.switchboard.bench;

/**
 * What the faulty fake provider does instead of answering. Each fault has a form for JSON requests and one for
 * streams; {@link #afterFirstEvent} tells whether, in a stream, the first event reaches the caller before the fault
 * (the proxy has committed, so the caller can only get an explicit error event); every other fault happens before
 * the first byte and must be failed over.
 */
enum ChaosFault {
    RATE_LIMITED_RETRY_AFTER("429 with Retry-After: 1", "429 with Retry-After: 1", false),
    RATE_LIMITED("429 without Retry-After", "429 without Retry-After", false),
    SERVER_ERROR("500", "500", false),
    UNAVAILABLE("503", "503", false),
    RESET_BEFORE_BYTES("reset before any byte", "reset before any byte", false),
    RESET_MID_ANSWER("reset mid-body", "reset after the first event", true),
    HANG("hang: never answers", "hang: never answers", false),
    SLOW_FIRST_TOKEN("answers after the timeout + 1.5 s", "first event after the timeout + 1.5 s", false),
    STALL("half the body, then silence", "first event, then silence", true),
    CUT_BODY("half the body (Content-Length: all), then FIN", "first event, half an event, then FIN", true),
    MALFORMED_FIRST("200 with the JSON body {\"id\":", "malformed first data event", false),
    MALFORMED_LATER("200, half a JSON body (Content-Length: half)", "malformed data event after the first", true),
    NO_END("chunked JSON without the last chunk, then FIN", "ends without [DONE]", true),
    CLOSE_BEFORE_BYTES("connection closed (FIN) before any byte", "connection closed (FIN) before any byte", false);

    final String json;
    final String stream;
    final boolean afterFirstEvent;

    ChaosFault(String json, String stream, boolean afterFirstEvent) {
        this.json = json;
        this.stream = stream;
        this.afterFirstEvent = afterFirstEvent;
    }

    String describe(boolean streaming) {
        return streaming ? stream : json;
    }
}
