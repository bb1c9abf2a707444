package dev.switchboard.provider;

import java.util.function.Supplier;

import dev.switchboard.config.FaultConfig;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.schema.openai.OpenAiErrors;
import io.smallrye.mutiny.Uni;

/**
 * Makes a provider's answer fail the way a real provider's does, for failover drills and mock providers: the router
 * sees exactly what it would see from the network (an error status, no answer until the first-token-timeout, a broken
 * connection, a late first token, a stream that breaks), so a drill tests the real failover path. Stateless.
 */
public final class Faults {

    private Faults() {
    }

    /**
     * The answer to one attempt with {@code fault} injected; {@code real} sends the attempt (not called for faults that
     * never reach the provider).
     */
    public static Uni<Reply> apply(FaultConfig fault, ProviderSpec spec, Supplier<Uni<Reply>> real) {
        return switch (fault.kind()) {
            case "status" -> Uni.createFrom().item(Reply.Complete.of(fault.status(), "application/json",
                    OpenAiErrors.body("Provider '" + spec.name() + "' answered " + fault.status() + " (injected fault)",
                            OpenAiErrors.SERVER, "injected_fault"),
                    null));
            case "hang" -> Uni.createFrom().<Reply> nothing().ifNoItem().after(spec.firstTokenTimeout())
                    .failWith(() -> UpstreamTimeoutException.of(spec));
            case "reset" -> Uni.createFrom().failure(new InjectedFault("connection reset (injected fault)"));
            case "slow-first-token" -> Uni.createFrom().voidItem().onItem().delayIt().by(fault.delay())
                    .onItem().transformToUni(v -> real.get())
                    .ifNoItem().after(spec.firstTokenTimeout()).failWith(() -> UpstreamTimeoutException.of(spec));
            case "cut-stream" -> real.get().onItem().transformToUni(reply -> cut(reply, fault.afterEvents()));
            default -> throw new IllegalArgumentException("unknown fault " + fault.kind());
        };
    }

    /** A stream that breaks after {@code events} events; a JSON answer that breaks before it is whole. */
    private static Uni<Reply> cut(Reply reply, int events) {
        if (reply instanceof Reply.Stream stream && events > 0) {
            return Uni.createFrom().item(new Reply.Stream(stream.first(), stream.rest().select().first(events - 1L)
                    .onCompletion().failWith(() -> new InjectedFault("stream cut after " + events
                            + " events (injected fault)")),
                    stream.usage(), stream.dialect()));
        }
        if (reply instanceof Reply.Stream stream) {
            stream.rest().subscribe().with(event -> {
            }, failure -> {
            }).cancel();
        }
        if (reply.status() >= 400) {
            return Uni.createFrom().item(reply);
        }
        return Uni.createFrom().failure(new InjectedFault("answer cut before it was whole (injected fault)"));
    }
}
