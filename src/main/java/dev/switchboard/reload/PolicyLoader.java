package dev.switchboard.reload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.config.PolicyConfig;
import dev.switchboard.config.PolicyException;
import dev.switchboard.config.PolicyParser;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.policy.PolicyCompiler;
import dev.switchboard.policy.SecretSource;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderFactory;
import dev.switchboard.routing.ActivePolicy;
import dev.switchboard.routing.PolicyState;
import dev.switchboard.routing.PolicyStatus;
import dev.switchboard.routing.ProbeScheduler;
import dev.switchboard.routing.ProviderState;
import dev.switchboard.routing.ProviderStates;
import dev.switchboard.routing.TargetStatsRegistry;
import dev.switchboard.strategy.Strategies;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.vertx.mutiny.core.Vertx;

/**
 * Loads the policy at start-up, then watches it: the file named by {@code switchboard.policy}
 * ({@code SWITCHBOARD_POLICY}), or the built-in demo policy when there is no such file. Every
 * {@code switchboard.reload-interval} the file's content hash is compared (following symlinks, so the kubelet's
 * {@code ..data} swap is seen like an in-place rewrite); a changed file is parsed, validated and compiled fully, and
 * only then swapped in. An invalid file never replaces the running policy: it is logged with its YAML paths, counted
 * and shown in readiness and the admin API. Unchanged providers keep their client and state; replaced or removed
 * providers are closed once their requests in flight have ended.
 */
@ApplicationScoped
public class PolicyLoader {

    static final String DEMO_RESOURCE = "switchboard/demo-policy.yaml";
    static final String DEMO_SOURCE = "built-in demo policy";
    private static final Duration RETIRE_LIMIT = Duration.ofMinutes(15);

    private static final Logger LOGGER = Logger.getLogger(PolicyLoader.class);

    private final PolicyState state;
    private final PolicyStatus status;
    private final TargetStatsRegistry stats;
    private final ProviderStates providerStates;
    private final ProbeScheduler probes;
    private final Metrics metrics;
    private final Vertx vertx;
    private final String policyPath;
    private final Duration interval;
    private final PolicyParser parser = new PolicyParser();
    private final PolicyCompiler compiler;
    private final Map<String, Provider> providers = new LinkedHashMap<>();
    private String seenHash;
    private long timer = -1;

    @Inject
    public PolicyLoader(PolicyState state, PolicyStatus status, TargetStatsRegistry stats,
            ProviderStates providerStates, ProbeScheduler probes, Metrics metrics, Vertx vertx,
            @ConfigProperty(name = "switchboard.policy", defaultValue = "/etc/switchboard/policy.yaml") String policyPath,
            @ConfigProperty(name = "switchboard.reload-interval", defaultValue = "2s") Duration interval) {
        this(state, status, stats, providerStates, probes, metrics, vertx, policyPath, interval, new FileSecrets());
    }

    PolicyLoader(PolicyState state, PolicyStatus status, TargetStatsRegistry stats, ProviderStates providerStates,
            ProbeScheduler probes, Metrics metrics, Vertx vertx, String policyPath, Duration interval,
            SecretSource secrets) {
        this.state = state;
        this.status = status;
        this.stats = stats;
        this.providerStates = providerStates;
        this.probes = probes;
        this.metrics = metrics;
        this.vertx = vertx;
        this.policyPath = policyPath;
        this.interval = interval;
        this.compiler = new PolicyCompiler(Strategies.names(), Strategies.priced(), ProviderFactory.TYPES, secrets);
    }

    void onStart(@Observes StartupEvent event) {
        try {
            loadAtStart();
        } catch (PolicyException e) {
            metrics.reload(false);
            LOGGER.errorf("Switchboard cannot start: the policy is invalid (%s):%n  %s", e.source(),
                    String.join(System.lineSeparator() + "  ", e.problems()));
            throw new InvalidPolicyAtStartup(e);
        }
        metrics.policyLoaded(() -> state.current().map(p -> p.loadedAt().getEpochSecond()).orElse(0L));
        if (!interval.isZero() && !interval.isNegative()) {
            timer = vertx.setPeriodic(interval.toMillis(), id -> vertx.executeBlocking(() -> {
                checkForChange();
                return null;
            }).subscribe().with(ignored -> {
            }, failure -> LOGGER.errorf(failure, "policy reload check failed")));
        }
    }

    synchronized void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        providers.values().forEach(Provider::close);
    }

    /** Reads and activates the policy at start-up: the file, or the demo policy when there is none. */
    synchronized ActivePolicy loadAtStart() throws PolicyException {
        Path path = Path.of(policyPath);
        if (Files.isRegularFile(path)) {
            byte[] content = read(path);
            seenHash = hash(content);
            return activate(new String(content, StandardCharsets.UTF_8), path.toString(), false, seenHash);
        }
        LOGGER.warnf("No policy file at %s (set SWITCHBOARD_POLICY or switchboard.policy): serving the %s, "
                + "with mock providers only and no API keys", path, DEMO_SOURCE);
        String demo = demoPolicy();
        return activate(demo, DEMO_SOURCE, true, hash(demo.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Compares the file's hash with the last one seen and, when it changed, loads it. Runs on a worker thread. Returns
     * whether a new policy became active.
     */
    public synchronized boolean checkForChange() {
        Path path = Path.of(policyPath);
        if (!Files.isRegularFile(path)) {
            return false;
        }
        byte[] content;
        try {
            content = read(path);
        } catch (PolicyException e) {
            return false;
        }
        String hash = hash(content);
        if (hash.equals(seenHash)) {
            return false;
        }
        seenHash = hash;
        try {
            activate(new String(content, StandardCharsets.UTF_8), path.toString(), false, hash);
            return true;
        } catch (PolicyException e) {
            metrics.reload(false);
            status.refused(hash, e.problems());
            LOGGER.errorf("The changed policy %s (sha256 %s) is invalid and was NOT applied; the running policy stays:%n  %s",
                    path, hash.substring(0, 12), String.join(System.lineSeparator() + "  ", e.problems()));
            return false;
        } catch (RuntimeException e) {
            metrics.reload(false);
            status.refused(hash, List.of("(file): " + e.getMessage()));
            LOGGER.errorf(e, "The changed policy %s could not be applied; the running policy stays", path);
            return false;
        }
    }

    private ActivePolicy activate(String yaml, String source, boolean demo, String hash) throws PolicyException {
        PolicyConfig config = parser.parse(yaml, source);
        RoutingTable table = compiler.compile(config, source);
        ProviderFactory factory = new ProviderFactory(vertx);
        Map<String, Provider> next = new LinkedHashMap<>();
        List<Provider> retired = new java.util.ArrayList<>();
        for (ProviderSpec spec : table.providers().values()) {
            Provider existing = providers.get(spec.name());
            next.put(spec.name(), existing != null && existing.spec().equals(spec) ? existing : factory.create(spec));
        }
        providers.forEach((name, provider) -> {
            if (next.get(name) != provider) {
                retired.add(provider);
            }
        });
        Map<String, ProviderState> states = providerStates.forProviders(table.providers().values());
        ActivePolicy previous = state.current().orElse(null);
        ActivePolicy active = ActivePolicy.activate(table, next, states, stats, source, demo, Instant.now());
        state.swap(active);
        providers.clear();
        providers.putAll(next);
        status.loaded(hash);
        metrics.reload(true);
        probes.schedule(active);
        for (String name : states.keySet()) {
            metrics.provider(name, () -> current(name).map(s -> (Number) s.health().snapshot().inFlight()).orElse(0),
                    () -> current(name).map(s -> (Number) breakerCode(s.guard().state())).orElse(0));
        }
        if (previous != null) {
            for (Provider provider : retired) {
                retire(provider, previous.state(provider.spec().name()));
            }
        }
        LOGGER.infof("Policy loaded from %s (sha256 %s): routes %s, providers %s", source, hash.substring(0, 12),
                table.routes().keySet(), table.providers().keySet());
        return active;
    }

    private java.util.Optional<ProviderState> current(String name) {
        return state.current().map(p -> p.state(name));
    }

    private static int breakerCode(CircuitBreakerState state) {
        return switch (state) {
            case HALF_OPEN -> 1;
            case OPEN -> 2;
            default -> 0;
        };
    }

    /** Closes a provider that left the policy once the requests it still serves have ended. */
    private void retire(Provider provider, ProviderState oldState) {
        long deadline = System.nanoTime() + RETIRE_LIMIT.toNanos();
        vertx.setPeriodic(1000, id -> {
            if (oldState == null || oldState.health().snapshot().inFlight() <= 0 || System.nanoTime() > deadline) {
                vertx.cancelTimer(id);
                provider.close();
                LOGGER.debugf("closed provider '%s' of a previous policy version", provider.spec().name());
            }
        });
    }

    private static byte[] read(Path path) throws PolicyException {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new PolicyException(path.toString(), List.of("(file): cannot read: " + e.getMessage()));
        }
    }

    static String hash(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String demoPolicy() {
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
