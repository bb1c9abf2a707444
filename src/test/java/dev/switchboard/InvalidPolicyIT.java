package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.switchboard.testing.PackagedApp;

/** An invalid policy stops start-up with a non-zero exit and the YAML path of the problem. */
class InvalidPolicyIT {

    @Test
    void exitsNonZeroNamingTheYamlPath(@TempDir Path dir) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                providers:
                  anthropic-typo-target:
                    type: openai
                    base-url: http://127.0.0.1:9/v1
                routes:
                  fast:
                    targets:
                      - { provider: anthropic-typo-target, model: a }
                      - { provider: antropic, model: b }
                """);

        try (PackagedApp app = PackagedApp.start(Map.of("SWITCHBOARD_POLICY", policy.toString()))) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.output()).contains("routes.fast.targets[1].provider: no provider 'antropic'")
                    .doesNotContainIgnoringCase("listening on");
        }
    }

    @Test
    void exitsNonZeroWhenTheNamedPolicyFileIsMissingInsteadOfServingTheDemo(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("typo/policy.yaml");

        try (PackagedApp app = PackagedApp.start(Map.of("SWITCHBOARD_POLICY", missing.toString()))) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.output()).contains(missing.toString()).contains("cannot read the policy file (no such file)")
                    .doesNotContain("demo policy").doesNotContainIgnoringCase("listening on");
        }
    }
}
