package dev.switchboard.strategy;

import java.util.List;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Target;

/**
 * Presets over capability metadata ({@code speed-tier}, {@code quality-tier}: low 1, medium 2, high 3, medium when
 * unset; {@code price}):
 * <ul>
 * <li>{@code cost}: cheapest estimated cost first; without prices, lowest quality tier first (the cheaper models);
 * <li>{@code quality}: highest quality tier first, then cheapest;
 * <li>{@code balanced}: highest quality + speed tiers first, then cheapest.
 * </ul>
 * Ties keep policy order.
 */
public final class TierStrategy implements Strategy {

    public static final String COST = "cost";
    public static final String QUALITY = "quality";
    public static final String BALANCED = "balanced";

    /** Cost weighs less than one tier step: it only breaks ties between equal tiers. */
    private static final double TIE_BREAK = 1e-6;

    private final String name;

    public TierStrategy(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Target> plan(List<Target> candidates, RequestTraits traits) {
        return switch (name) {
            case COST -> Plans.ascending(candidates, t -> t.price() != null ? LowestCostStrategy.cost(t, traits)
                    : 1e6 + t.qualityRank());
            case QUALITY -> Plans.ascending(candidates, t -> -t.qualityRank() + TIE_BREAK * costRank(t, traits));
            default -> Plans.ascending(candidates,
                    t -> -(t.qualityRank() + t.speedRank()) + TIE_BREAK * costRank(t, traits));
        };
    }

    /** A cost squeezed into [0, 1) so it never outweighs a tier; unknown prices count as the most expensive. */
    private static double costRank(Target target, RequestTraits traits) {
        double cost = LowestCostStrategy.cost(target, traits);
        return cost == Double.MAX_VALUE ? 0.999_999 : cost / (1 + cost);
    }
}
