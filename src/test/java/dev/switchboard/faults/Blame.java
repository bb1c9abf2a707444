package dev.switchboard.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

import io.restassured.path.json.JsonPath;

/**
 * Which provider Switchboard blames, read from outside: {@code switchboard_provider_attempts_total{provider,model,
 * outcome}} on {@code /q/metrics}, and the router-health API.
 */
final class Blame {

    static final String ROUTER_HEALTH = "/api/v1/admin/router/health";

    private static final Pattern ATTEMPTS = Pattern.compile("^switchboard_provider_attempts_total\\{([^}]*)\\} (\\S+)$",
            Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private Blame() {
    }

    /** Attempts so far, by {@code provider/model/outcome}. */
    static Map<String, Integer> attempts() {
        Map<String, Integer> counts = new TreeMap<>();
        Matcher sample = ATTEMPTS.matcher(Caller.manage("/q/metrics"));
        while (sample.find()) {
            Map<String, String> labels = new HashMap<>();
            Matcher label = LABEL.matcher(sample.group(1));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            counts.merge(labels.get("provider") + "/" + labels.get("model") + "/" + labels.get("outcome"),
                    (int) Double.parseDouble(sample.group(2)), Integer::sum);
        }
        return counts;
    }

    /** The attempts counted since {@code before}, by {@code provider/model/outcome} (only those that changed). */
    static Map<String, Integer> since(Map<String, Integer> before) {
        Map<String, Integer> delta = new TreeMap<>();
        attempts().forEach((key, count) -> {
            int added = count - before.getOrDefault(key, 0);
            if (added != 0) {
                delta.put(key, added);
            }
        });
        return delta;
    }

    /**
     * Waits (a stream's attempt is settled when it ends, which may be just after the caller read its end) until the
     * attempts counted since {@code before} are exactly {@code expected}, as {@code provider/model/outcome} counts.
     */
    static void exactly(Map<String, Integer> before, Map<String, Integer> expected) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(since(before)).isEqualTo(new TreeMap<>(expected)));
    }

    /** A provider's entry of the router-health API. */
    /**
     * The provider's health once its breaker shows open: the breaker learns an attempt's end through a completion
     * stage SmallRye handles on the Vert.x context, so its state can trail the caller's answer by moments.
     */
    static Map<String, Object> healthOnceOpen(String provider) {
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> "open".equals(health(provider).get("breaker")));
        return health(provider);
    }

    static Map<String, Object> health(String provider) {
        List<Map<String, Object>> providers = JsonPath.from(Caller.manage(ROUTER_HEALTH)).getList("providers");
        return providers.stream().filter(p -> provider.equals(p.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no provider " + provider + " in " + providers));
    }
}
