package dev.switchboard.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Real fake providers for the integration tests, each an HTTP server on a random loopback port: two WireMock servers
 * serving OpenAI's wire format ({@code primary}, {@code secondary}), a {@link StreamingFake}, and a port nothing
 * listens on ({@code down}). Writes the policy that routes to them and points Switchboard at it.
 */
public class FakeProviders implements QuarkusTestResourceLifecycleManager {

    public static final String PRIMARY_KEY = "sk-primary-test-key";
    public static final String SECONDARY_KEY = "sk-secondary-test-key";
    public static final String ORGANIZATION = "org-switchboard-test";

    public static WireMockServer primary;
    public static WireMockServer secondary;
    public static StreamingFake streamer;
    /** Behind the actively probed provider only, so its probes never show up in other tests' request counts. */
    public static WireMockServer probed;
    public static WireMockServer anthropic;
    public static WireMockServer gemini;
    public static final String ANTHROPIC_KEY = "sk-ant-test-key";
    public static final String GEMINI_KEY = "gemini-test-key";

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            primary = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
            secondary = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
            probed = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
            anthropic = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
            gemini = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
            anthropic.start();
            gemini.start();
            primary.start();
            secondary.start();
            probed.start();
            streamer = new StreamingFake();
            dir = Files.createTempDirectory("switchboard-test");
            Path primaryKey = Files.writeString(dir.resolve("primary.key"), PRIMARY_KEY + "\n");
            Path secondaryKey = Files.writeString(dir.resolve("secondary.key"), SECONDARY_KEY);
            Path anthropicKey = Files.writeString(dir.resolve("anthropic.key"), ANTHROPIC_KEY);
            Path geminiKey = Files.writeString(dir.resolve("gemini.key"), GEMINI_KEY);
            String policy = """
                    defaults:
                      strategy: failover
                      first-token-timeout: 3s
                      idle-timeout: 3s
                      connect-timeout: 1s
                      retry: { max-attempts: 3, backoff: 0ms }
                      # the shared fakes fail on purpose in many tests: only the breaker tests' own providers trip
                      circuit-breaker: { request-volume-threshold: 100000 }
                      rate-limit: { max-pause: 0s }
                    tenancy:
                      default-tenant: everyone
                    tenants:
                      everyone: {}
                      team-a:
                        allowed-models: [chat, weighted]
                    providers:
                      primary:
                        type: openai
                        base-url: http://127.0.0.1:%1$d/v1
                        api-key-file: %2$s
                        headers: { OpenAI-Organization: %6$s }
                      primary-impatient:
                        type: openai
                        base-url: http://127.0.0.1:%1$d/v1/
                        first-token-timeout: 400ms
                        idle-timeout: 400ms
                      secondary:
                        type: openai
                        base-url: http://127.0.0.1:%3$d/v1
                        api-key-file: %4$s
                      down:
                        type: openai
                        base-url: http://127.0.0.1:%5$d/v1
                      streamer:
                        type: openai
                        base-url: http://127.0.0.1:%7$d/v1
                      streamer-impatient:
                        type: openai
                        base-url: http://127.0.0.1:%7$d/v1
                        first-token-timeout: 500ms
                        idle-timeout: 500ms
                      cb-open:
                        type: openai
                        base-url: http://127.0.0.1:%1$d/v1
                        circuit-breaker: { failure-ratio: 1.0, request-volume-threshold: 4, delay: 1s, success-threshold: 1 }
                      cb-trial:
                        type: openai
                        base-url: http://127.0.0.1:%1$d/v1
                        circuit-breaker: { failure-ratio: 1.0, request-volume-threshold: 4, delay: 1s, success-threshold: 1 }
                      cb-reopen:
                        type: openai
                        base-url: http://127.0.0.1:%1$d/v1
                        circuit-breaker: { failure-ratio: 1.0, request-volume-threshold: 4, delay: 1s, success-threshold: 1 }
                      cb-all:
                        type: openai
                        base-url: http://127.0.0.1:%1$d/v1
                        circuit-breaker: { failure-ratio: 1.0, request-volume-threshold: 4, delay: 3s, success-threshold: 1 }
                      cb-stream:
                        type: openai
                        base-url: http://127.0.0.1:%7$d/v1
                        circuit-breaker: { failure-ratio: 1.0, request-volume-threshold: 4, delay: 30s, success-threshold: 1 }
                      cb-malformed:
                        type: openai
                        base-url: http://127.0.0.1:%1$d/v1
                        circuit-breaker: { failure-ratio: 1.0, request-volume-threshold: 4, delay: 30s, success-threshold: 1 }
                      cb-503:
                        type: openai
                        base-url: http://127.0.0.1:%1$d/v1
                        circuit-breaker: { failure-ratio: 1.0, request-volume-threshold: 4, delay: 30s, success-threshold: 1 }
                      claude:
                        type: anthropic
                        base-url: http://127.0.0.1:%9$d
                        api-key-file: %10$s
                      google:
                        type: gemini
                        base-url: http://127.0.0.1:%11$d
                        api-key-file: %12$s
                      probed:
                        type: openai
                        base-url: http://127.0.0.1:%8$d/v1
                        health: { probe: true, interval: 150ms, path: /models }
                      throttled:
                        type: openai
                        base-url: http://127.0.0.1:%1$d/v1
                        rate-limit: { default-pause: 1s, max-pause: 10s }
                    routes:
                      chat:
                        targets:
                          - { provider: primary, model: gpt-4o-mini }
                          - { provider: secondary, model: backup-model }
                      down-first:
                        targets:
                          - { provider: down, model: gpt-4o-mini }
                          - { provider: secondary, model: backup-model }
                      slow-first:
                        targets:
                          - { provider: primary-impatient, model: slow-model }
                          - { provider: secondary, model: backup-model }
                      held:
                        targets:
                          - { provider: streamer, model: held }
                      stalls:
                        targets:
                          - { provider: streamer-impatient, model: held }
                      breaks:
                        targets:
                          - { provider: streamer, model: break }
                          - { provider: secondary, model: backup-model }
                      single:
                        retry: { max-attempts: 1 }
                        targets:
                          - { provider: primary, model: gpt-4o-mini }
                      weighted:
                        strategy: weighted
                        targets:
                          - { provider: primary, model: w-primary, weight: 3 }
                          - { provider: secondary, model: w-secondary, weight: 1 }
                      least-busy:
                        strategy: least-connections
                        targets:
                          - { provider: streamer, model: held }
                          - { provider: secondary, model: backup-model }
                      cb-open: { targets: [ { provider: cb-open, model: cb-open }, { provider: secondary, model: backup-model } ] }
                      cb-trial: { targets: [ { provider: cb-trial, model: cb-trial }, { provider: secondary, model: backup-model } ] }
                      cb-reopen: { targets: [ { provider: cb-reopen, model: cb-reopen }, { provider: secondary, model: backup-model } ] }
                      cb-all: { targets: [ { provider: cb-all, model: cb-all } ] }
                      cb-stream: { targets: [ { provider: cb-stream, model: break }, { provider: secondary, model: backup-model } ] }
                      cb-malformed: { targets: [ { provider: cb-malformed, model: cb-malformed }, { provider: secondary, model: backup-model } ] }
                      cb-503: { targets: [ { provider: cb-503, model: cb-503 }, { provider: secondary, model: backup-model } ] }
                      claude: { targets: [ { provider: claude, model: claude-3-5-haiku-20241022 } ] }
                      gemini: { targets: [ { provider: google, model: gemini-2.0-flash } ] }
                      gemini-embed: { targets: [ { provider: google, model: text-embedding-004 } ] }
                      openai-then-claude:
                        targets:
                          - { provider: primary, model: gpt-4o-mini }
                          - { provider: claude, model: claude-3-5-haiku-20241022 }
                      claude-usage:
                        targets:
                          - { provider: claude, model: claude-usage, price: { input-per-1m: 3, output-per-1m: 15 } }
                      claude-metrics:
                        targets:
                          - { provider: claude, model: claude-metrics, price: { input-per-1m: 3, output-per-1m: 15 } }
                      probed: { targets: [ { provider: probed, model: probed }, { provider: secondary, model: backup-model } ] }
                      throttled: { targets: [ { provider: throttled, model: throttled }, { provider: secondary, model: backup-model } ] }
                      fastest:
                        strategy: least-latency
                        exploration: 0.2
                        targets:
                          - { provider: primary, model: lat-a }
                          - { provider: secondary, model: lat-b }
                    """
                    .formatted(primary.port(), primaryKey, secondary.port(), secondaryKey, closedPort(),
                            ORGANIZATION, streamer.port(), probed.port(), anthropic.port(), anthropicKey, gemini.port(),
                            geminiKey);
            Path policyFile = Files.writeString(dir.resolve("policy.yaml"), policy);
            return Map.of("switchboard.policy", policyFile.toString(), "switchboard.max-body-size", "256K");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the fake providers", e);
        }
    }

    /** A loopback port that nothing listens on: connections are refused. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void stop() {
        try {
            primary.stop();
            secondary.stop();
            probed.stop();
            anthropic.stop();
            gemini.stop();
            streamer.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
