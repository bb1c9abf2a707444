package dev.switchboard.upstream;

import dev.switchboard.schema.SseEvent;
import io.smallrye.mutiny.Multi;

/**
 * A provider's HTTP answer. For a stream that the provider accepted ({@code 200} with {@code text/event-stream}),
 * {@code events} holds its events and {@code body} is null; otherwise {@code body} holds the whole (usually JSON) body
 * and {@code events} is null.
 *
 * @param retryAfter the Retry-After header, or null
 */
// the body is passed along, never compared or hashed: a record's array identity is all it needs
@SuppressWarnings("ArrayRecordComponent")
public record UpstreamResponse(int status, String contentType, byte[] body, String retryAfter, Multi<SseEvent> events) {

    public boolean isStream() {
        return events != null;
    }
}
