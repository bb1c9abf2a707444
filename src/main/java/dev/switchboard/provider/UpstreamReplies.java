package dev.switchboard.provider;

import java.util.function.BiFunction;
import java.util.function.Function;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.openai.OpenAiErrors;
import dev.switchboard.upstream.UpstreamResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * How every HTTP adapter turns an upstream answer into a {@link Reply}: the provider's first-token-timeout, success or error
 * translation, and for streams the split at the first data event (keep-alives and an error event before any data do
 * not commit, so the router can still fail over). A success translation that throws (an answer that does not parse)
 * fails the attempt.
 */
public final class UpstreamReplies {

    private UpstreamReplies() {
    }

    /** A JSON call: a 2xx answer through {@code success}, any other through {@code error}. */
    public static Uni<Reply> json(ProviderSpec spec, Uni<UpstreamResponse> call, Function<UpstreamResponse, Reply> success,
            Function<UpstreamResponse, Reply> error) {
        return call.ifNoItem().after(spec.firstTokenTimeout()).failWith(() -> UpstreamTimeoutException.of(spec))
                .map(response -> response.status() / 100 == 2 ? success.apply(response) : error.apply(response));
    }

    /**
     * A streaming call: an accepted stream's events through {@code translate} (event by event, reporting usage as it
     * goes), any other answer through {@code error}. The first-token-timeout bounds the wait for the
     * first data event.
     */
    public static Uni<Reply> stream(ProviderSpec spec, Uni<UpstreamResponse> call,
            BiFunction<Multi<SseEvent>, StreamUsage, Multi<SseEvent>> translate, Function<UpstreamResponse, Reply> error) {
        return stream(spec, call, Dialect.OPENAI, translate, error);
    }

    /** {@link #stream} of a stream in {@code dialect}, which decides what is an error event. */
    public static Uni<Reply> stream(ProviderSpec spec, Uni<UpstreamResponse> call, Dialect dialect,
            BiFunction<Multi<SseEvent>, StreamUsage, Multi<SseEvent>> translate, Function<UpstreamResponse, Reply> error) {
        return call.onItem().transformToUni(response -> {
            if (!response.isStream()) {
                return Uni.createFrom().item(error.apply(response));
            }
            StreamUsage usage = new StreamUsage();
            return StreamHead.split(translate.apply(response.events(), usage),
                    e -> !e.isComment() && !dialect.isError(e))
                    .map(split -> (Reply) new Reply.Stream(split.first(), split.rest(), usage, dialect));
        }).ifNoItem().after(spec.firstTokenTimeout()).failWith(() -> UpstreamTimeoutException.of(spec));
    }

    /** A probe's status, failed after the provider's first-token-timeout. */
    public static Uni<Integer> probe(ProviderSpec spec, Uni<Integer> call) {
        return call.ifNoItem().after(spec.firstTokenTimeout()).failWith(() -> UpstreamTimeoutException.of(spec));
    }

    /** An OpenAI-shaped 400 for an operation this provider type does not serve. */
    public static Uni<Reply> unsupported(ProviderSpec spec, String message) {
        return Uni.createFrom().item(Reply.Complete.of(400, "application/json", OpenAiErrors.body(
                "Provider '" + spec.name() + "' (type " + spec.type() + ") " + message,
                OpenAiErrors.INVALID_REQUEST, "unsupported_endpoint"), null));
    }
}
