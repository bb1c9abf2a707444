package dev.switchboard.testing;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), doing what {@code promtool check metrics} does
 * for syntax: every sample line parses, metric and label names are valid, each family has at most one TYPE and HELP
 * declared before its samples, label values are properly escaped, and no series appears twice.
 */
public final class Exposition {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*)\\})?"
                    + " ([-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|NaN|\\+Inf|-Inf))( -?[0-9]+)?");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private final Map<String, Double> series = new LinkedHashMap<>();

    private Exposition() {
    }

    /** Parses and checks the exposition; throws {@link IllegalArgumentException} naming the first bad line. */
    public static Exposition parse(String text) {
        Exposition result = new Exposition();
        Map<String, String> types = new HashMap<>();
        Set<String> helps = new HashSet<>();
        Set<String> sampled = new HashSet<>();
        int number = 0;
        for (String line : text.lines().toList()) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# TYPE ") || line.startsWith("# HELP ")) {
                String[] parts = line.split(" ", 4);
                if (parts.length < 4 || !NAME.matcher(parts[2]).matches()) {
                    throw new IllegalArgumentException("line " + number + ": bad metadata: " + line);
                }
                if (sampled.contains(parts[2])) {
                    throw new IllegalArgumentException("line " + number + ": metadata after samples: " + line);
                }
                if (line.startsWith("# TYPE ")) {
                    if (!TYPES.contains(parts[3]) || types.put(parts[2], parts[3]) != null) {
                        throw new IllegalArgumentException("line " + number + ": bad or repeated TYPE: " + line);
                    }
                } else if (!helps.add(parts[2])) {
                    throw new IllegalArgumentException("line " + number + ": repeated HELP: " + line);
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("line " + number + ": not a valid sample: " + line);
            }
            String name = m.group(1);
            sampled.add(family(name, types));
            String key = name + "{" + (m.group(3) == null ? "" : m.group(3).replaceAll(",$", "")) + "}";
            if (result.series.put(key, Double.parseDouble(m.group(4).replace("+Inf", "Infinity")
                    .replace("-Inf", "-Infinity"))) != null) {
                throw new IllegalArgumentException("line " + number + ": duplicate series " + key);
            }
        }
        return result;
    }

    private static String family(String name, Map<String, String> types) {
        for (String suffix : new String[] { "_bucket", "_count", "_sum", "_total", "_created", "_max" }) {
            if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    /** The sum of every series of {@code name} whose labels include all of {@code labels} ({@code k="v"} pairs). */
    public double sum(String name, String... labels) {
        double total = 0;
        for (Map.Entry<String, Double> e : series.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= key.contains(label);
            }
            if (all) {
                total += e.getValue();
            }
        }
        return total;
    }

    public boolean has(String name, String... labels) {
        return series.keySet().stream().anyMatch(k -> k.startsWith(name + "{") && java.util.Arrays.stream(labels)
                .allMatch(k::contains));
    }
}
