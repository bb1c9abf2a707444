package dev.switchboard.translate;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.schema.openai.OpenAiFormat;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;

/**
 * The frame-by-frame walk shared by the stream translators: keep-alive comments pass as they are, chunks are
 * translated, {@code [DONE]} completes the stream, an error event (or an end without either) fails it; nothing passes
 * after the end. One instance per stream, used in the stream's serial order.
 */
abstract class ChatStreamTranslation {

    private boolean ended;

    /** The translated stream; {@code create} makes one fresh translator per subscription. */
    static Multi<Buffer> of(Multi<Buffer> chat, java.util.function.Supplier<ChatStreamTranslation> create) {
        return Multi.createFrom().deferred(() -> {
            ChatStreamTranslation translation = create.get();
            return chat.onItem().transformToIterable(translation::next).onCompletion()
                    .continueWith(translation::end);
        });
    }

    abstract void chunk(JsonNode chunk, List<Buffer> out);

    /** The chat stream ended with {@code [DONE]}. */
    abstract void complete(List<Buffer> out);

    /** The chat stream ended with an error ({@code {"message","code",...}}). */
    abstract void fail(JsonNode error, List<Buffer> out);

    private List<Buffer> next(Buffer frame) {
        List<Buffer> out = new ArrayList<>(4);
        if (ended) {
            return out;
        }
        ChatFrames.Frame read = ChatFrames.read(frame);
        switch (read.kind()) {
            case COMMENT -> out.add(frame);
            case CHUNK -> chunk(read.json(), out);
            case DONE -> {
                ended = true;
                complete(out);
            }
            case ERROR -> {
                ended = true;
                fail(read.json().path("error"), out);
            }
        }
        return out;
    }

    private List<Buffer> end() {
        List<Buffer> out = new ArrayList<>(2);
        if (!ended) {
            ended = true;
            fail(OpenAiFormat.error("the stream ended before it was complete", "upstream_error",
                    "stream_interrupted").path("error"), out);
        }
        return out;
    }
}
