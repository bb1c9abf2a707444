package dev.switchboard.config;

import java.util.List;

/**
 * A policy that cannot be used, with every problem found, each naming its YAML path
 * ({@code routes.fast.targets[1].provider: no provider 'antropic'}).
 */
public final class PolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final List<String> problems;

    public PolicyException(String source, List<String> problems) {
        super("invalid policy " + source + ": " + String.join("; ", problems), null, false, false);
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file (or built-in policy) the problems are in. */
    public String source() {
        return source;
    }

    /** Each problem as {@code yaml.path: message}. */
    public List<String> problems() {
        return problems;
    }
}
