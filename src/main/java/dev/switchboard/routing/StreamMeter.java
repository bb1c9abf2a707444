package dev.switchboard.routing;

import java.nio.charset.StandardCharsets;

import dev.switchboard.model.Target;
import dev.switchboard.schema.SseEvent;

/**
 * Counts one relayed stream's usage: the exact figures of a final usage chunk when the stream carries one, else an
 * estimate (prompt: request bytes / 4; completion: one token per content chunk), recorded when the stream ends.
 * Events are seen one at a time, in order.
 */
final class StreamMeter {

    private final UsageLedger ledger;
    private final Target target;
    private final int estimatedPrompt;
    private final java.util.function.Consumer<UsageLedger.Usage> listener;
    private UsageLedger.Usage reported;
    private long chunks;
    private boolean recorded;

    StreamMeter(UsageLedger ledger, Target target, int estimatedPrompt,
            java.util.function.Consumer<UsageLedger.Usage> listener) {
        this.listener = listener;
        this.ledger = ledger;
        this.target = target;
        this.estimatedPrompt = estimatedPrompt;
    }

    void see(SseEvent event) {
        String data = event.data();
        if (data == null || event.isDone()) {
            return;
        }
        if (data.contains("\"usage\":{")) {
            UsageLedger.Usage usage = UsageLedger.scan(data.getBytes(StandardCharsets.UTF_8));
            if (usage != null) {
                reported = usage;
            }
        }
        if (data.contains("\"content\":\"") || data.contains("\"text\":\"") || data.contains("\"arguments\":\"")) {
            chunks++;
        }
    }

    void end() {
        if (recorded) {
            return;
        }
        recorded = true;
        UsageLedger.Usage usage = reported != null ? reported : new UsageLedger.Usage(estimatedPrompt, chunks, true);
        ledger.record(target, usage);
        listener.accept(usage);
    }
}
