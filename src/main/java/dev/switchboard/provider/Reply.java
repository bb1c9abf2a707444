package dev.switchboard.provider;

import dev.switchboard.schema.SseEvent;
import io.smallrye.mutiny.Multi;

/**
 * What one attempt got back from a provider, already in OpenAI's format. Transport failures (refused, reset, timed
 * out) are not replies: they fail the attempt's {@code Uni}.
 */
public sealed interface Reply {

    /** The HTTP status the provider answered with. */
    int status();

    /**
     * A whole response: a JSON body, or an error of any status.
     *
     * @param retryAfter the upstream's Retry-After header, or null
     */
    record Complete(int status, String contentType, byte[] body, String retryAfter) implements Reply {
    }

    /**
     * A stream that has started: its first data event has arrived (failover is no longer possible), and the rest
     * follows. The rest must be subscribed exactly once, or cancelled, to release the upstream connection.
     */
    record Stream(SseEvent first, Multi<SseEvent> rest) implements Reply {

        @Override
        public int status() {
            return 200;
        }
    }
}
