package dev.switchboard.reload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.config.PolicyConfig;
import dev.switchboard.config.PolicyException;
import dev.switchboard.config.PolicyParser;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.policy.PolicyCompiler;
import dev.switchboard.policy.SecretSource;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderFactory;
import dev.switchboard.routing.ActivePolicy;
import dev.switchboard.routing.PolicyState;
import dev.switchboard.routing.ProbeScheduler;
import dev.switchboard.routing.ProviderStates;
import dev.switchboard.routing.TargetStatsRegistry;
import dev.switchboard.strategy.Strategies;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.mutiny.core.Vertx;

/**
 * Loads the policy at start-up: the file named by {@code switchboard.policy} ({@code SWITCHBOARD_POLICY}), or the
 * built-in demo policy when there is no such file. An invalid policy stops start-up with every problem and its YAML
 * path in the log, and a non-zero exit.
 */
@ApplicationScoped
public class PolicyLoader {

    static final String DEMO_RESOURCE = "switchboard/demo-policy.yaml";
    static final String DEMO_SOURCE = "built-in demo policy";

    private static final Logger LOGGER = Logger.getLogger(PolicyLoader.class);

    private final PolicyState state;
    private final TargetStatsRegistry stats;
    private final ProviderStates providerStates;
    private final ProbeScheduler probes;
    private final Vertx vertx;
    private final String policyPath;
    private final PolicyParser parser = new PolicyParser();
    private final PolicyCompiler compiler;

    @Inject
    public PolicyLoader(PolicyState state, TargetStatsRegistry stats, ProviderStates providerStates,
            ProbeScheduler probes, Vertx vertx,
            @ConfigProperty(name = "switchboard.policy", defaultValue = "/etc/switchboard/policy.yaml") String policyPath) {
        this(state, stats, providerStates, probes, vertx, policyPath, new FileSecrets());
    }

    PolicyLoader(PolicyState state, TargetStatsRegistry stats, ProviderStates providerStates, ProbeScheduler probes,
            Vertx vertx, String policyPath, SecretSource secrets) {
        this.state = state;
        this.stats = stats;
        this.providerStates = providerStates;
        this.probes = probes;
        this.vertx = vertx;
        this.policyPath = policyPath;
        this.compiler = new PolicyCompiler(Strategies.names(), Strategies.priced(), ProviderFactory.TYPES, secrets);
    }

    void onStart(@Observes StartupEvent event) {
        try {
            load();
        } catch (PolicyException e) {
            LOGGER.errorf("Switchboard cannot start: the policy is invalid (%s):%n  %s", e.source(),
                    String.join(System.lineSeparator() + "  ", e.problems()));
            throw new InvalidPolicyAtStartup(e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        state.current().ifPresent(policy -> policy.providers().values().forEach(Provider::close));
    }

    /** Reads, validates and activates the policy. */
    public ActivePolicy load() throws PolicyException {
        Path path = Path.of(policyPath);
        String yaml;
        String source;
        boolean demo;
        if (Files.isRegularFile(path)) {
            try {
                yaml = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new PolicyException(path.toString(), java.util.List.of("(file): cannot read: " + e.getMessage()));
            }
            source = path.toString();
            demo = false;
        } else {
            yaml = demoPolicy();
            source = DEMO_SOURCE;
            demo = true;
            LOGGER.warnf("No policy file at %s (set SWITCHBOARD_POLICY or switchboard.policy): serving the %s, "
                    + "with mock providers only and no API keys", path, DEMO_SOURCE);
        }
        PolicyConfig config = parser.parse(yaml, source);
        RoutingTable table = compiler.compile(config, source);
        ProviderFactory factory = new ProviderFactory(vertx);
        Map<String, Provider> providers = new LinkedHashMap<>();
        for (ProviderSpec spec : table.providers().values()) {
            providers.put(spec.name(), factory.create(spec));
        }
        ActivePolicy active = ActivePolicy.activate(table, providers,
                providerStates.forProviders(table.providers().values()), stats, source, demo, Instant.now());
        ActivePolicy previous = state.swap(active);
        probes.schedule(active);
        if (previous != null) {
            previous.providers().values().forEach(Provider::close);
        }
        LOGGER.infof("Policy loaded from %s: routes %s, providers %s", source, table.routes().keySet(),
                table.providers().keySet());
        return active;
    }

    private static String demoPolicy() {
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEMO_RESOURCE + " is missing from the application");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEMO_RESOURCE, e);
        }
    }

    /** Start-up stops on an invalid policy; the log above names every problem. */
    static final class InvalidPolicyAtStartup extends ConfigurationException {
        InvalidPolicyAtStartup(PolicyException cause) {
            super(cause.getMessage());
        }
    }
}
