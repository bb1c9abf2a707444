package dev.switchboard.strategy;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

import dev.switchboard.model.Target;

/** Small helpers to build plans without sorting on values that change while being sorted. */
public final class Plans {

    private Plans() {
    }

    /**
     * The targets ordered by ascending key, ties in their given order. Keys are read once per target before sorting,
     * so statistics that change meanwhile cannot break the sort.
     */
    public static List<Target> ascending(List<Target> targets, ToDoubleFunction<Target> key) {
        int n = targets.size();
        Target[] out = targets.toArray(new Target[0]);
        double[] keys = new double[n];
        for (int i = 0; i < n; i++) {
            keys[i] = key.applyAsDouble(out[i]);
        }
        // insertion sort: stable, allocation-free, and fastest for the handful of targets a route has
        for (int i = 1; i < n; i++) {
            Target t = out[i];
            double k = keys[i];
            int j = i - 1;
            while (j >= 0 && keys[j] > k) {
                out[j + 1] = out[j];
                keys[j + 1] = keys[j];
                j--;
            }
            out[j + 1] = t;
            keys[j + 1] = k;
        }
        return Arrays.asList(out);
    }

    /** The targets with the one at {@code first} moved to the front, the rest in their given order. */
    public static List<Target> withFirst(List<Target> targets, int first) {
        if (first == 0) {
            return targets;
        }
        Target[] out = new Target[targets.size()];
        out[0] = targets.get(first);
        for (int i = 0, j = 1; i < targets.size(); i++) {
            if (i != first) {
                out[j++] = targets.get(i);
            }
        }
        return Arrays.asList(out);
    }

    /** The target at {@code first}, then the others by ascending key (ties in their given order). */
    public static List<Target> withFirstThenAscending(List<Target> targets, int first, ToDoubleFunction<Target> key) {
        int n = targets.size();
        Target[] out = new Target[n];
        double[] keys = new double[n];
        out[0] = targets.get(first);
        int j = 1;
        for (int i = 0; i < n; i++) {
            if (i == first) {
                continue;
            }
            Target t = targets.get(i);
            double k = key.applyAsDouble(t);
            int at = j++;
            while (at > 1 && keys[at - 1] > k) {
                out[at] = out[at - 1];
                keys[at] = keys[at - 1];
                at--;
            }
            out[at] = t;
            keys[at] = k;
        }
        return Arrays.asList(out);
    }

    /** {@code targets} rotated left by {@code start}. */
    public static List<Target> rotated(List<Target> targets, int start) {
        int n = targets.size();
        if (start % n == 0) {
            return targets;
        }
        Target[] out = new Target[n];
        for (int i = 0; i < n; i++) {
            out[i] = targets.get((start + i) % n);
        }
        return Arrays.asList(out);
    }
}
