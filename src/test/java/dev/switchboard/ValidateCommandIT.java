package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar quarkus-run.jar validate FILE} checks a policy without starting the server. */
class ValidateCommandIT {

    private record Result(int exit, String output) {
    }

    private static Result validate(String... files) throws Exception {
        String nativeImage = System.getProperty("native.image.path");
        List<String> command = nativeImage != null && Files.isRegularFile(Path.of(nativeImage))
                ? new ArrayList<>(List.of(nativeImage, "validate"))
                : new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                        Path.of("target", "quarkus-app", "quarkus-run.jar").toString(), "validate"));
        command.addAll(List.of(files));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void exitsZeroForAValidPolicyWithoutStartingTheServer() throws Exception {
        Result result = validate("src/main/resources/switchboard/demo-policy.yaml");

        assertThat(result.exit()).isZero();
        assertThat(result.output()).contains("demo-policy.yaml: valid").doesNotContainIgnoringCase("listening on");
    }

    @Test
    void exitsOneNamingEachProblem(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                providers:
                  a: { type: mock, mock: { failure-rate: 2 } }
                routes:
                  fast: { strategy: fastest, targets: [ { provider: a, model: m } ] }
                """);

        Result result = validate(bad.toString());

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("providers.a.mock.failure-rate: must be between 0 and 1")
                .doesNotContainIgnoringCase("listening on");
    }
}
