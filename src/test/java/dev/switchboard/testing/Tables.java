package dev.switchboard.testing;

import java.util.Optional;
import java.util.Set;

import dev.switchboard.config.PolicyException;
import dev.switchboard.config.PolicyParser;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.policy.PolicyCompiler;
import dev.switchboard.policy.SecretSource;
import dev.switchboard.strategy.Strategies;

/** Routing tables compiled from a YAML string, as the loader would, with mock providers and no credentials. */
public final class Tables {

    /** A secret source with nothing in it: policies under test need no keys. */
    public static final SecretSource NO_SECRETS = new SecretSource() {
        @Override
        public Optional<String> env(String name) {
            return Optional.empty();
        }

        @Override
        public String file(String path) {
            return "";
        }
    };

    private Tables() {
    }

    /** Parses and compiles {@code yaml}; provider type {@code mock} only. */
    public static RoutingTable of(String yaml) throws PolicyException {
        return new PolicyCompiler(Strategies.names(), Strategies.priced(), Set.of("mock"), NO_SECRETS)
                .compile(new PolicyParser().parse(yaml, "test"), "test");
    }
}
