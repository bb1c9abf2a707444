package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;

/** The drain's end signal reaches each open request once, none that left, and keeps no trace of those that left. */
class EndSignalTest {

    @Test
    void tellsEveryWatcherStillThereOnceAndForgetsThoseThatLeft() {
        EndSignal signal = new EndSignal("shutting down");
        List<AssertSubscriber<String>> open = new ArrayList<>();
        List<AssertSubscriber<String>> left = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            AssertSubscriber<String> watcher = Multi.createFrom().publisher(signal).subscribe()
                    .withSubscriber(AssertSubscriber.create(1));
            (i % 2 == 0 ? open : left).add(watcher);
        }
        left.forEach(AssertSubscriber::cancel);
        assertThat(signal.watching()).isEqualTo(open.size());

        signal.fire();
        signal.fire();

        open.forEach(watcher -> {
            watcher.assertItems("shutting down");
            assertThat(watcher.hasCompleted()).isFalse();
        });
        left.forEach(watcher -> assertThat(watcher.getItems()).isEmpty());
        assertThat(signal.watching()).isZero();
    }

    @Test
    void aLateWatcherIsToldAtOnceAndOnlyWhenItAsks() {
        EndSignal signal = new EndSignal("shutting down");
        signal.fire();

        AssertSubscriber<String> watcher = Multi.createFrom().publisher(signal).subscribe()
                .withSubscriber(AssertSubscriber.create(0));
        assertThat(watcher.getItems()).isEmpty();
        watcher.request(1);

        watcher.assertItems("shutting down");
        assertThat(signal.watching()).isZero();
    }
}
