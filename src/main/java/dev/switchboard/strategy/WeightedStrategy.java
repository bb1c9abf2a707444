package dev.switchboard.strategy;

import java.util.List;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Target;

/**
 * {@code weighted}: smooth weighted round-robin (as in nginx): each target's share of first attempts matches its
 * weight exactly over every cycle, interleaved without bursts, and deterministic. Failover continues with the other
 * targets by descending weight.
 */
public final class WeightedStrategy implements Strategy {

    public static final String NAME = "weighted";

    private final long[] current;

    public WeightedStrategy(StrategyContext context) {
        this.current = new long[context.route().targets().size()];
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Target> plan(List<Target> candidates, RequestTraits traits) {
        int best = 0;
        synchronized (current) {
            long total = 0;
            long bestWeight = Long.MIN_VALUE;
            for (int i = 0; i < candidates.size(); i++) {
                Target t = candidates.get(i);
                current[t.index()] += t.weight();
                total += t.weight();
                if (current[t.index()] > bestWeight) {
                    bestWeight = current[t.index()];
                    best = i;
                }
            }
            current[candidates.get(best).index()] -= total;
        }
        return candidates.size() == 1 ? candidates
                : Plans.withFirstThenAscending(candidates, best, t -> -t.weight());
    }
}
