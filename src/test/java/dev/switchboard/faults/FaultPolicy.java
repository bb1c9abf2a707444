package dev.switchboard.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The fault suite's world: one {@link FaultyUpstream} and one policy that routes to it, shared by every class of this
 * package so that Quarkus starts once for all of them. Providers:
 * <ul>
 * <li>{@code faulty}, {@code healthy}: OpenAI type, both at the fake (a target's model picks the fault; {@code healthy}
 * targets use {@code ok})</li>
 * <li>{@code refused}: OpenAI type at a loopback port nothing listens on</li>
 * <li>{@code claude} (Anthropic type) and {@code gemini} (Gemini type) at the fake</li>
 * <li>{@code patient}: like {@code faulty} with 10s timeouts, so that only a route's request-timeout cuts it short</li>
 * <li>{@code limited}: {@code max-concurrency: 2}, 10s timeouts</li>
 * <li>one provider per breaker or pause test and stream mode ({@code cb-503-true}, {@code pause-false}, ...): breaker
 * state and pauses are per provider, so no test sees another's</li>
 * </ul>
 * Every provider has {@code first-token-timeout: 800ms}, {@code idle-timeout: 800ms} and {@code connect-timeout: 500ms}
 * unless named above; the shared providers' breakers never open (request-volume-threshold 100000) and a 429 does not
 * pause them ({@code max-pause: 0s}).
 *
 * <p>
 * Routes, for each fault {@code F} the fake knows: {@code r-F} tries {@code faulty} with model {@code F}, then
 * {@code healthy}; {@code only-F} tries {@code faulty} once ({@code retry.max-attempts: 1}). The others are listed in
 * {@link #routes()}.
 */
public class FaultPolicy implements QuarkusTestResourceLifecycleManager {

    /** Faults with an {@code r-F} and an {@code only-F} route. */
    static final List<String> FAULTS = List.of("408", "500", "502", "503", "504", "529", "429", "429-retry-after",
            "reset-before", "reset-after-first", "truncated", "hang", "slow-first-token", "stall", "malformed-json",
            "malformed-event-first", "malformed-event", "no-choices", "no-done", "context-length", "content-filter",
            "flapping");

    /** The breaker of these providers opens after this many failures in a row (cb-503-*, cb-reset-*, cb-malformed-*). */
    static final int BREAKER_VOLUME = 4;
    /** The same for the cb-stall-* providers, whose every failure costs an idle-timeout. */
    static final int STALL_BREAKER_VOLUME = 2;

    public static FaultyUpstream upstream;
    /** The fake that enforces rate and concurrency limits ({@code admits}, {@code counts}, {@code adaptive}, ...). */
    static LimitedUpstream limits;

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            upstream = new FaultyUpstream();
            limits = new LimitedUpstream();
            dir = Files.createTempDirectory("switchboard-faults");
            Path policy = Files.writeString(dir.resolve("policy.yaml"),
                    policy(upstream.port(), closedPort(), limits.port()));
            return Map.of("switchboard.policy", policy.toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the faulty upstream", e);
        }
    }

    /**
     * After the module's global resources (FakeProviders also sets {@code switchboard.policy}): the properties of the
     * resource started last win.
     */
    @Override
    public int order() {
        return 100;
    }

    static String policy(int port, int closedPort, int limitsPort) {
        String fake = "http://127.0.0.1:" + port;
        String limited = "http://127.0.0.1:" + limitsPort + "/v1";
        StringBuilder yaml = new StringBuilder();
        yaml.append("""
                defaults:
                  strategy: failover
                  first-token-timeout: 800ms
                  idle-timeout: 800ms
                  connect-timeout: 500ms
                  retry: { max-attempts: 3, backoff: 0ms }
                  # the shared providers fail on purpose in every test: only the breaker tests' own providers trip
                  circuit-breaker: { failure-ratio: 0.5, request-volume-threshold: 100000, delay: 60s }
                  rate-limit: { default-pause: 0s, max-pause: 0s }
                providers:
                """);
        provider(yaml, "faulty", "openai", fake + "/v1", "");
        provider(yaml, "healthy", "openai", fake + "/v1", "");
        provider(yaml, "refused", "openai", "http://127.0.0.1:" + closedPort + "/v1", "");
        provider(yaml, "claude", "anthropic", fake, "");
        provider(yaml, "gemini", "gemini", fake, "");
        provider(yaml, "patient", "openai", fake + "/v1", "first-token-timeout: 10s, idle-timeout: 10s");
        // only the caller-disconnect tests use it: its connection pool holds nobody else's connections
        provider(yaml, "gone", "openai", fake + "/v1", "first-token-timeout: 10s, idle-timeout: 10s");
        provider(yaml, "limited", "openai", fake + "/v1",
                "first-token-timeout: 10s, idle-timeout: 10s, max-concurrency: 2");
        for (boolean stream : new boolean[] { false, true }) {
            for (String family : List.of("cb-503", "cb-reset", "cb-malformed")) {
                provider(yaml, family + "-" + stream, "openai", fake + "/v1", "circuit-breaker: { failure-ratio: 1.0, "
                        + "request-volume-threshold: " + BREAKER_VOLUME + ", delay: 60s }");
            }
            provider(yaml, "cb-stall-" + stream, "openai", fake + "/v1", "circuit-breaker: { failure-ratio: 1.0, "
                    + "request-volume-threshold: " + STALL_BREAKER_VOLUME + ", delay: 60s }");
            provider(yaml, "throttled-" + stream, "openai", fake + "/v1",
                    "circuit-breaker: { failure-ratio: 1.0, request-volume-threshold: 2, delay: 60s }");
            provider(yaml, "pause-" + stream, "openai", fake + "/v1",
                    "rate-limit: { default-pause: 30s, max-pause: 60s }");
            provider(yaml, "retry-after-" + stream, "openai", fake + "/v1",
                    "rate-limit: { default-pause: 30s, max-pause: 60s }");
        }
        provider(yaml, "retry-after-short", "openai", fake + "/v1", "rate-limit: { default-pause: 30s, max-pause: 60s }");
        for (boolean stream : new boolean[] { false, true }) {
            // the budget and the adaptive limit are per provider: one per test and stream mode
            provider(yaml, "admits-on-" + stream, "openai", limited, "rate-limit: { admission: true }");
            provider(yaml, "admits-all-" + stream, "openai", limited, "rate-limit: { admission: true }");
            provider(yaml, "counts-" + stream, "openai", limited, "");
            provider(yaml, "adaptive-" + stream, "openai", limited, "concurrency: adaptive, max-concurrency: 50");
            provider(yaml, "fixed-" + stream, "openai", limited, "");
            provider(yaml, "drilled-" + stream, "openai", fake + "/v1", "");
            provider(yaml, "hedged-" + stream, "openai", fake + "/v1", "first-token-timeout: 10s, idle-timeout: 10s");
            yaml.append("  mock-fault-").append(stream).append(": { type: mock, mock: { failure-rate: 1.0, fault: { kind: ")
                    .append(stream ? "cut-stream, after-events: 2" : "reset").append(" } } }\n");
        }
        yaml.append("routes:\n").append(routes());
        yaml.append("  hedge-budget: { hedge: { after: 200ms, max-rate: 1% }, targets: [ { provider: hedged-false, ")
                .append("model: \"slow-first-token#budget\" }, { provider: healthy, model: ok } ] }\n");
        for (boolean stream : new boolean[] { false, true }) {
            String m = "-" + stream;
            yaml.append("  hedge-late").append(m).append(": { hedge: { after: 200ms, max-rate: 100% }, targets: [ ")
                    .append("{ provider: hedged").append(m).append(", model: \"slow-first-token#late").append(m)
                    .append("\" }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  hedge-fast").append(m).append(": { hedge: { after: 2s }, targets: [ { provider: hedged")
                    .append(m).append(", model: \"ok#fast").append(m).append("\" }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  hedge-both").append(m).append(": { hedge: { after: 200ms, max-rate: 1.0 }, targets: [ ")
                    .append("{ provider: hedged").append(m).append(", model: \"slow-first-token#both").append(m)
                    .append("\" }, { provider: faulty, model: \"503#hedge").append(m)
                    .append("\" }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  drill").append(m).append(": { targets: [ { provider: drilled").append(m)
                    .append(", model: ok }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  drill-mock").append(m).append(": { targets: [ { provider: mock-fault").append(m)
                    .append(", model: m }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  admission-on").append(m).append(": { targets: [ { provider: admits-on").append(m)
                    .append(", model: \"budget#on").append(m).append("\" }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  admission-off").append(m).append(": { targets: [ { provider: counts").append(m)
                    .append(", model: \"budget#off").append(m).append("\" }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  admission-all").append(m).append(": { retry: { max-attempts: 1 }, targets: [ { provider: ")
                    .append("admits-all").append(m).append(", model: \"budget#all").append(m).append("\" } ] }\n");
            for (String kind : List.of("adaptive", "fixed")) {
                yaml.append("  capped-").append(kind).append(m).append(": { targets: [ { provider: ").append(kind)
                        .append(m).append(", model: \"capped#").append(kind).append(m)
                        .append("\" }, { provider: healthy, model: ok } ] }\n");
            }
        }
        return yaml.toString();
    }

    private static void provider(StringBuilder yaml, String name, String type, String baseUrl, String extra) {
        yaml.append("  ").append(name).append(": { type: ").append(type).append(", base-url: \"").append(baseUrl)
                .append('"').append(extra.isEmpty() ? "" : ", " + extra).append(" }\n");
    }

    /** Every route; see the class comment for {@code r-F} and {@code only-F}. */
    static String routes() {
        StringBuilder yaml = new StringBuilder();
        for (String fault : FAULTS) {
            yaml.append("  r-").append(fault).append(": { targets: [ { provider: faulty, model: \"").append(fault)
                    .append("\" }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  only-").append(fault).append(": { retry: { max-attempts: 1 }, targets: [ { provider: faulty,")
                    .append(" model: \"").append(fault).append("\" } ] }\n");
        }
        for (boolean stream : new boolean[] { false, true }) {
            String m = "-" + stream;
            yaml.append("  cb-503").append(m).append(": { targets: [ { provider: cb-503").append(m)
                    .append(", model: \"503\" }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  cb-reset").append(m).append(": { targets: [ { provider: cb-reset").append(m)
                    .append(", model: reset-after-first }, { provider: healthy, model: ok } ] }\n");
            // JSON: a body that does not parse; stream: an event that does not parse after the first one
            yaml.append("  cb-malformed").append(m).append(": { targets: [ { provider: cb-malformed").append(m)
                    .append(", model: ").append(stream ? "malformed-event" : "malformed-json")
                    .append(" }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  cb-stall").append(m).append(": { targets: [ { provider: cb-stall").append(m)
                    .append(", model: stall }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  throttled").append(m).append(": { targets: [ { provider: throttled").append(m)
                    .append(", model: 429-retry-after }, { provider: healthy, model: ok } ] }\n");
            yaml.append("  pause").append(m).append(": { targets: [ { provider: pause").append(m)
                    .append(", model: 429-retry-after }, { provider: healthy, model: ok } ] }\n");
        }
        yaml.append(
                """
                          r-refused: { targets: [ { provider: refused, model: ok }, { provider: healthy, model: ok } ] }
                          only-refused: { retry: { max-attempts: 1 }, targets: [ { provider: refused, model: ok } ] }
                          # the default retry.max-attempts (3) on one target: the same target three times
                          only-503-retried: { targets: [ { provider: faulty, model: "503#retried" } ] }
                          only-500-once-retried: { retry: { max-attempts: 2 }, targets: [ { provider: faulty, model: 500-once } ] }
                          retry-after-false: { retry: { max-attempts: 2 }, targets: [ { provider: retry-after-false, model: 429-once } ] }
                          retry-after-true: { retry: { max-attempts: 2 }, targets: [ { provider: retry-after-true, model: 429-once } ] }
                          retry-after-short: { retry: { max-attempts: 2 }, targets: [ { provider: retry-after-short, model: 429-once } ] }
                          only-flapping-retried: { retry: { max-attempts: 2 }, targets: [ { provider: faulty, model: flapping } ] }
                          r-limited: { targets: [ { provider: limited, model: held }, { provider: healthy, model: ok } ] }
                          only-limited: { retry: { max-attempts: 1 }, targets: [ { provider: limited, model: held } ] }
                          # a caller that goes away from these must not leave the upstream request open for 10s
                          gone-hang: { retry: { max-attempts: 1 }, targets: [ { provider: gone, model: hang } ] }
                          gone-stall: { retry: { max-attempts: 1 }, targets: [ { provider: gone, model: stall } ] }
                          # a stream far larger than memory, to a caller that reads none of it
                          flood: { retry: { max-attempts: 1 }, targets: [ { provider: patient, model: flood } ] }
                          # three attempts of 800ms each would take 2.4s: the request-timeout leaves no time for a second
                          deadline-all: { request-timeout: 1200ms, targets: [ { provider: faulty, model: hang } ] }
                          # the caller's deadline: a target only these use, so no other test teaches its answer time
                          deadline-hang: { retry: { max-attempts: 1 }, targets: [ { provider: patient, model: hang } ] }
                          deadline-slow: { targets: [ { provider: patient, model: slow-first-token } ] }
                          # an answer that keeps coming (a stream's events, a JSON body's bytes) but never ends
                          deadline-open:
                            request-timeout: 1200ms
                            retry: { max-attempts: 1 }
                            targets: [ { provider: patient, model: drip } ]
                          cl-larger:
                            targets:
                              - { provider: faulty, model: context-length, context-window: 8000 }
                              - { provider: healthy, model: ok, context-window: 16000 }
                          cl-skips:
                            targets:
                              - { provider: faulty, model: context-length, context-window: 16000 }
                              - { provider: healthy, model: "ok#smaller", context-window: 8000 }
                              - { provider: healthy, model: "ok#equal", context-window: 16000 }
                              - { provider: healthy, model: "ok#larger", context-window: 32000 }
                          cl-unknown:
                            targets:
                              - { provider: faulty, model: context-length, context-window: 8000 }
                              - { provider: healthy, model: "ok#unknown" }
                          cl-none-larger:
                            targets:
                              - { provider: faulty, model: context-length, context-window: 16000 }
                              - { provider: healthy, model: "ok#smaller", context-window: 8000 }
                              - { provider: healthy, model: "ok#equal", context-window: 16000 }
                          cl-claude:
                            targets:
                              - { provider: claude, model: context-length, context-window: 8000 }
                              - { provider: healthy, model: ok, context-window: 16000 }
                          cl-claude-none-larger:
                            targets:
                              - { provider: claude, model: context-length, context-window: 200000 }
                              - { provider: healthy, model: "ok#smaller", context-window: 8000 }
                          cl-gemini:
                            targets:
                              - { provider: gemini, model: context-length, context-window: 8000 }
                              - { provider: healthy, model: ok, context-window: 16000 }
                          cl-gemini-none-larger:
                            targets:
                              - { provider: gemini, model: context-length, context-window: 1048576 }
                              - { provider: healthy, model: "ok#smaller", context-window: 8000 }
                        """);
        return yaml.toString();
    }

    /** A loopback port that nothing listens on: connections are refused. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void stop() {
        try {
            upstream.close();
            limits.close();
            Files.deleteIfExists(dir.resolve("policy.yaml"));
            Files.deleteIfExists(dir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
