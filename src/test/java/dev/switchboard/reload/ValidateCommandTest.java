package dev.switchboard.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate}: exit codes and messages for good and bad files. */
class ValidateCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ValidateCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void acceptsValidFilesWithExitZero() {
        assertThat(run("src/main/resources/switchboard/demo-policy.yaml")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("demo-policy.yaml: valid");
    }

    @Test
    void reportsEveryProblemWithItsYamlPathAndExitsOne(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                providers:
                  openai: { type: openai, base-url: https://api.openai.com/v1, api-key-env: NOT_SET_ANYWHERE }
                routes:
                  fast: { targets: [ { provider: openai, model: a }, { provider: antropic, model: b } ] }
                  slow: { targets: [ { provider: opnai, model: c } ] }
                """);

        assertThat(run(bad.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad.yaml: invalid")
                .contains("routes.fast.targets[1].provider: no provider 'antropic'")
                .contains("routes.slow.targets[0].provider: no provider 'opnai'");
    }

    @Test
    void reportsTheStructuralProblemsOfEveryEntryNotOnlyTheFirst(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                defaults: { timeout: soon }
                providers:
                  a: { type: mock, mock: { failure-rate: 2 } }
                  b: { type: mock, wieght: 1 }
                routes:
                  fast: { targets: [ { provider: a, model: m, weight: 0 } ] }
                  slow: { targets: [ { provider: b } ] }
                colour: blue
                """);

        assertThat(run(bad.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("colour: unknown key 'colour'")
                .contains("defaults.timeout: invalid value 'soon'")
                .contains("providers.a.mock.failure-rate: must be between 0 and 1")
                .contains("providers.b.wieght: unknown key 'wieght'")
                .contains("routes.fast.targets[0].weight: must be > 0")
                .contains("routes.slow.targets[0].model: is required");
    }

    @Test
    void checksCredentialsOnlyWhenAsked(@TempDir Path dir) throws Exception {
        Path policy = Files.writeString(dir.resolve("p.yaml"), """
                providers:
                  openai: { type: openai, base-url: https://api.openai.com/v1, api-key-env: NOT_SET_ANYWHERE_42 }
                routes:
                  fast: { targets: [ { provider: openai, model: a } ] }
                """);

        assertThat(run(policy.toString())).isZero();
        assertThat(run("--check-secrets", policy.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("providers.openai.api-key-env: environment variable NOT_SET_ANYWHERE_42 is not set");
    }

    @Test
    void answersUsageErrorsWithExitTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("--frobnicate", "x.yaml")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: switchboard validate");
        assertThat(run("/nonexistent/policy.yaml")).isEqualTo(1);
    }
}
