package dev.switchboard.provider;

import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.Usage;
import io.smallrye.mutiny.Multi;

/**
 * What one attempt got back from a provider, in OpenAI's format (or, passed through, in the caller's own schema: its
 * {@link Dialect}), with the usage the adapter read while
 * translating it. Transport failures (refused, reset, timed out) and answers that do not parse are not replies: they
 * fail the attempt's {@code Uni}.
 */
public sealed interface Reply {

    /** The HTTP status the provider answered with. */
    int status();

    /**
     * A whole response: a JSON body, or an error of any status.
     *
     * @param retryAfter the upstream's Retry-After header, or null
     * @param usage the answer's token counts as the provider reported them, or null (errors, or none reported)
     */
    // the body is passed along, never compared or hashed: a record's array identity is all it needs
    @SuppressWarnings("ArrayRecordComponent")
    record Complete(int status, String contentType, byte[] body, String retryAfter, Usage usage, Dialect dialect)
            implements
                Reply {

        /** An answer in OpenAI's format. */
        public Complete(int status, String contentType, byte[] body, String retryAfter, Usage usage) {
            this(status, contentType, body, retryAfter, usage, Dialect.OPENAI);
        }

        /** An answer with no usage: an error, or a body that reports none. */
        public static Complete of(int status, String contentType, byte[] body, String retryAfter) {
            return new Complete(status, contentType, body, retryAfter, null);
        }
    }

    /**
     * A stream that has started: its first data event has arrived (failover is no longer possible), and the rest
     * follows. The rest must be subscribed exactly once, or cancelled, to release the upstream connection.
     *
     * @param usage filled by the adapter as the events pass: read it once the stream has ended
     */
    record Stream(SseEvent first, Multi<SseEvent> rest, StreamUsage usage, Dialect dialect) implements Reply {

        /** A stream in OpenAI's format. */
        public Stream(SseEvent first, Multi<SseEvent> rest, StreamUsage usage) {
            this(first, rest, usage, Dialect.OPENAI);
        }

        @Override
        public int status() {
            return 200;
        }
    }
}
