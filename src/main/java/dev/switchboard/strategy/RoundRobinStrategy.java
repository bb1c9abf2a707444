package dev.switchboard.strategy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Target;

/** {@code round-robin}: strict rotation per route; the plan continues with the targets after the chosen one. */
public final class RoundRobinStrategy implements Strategy {

    public static final String NAME = "round-robin";

    private final AtomicLong next = new AtomicLong();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Target> plan(List<Target> candidates, RequestTraits traits) {
        int start = (int) Math.floorMod(next.getAndIncrement(), (long) candidates.size());
        return Plans.rotated(candidates, start);
    }
}
