package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

/** Failover is decided at the first committing item; after it, demand and cancellation pass straight through. */
class StreamHeadTest {

    @Test
    void resolvesAtTheFirstCommittingItemAndDropsItemsBeforeIt() {
        Multi<String> source = Multi.createFrom().items(":ping", "a", ":ping", "b");

        StreamHead.Split<String> split = StreamHead.split(source, s -> !s.startsWith(":"))
                .await().atMost(Duration.ofSeconds(1));

        assertThat(split.first()).isEqualTo("a");
        assertThat(split.rest().collect().asList().await().atMost(Duration.ofSeconds(1))).containsExactly(":ping", "b");
    }

    @Test
    void failsWhenTheSourceFailsOrEndsBeforeTheHead() {
        UniAssertSubscriber<StreamHead.Split<String>> failed = StreamHead
                .split(Multi.createFrom().<String> failure(new IllegalStateException("reset")), s -> true)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<StreamHead.Split<String>> empty = StreamHead
                .split(Multi.createFrom().items(":ping"), s -> !s.startsWith(":"))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        failed.assertFailedWith(IllegalStateException.class, "reset");
        empty.assertFailedWith(StreamHead.StreamEndedException.class);
    }

    @Test
    void requestsFromTheSourceOnlyWhatTheRestAsksFor() {
        AtomicLong requested = new AtomicLong();
        UnicastProcessor<String> processor = UnicastProcessor.create();
        Multi<String> source = processor.onRequest().invoke(requested::addAndGet);
        UniAssertSubscriber<StreamHead.Split<String>> head = StreamHead.split(source, s -> true)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        processor.onNext("first");
        StreamHead.Split<String> split = head.awaitItem().getItem();
        assertThat(requested.get()).isEqualTo(1);

        AssertSubscriber<String> rest = split.rest().subscribe().withSubscriber(AssertSubscriber.create(2));
        processor.onNext("a");
        processor.onNext("b");
        processor.onComplete();

        assertThat(requested.get()).isEqualTo(3);
        rest.assertItems("a", "b").assertCompleted();
    }

    @Test
    void cancellingTheRestCancelsTheSource() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Multi<String> source = Multi.createFrom().<String> emitter(e -> e.emit("first"))
                .onCancellation().invoke(() -> cancelled.set(true));
        StreamHead.Split<String> split = StreamHead.split(source, s -> true).await().atMost(Duration.ofSeconds(1));

        split.rest().subscribe().withSubscriber(AssertSubscriber.create(1)).cancel();

        assertThat(cancelled).isTrue();
    }

    @Test
    void cancellingBeforeTheHeadCancelsTheSource() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Multi<String> source = Multi.createFrom().<String> emitter(e -> {
        }).onCancellation().invoke(() -> cancelled.set(true));

        StreamHead.split(source, s -> true).subscribe().withSubscriber(UniAssertSubscriber.create()).cancel();

        assertThat(cancelled).isTrue();
    }
}
