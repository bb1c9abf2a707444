package dev.switchboard.reload;

import java.time.Instant;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.switchboard.config.PolicyConfig;
import dev.switchboard.config.PolicyException;
import dev.switchboard.config.PolicyParser;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.policy.PolicyCompiler;
import dev.switchboard.provider.Provider;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.resilience.ProviderStates;
import dev.switchboard.routing.ActivePolicy;
import dev.switchboard.routing.PolicyState;
import dev.switchboard.strategy.TargetStatsRegistry;

/**
 * One policy load, in stages: (1) parse the YAML strictly, (2) validate and compile it into a routing table, (3) build
 * the new version (adapters from the pool, provider states kept for unchanged providers, route runtimes), (4) swap it
 * in atomically and retire what it no longer uses. A failure in stages 1–3 changes nothing: the running policy stays,
 * and the refusal is recorded. Used by one thread at a time.
 */
final class PolicyReload {

    private static final Logger LOGGER = Logger.getLogger(PolicyReload.class);

    private final PolicyParser parser = new PolicyParser();
    private final PolicyCompiler compiler;
    private final PolicyState state;
    private final ProviderStates providerStates;
    private final TargetStatsRegistry stats;
    private final ProviderPool pool;

    PolicyReload(PolicyCompiler compiler, PolicyState state, ProviderStates providerStates, TargetStatsRegistry stats,
            ProviderPool pool) {
        this.compiler = compiler;
        this.state = state;
        this.providerStates = providerStates;
        this.stats = stats;
        this.pool = pool;
    }

    /**
     * Loads {@code contents} and makes it the active policy.
     *
     * @throws PolicyException when it is invalid; nothing was changed
     */
    ActivePolicy apply(PolicyFile.Contents contents) throws PolicyException {
        PolicyConfig config = parser.parse(contents.yaml(), contents.source());
        RoutingTable table = compiler.compile(config, contents.source());
        Map<String, ProviderState> states = providerStates.forProviders(table.providers().values());
        Map<String, Provider> adapters = pool.adaptersFor(table, states);
        ActivePolicy next;
        try {
            next = ActivePolicy.activate(table, adapters, states, stats, contents.source(), contents.demo(),
                    Instant.now());
        } catch (RuntimeException e) {
            pool.discard(adapters);
            throw e;
        }
        ActivePolicy previous = state.swap(next, contents.hash());
        pool.commit(adapters, previous != null ? previous.states() : Map.of());
        LOGGER.infof("Policy loaded from %s (sha256 %s): routes %s, providers %s", contents.source(),
                contents.hash().substring(0, 12), table.routes().keySet(), table.providers().keySet());
        table.warnings().forEach(warning -> LOGGER.warnf("Policy %s: %s", contents.source(), warning));
        return next;
    }

    /** Records a refused file (readiness and the admin API show it until a valid file replaces it). */
    void refused(String hash, java.util.List<String> problems) {
        state.refused(hash, problems);
    }
}
