package dev.switchboard.strategy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The strategies a policy may name, by YAML name. */
public final class Strategies {

    private final Map<String, Strategy> byName;

    public Strategies() {
        this(Map.of(FailoverStrategy.NAME, new FailoverStrategy()));
    }

    Strategies(Map<String, Strategy> byName) {
        this.byName = Map.copyOf(byName);
    }

    public Optional<Strategy> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The names, sorted, for validation messages. */
    public Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }
}
