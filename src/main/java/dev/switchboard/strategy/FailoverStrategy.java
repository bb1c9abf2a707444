package dev.switchboard.strategy;

import java.util.List;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Target;

/** {@code failover}: the targets in policy order: primary, secondary, and so on. */
public final class FailoverStrategy implements Strategy {

    public static final String NAME = "failover";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Target> plan(List<Target> candidates, RequestTraits traits) {
        return candidates;
    }
}
