package dev.switchboard.reload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.config.PolicyException;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.policy.PolicyCompiler;
import dev.switchboard.policy.SecretSource;
import dev.switchboard.provider.ProviderFactory;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.resilience.ProviderStates;
import dev.switchboard.routing.ActivePolicy;
import dev.switchboard.routing.PolicyState;
import dev.switchboard.strategy.Strategies;
import dev.switchboard.strategy.TargetStatsRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.vertx.mutiny.core.Vertx;

/**
 * Loads the policy at start-up, then watches it: the file named by {@code switchboard.policy}
 * ({@code SWITCHBOARD_POLICY}), or the built-in demo policy when there is no such file. Every
 * {@code switchboard.reload-interval} the file's content hash is compared ({@link PolicyFile}); a changed file goes
 * through the {@link PolicyReload} stages and only then replaces the running policy. An invalid file never does: it
 * is logged with its YAML paths, counted and shown in readiness and the admin API. Each new version is announced as an
 * {@link ActivePolicy} CDI event (the active probes follow it).
 */
@ApplicationScoped
public class PolicyWatcher {

    private static final Logger LOGGER = Logger.getLogger(PolicyWatcher.class);
    /** Where the policy is read from when SWITCHBOARD_POLICY names none (the Kubernetes example mounts it there). */
    static final String CONVENTIONAL_PATH = "/etc/switchboard/policy.yaml";

    private final PolicyState state;
    private final Metrics metrics;
    private final Vertx vertx;
    private final Event<ActivePolicy> activated;
    private final Duration interval;
    private final PolicyFile file;
    private final ProviderPool pool;
    private final PolicyReload reload;
    private String seenHash;
    private long timer = -1;

    @Inject
    public PolicyWatcher(PolicyState state, TargetStatsRegistry stats, ProviderStates providerStates, Metrics metrics,
            Vertx vertx, Event<ActivePolicy> activated,
            @ConfigProperty(name = "switchboard.policy") Optional<String> policyPath,
            @ConfigProperty(name = "switchboard.reload-interval", defaultValue = "2s") Duration interval) {
        this(state, stats, providerStates, metrics, vertx, activated, policyPath, interval, new FileSecrets());
    }

    /**
     * @param policyPath the file the operator named, or empty for the conventional mount path (and the demo policy
     *        when nothing is there)
     */
    PolicyWatcher(PolicyState state, TargetStatsRegistry stats, ProviderStates providerStates, Metrics metrics, Vertx vertx,
            Event<ActivePolicy> activated, Optional<String> policyPath, Duration interval, SecretSource secrets) {
        this.state = state;
        this.metrics = metrics;
        this.vertx = vertx;
        this.activated = activated;
        this.interval = interval;
        this.file = new PolicyFile(Path.of(policyPath.filter(p -> !p.isBlank()).orElse(CONVENTIONAL_PATH)),
                policyPath.filter(p -> !p.isBlank()).isPresent());
        this.pool = new ProviderPool(vertx);
        this.reload = new PolicyReload(new PolicyCompiler(Strategies.names(), Strategies.priced(), ProviderFactory.TYPES,
                secrets), state, providerStates, stats, pool);
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
        metrics.policyFileReadable(() -> state.sourceProblem() == null ? 1 : 0);
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
        pool.closeAll();
    }

    /** Reads and activates the policy at start-up: the file, or the demo policy when there is none. */
    synchronized ActivePolicy loadAtStart() throws PolicyException {
        if (!file.exists() && !file.named()) {
            LOGGER.warnf("No policy file at %s (set SWITCHBOARD_POLICY or switchboard.policy): serving the %s, "
                    + "with mock providers only and no API keys", file.path(), PolicyFile.DEMO_SOURCE);
        }
        PolicyFile.Contents contents = file.atStart();
        if (!contents.demo()) {
            seenHash = contents.hash();
        }
        return activate(contents);
    }

    /**
     * Compares the file's hash with the last one seen and, when it changed, loads it. Runs on a worker thread. Returns
     * whether a new policy became active.
     */
    public synchronized boolean checkForChange() {
        if (seenHash != null && !watchable()) {
            return false;
        }
        Optional<PolicyFile.Contents> changed = file.ifChanged(seenHash);
        if (changed.isEmpty()) {
            return false;
        }
        PolicyFile.Contents contents = changed.get();
        seenHash = contents.hash();
        try {
            activate(contents);
            return true;
        } catch (PolicyException e) {
            metrics.reload(false);
            reload.refused(contents.hash(), e.problems());
            LOGGER.errorf("The changed policy %s (sha256 %s) is invalid and was NOT applied; the running policy stays:%n  %s",
                    contents.source(), contents.hash().substring(0, 12),
                    String.join(System.lineSeparator() + "  ", e.problems()));
            return false;
        } catch (RuntimeException e) {
            metrics.reload(false);
            reload.refused(contents.hash(), List.of("(file): " + e.getMessage()));
            LOGGER.errorf(e, "The changed policy %s could not be applied; the running policy stays", contents.source());
            return false;
        }
    }

    /**
     * Whether the active policy's file can be read; a file gone missing or unreadable is logged once (WARN), shown in
     * readiness and the admin API, and counted by a gauge, while the last good policy keeps serving.
     */
    private boolean watchable() {
        Optional<String> problem = file.problem();
        if (problem.isEmpty()) {
            if (state.sourceProblem() != null) {
                LOGGER.infof("The policy file %s can be read again", file.path());
                state.sourceBack();
            }
            return true;
        }
        PolicyState.SourceProblem known = state.sourceProblem();
        if (known == null || !known.problem().equals(problem.get())) {
            LOGGER.warnf("The policy file %s is %s; the policy loaded from it keeps serving until a valid file is "
                    + "back", file.path(), problem.get());
            state.sourceLost(problem.get());
        }
        return false;
    }

    private ActivePolicy activate(PolicyFile.Contents contents) throws PolicyException {
        ActivePolicy active = reload.apply(contents);
        metrics.reload(true);
        for (String name : active.states().keySet()) {
            metrics.provider(name, () -> current(name).map(s -> (Number) s.health().snapshot().inFlight()).orElse(0),
                    () -> current(name).map(s -> (Number) breakerCode(s.guard().state())).orElse(0));
            ProviderState state = active.states().get(name);
            if (state.adaptive() != null) {
                metrics.concurrencyLimit(name, () -> current(name)
                        .map(s -> (Number) (s.adaptive() != null ? s.adaptive().limit() : Double.NaN)).orElse(Double.NaN));
            }
            // Gemini and the mock report no budget in headers: no rate-limit series for them
            if (state.spec().rateLimit().admits()
                    && (state.spec().type().equals("openai") || state.spec().type().equals("anthropic"))) {
                metrics.rateLimitBudget(name, () -> current(name).map(s -> (Number) s.budget().requestsLeft()).orElse(-1),
                        () -> current(name).map(s -> (Number) s.budget().tokensLeft()).orElse(-1));
            }
        }
        activated.fire(active);
        return active;
    }

    private Optional<ProviderState> current(String name) {
        return state.current().map(p -> p.state(name));
    }

    private static int breakerCode(CircuitBreakerState state) {
        return switch (state) {
            case HALF_OPEN -> 1;
            case OPEN -> 2;
            default -> 0;
        };
    }

    /** Start-up stops on an invalid policy; the log above names every problem. */
    static final class InvalidPolicyAtStartup extends ConfigurationException {
        private static final long serialVersionUID = 1L;

        InvalidPolicyAtStartup(PolicyException cause) {
            super(cause.getMessage());
        }
    }
}
