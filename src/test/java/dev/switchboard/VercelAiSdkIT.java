package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.testing.PackagedApp;

/**
 * The Vercel AI SDK as a Node.js app uses it, against the packaged application on its demo policy:
 * {@code openai(model)} (which speaks the Responses API) and {@code openai.chat(model)}, each with
 * {@code generateText} and {@code streamText}. The SDK's versions are pinned in {@code src/test/js/vercel-ai}
 * ({@code package-lock.json}) and installed with {@code npm ci}.
 */
class VercelAiSdkIT {

    private static final Path SOURCES = Path.of("src", "test", "js", "vercel-ai");
    private static final Path WORK = Path.of("target", "vercel-ai");
    private static final String MOCK_ANSWER = "This is a mock answer from provider mock-steady for model mock-smart.";

    @Test
    void generatesAndStreamsTextThroughResponsesAndChat() throws Exception {
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "check.mjs")) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(WORK.resolve("node_modules").resolve("ai"))) {
            run(Duration.ofMinutes(5), "npm", "ci", "--no-audit", "--no-fund");
        }

        try (PackagedApp app = PackagedApp.start(Map.of()).awaitStarted(Duration.ofSeconds(60))) {
            String output = run(Duration.ofMinutes(1), "node", "check.mjs", app.url("/v1"), "smart");
            JsonNode result = new ObjectMapper().readTree(output.lines().reduce((a, b) -> b).orElseThrow());

            for (String api : List.of("responses", "chat")) {
                JsonNode answer = result.path(api);
                assertThat(answer.path("generated").asText()).as(api).isEqualTo(MOCK_ANSWER);
                assertThat(answer.path("generatedTokens").asInt()).as(api).isPositive();
                assertThat(answer.path("finish").asText()).as(api).isEqualTo("stop");
                assertThat(answer.path("streamed").asText()).as(api).isEqualTo(MOCK_ANSWER);
                // the demo's mock sends its answer in six chunks: the stream arrived in pieces, not at once
                assertThat(answer.path("chunks").asInt()).as(api).isGreaterThan(1);
                assertThat(answer.path("streamedFinish").asText()).as(api).isEqualTo("stop");
            }
        }
    }

    /** Runs a command in the work directory; its output, or a failure with it. */
    private static String run(Duration timeout, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + text).isZero();
        return text;
    }
}
