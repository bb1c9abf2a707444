package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.faults.Caller.Answer;
import dev.switchboard.faults.FaultyUpstream.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A 400 that says the prompt is too long for the model (OpenAI's {@code context_length_exceeded}, Anthropic's "prompt
 * is too long", Gemini's "input token count ... exceeds the maximum") fails over, but only to a target whose
 * {@code context-window} is larger or unknown; with none left the provider's 400 goes back (Anthropic's and Gemini's
 * in OpenAI's shape, code {@code context_length_exceeded}). Any other 400, such as a content filter's, goes back at
 * once.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class ContextLengthFaultsTest {

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverToATargetWithALargerContextWindow(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("cl-larger", stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
        assertThat(upstream.requests("context-length")).isEqualTo(1);
        // the prompt does not fit, the provider works: not a failure
        Blame.exactly(before, Map.of("faulty/context-length/context_length", 1, "healthy/ok/success", 1));
    }

    /** Windows 16000 (too long), then 8000 and 16000 (skipped, never asked), then 32000. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void skipsTargetsWhoseContextWindowIsNotLarger(boolean stream) {
        Answer answer = Caller.chat("cl-skips", stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok#larger", 2);
        assertThat(upstream.requests("ok#smaller")).isZero();
        assertThat(upstream.requests("ok#equal")).isZero();
        assertThat(upstream.requests("context-length")).isEqualTo(1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverToATargetWithAnUnknownContextWindow(boolean stream) {
        Answer answer = Caller.chat("cl-unknown", stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok#unknown", 2);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void returnsTheProvidersOwn400WhenNoLargerTargetIsLeft(boolean stream) {
        Answer answer = Caller.chat("cl-none-larger", stream);

        assertThat(answer.status()).as("status of %s", answer).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.json()).isEqualTo(Expect.fault("openai/context-length-exceeded.json"));
        assertThat(answer.provider()).isEqualTo("faulty");
        assertThat(answer.attempts()).isEqualTo("1");
        assertThat(upstream.requests("ok#smaller")).isZero();
        assertThat(upstream.requests("ok#equal")).isZero();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverAnthropicsPromptIsTooLongToALargerTarget(boolean stream) {
        Answer answer = Caller.chat("cl-claude", stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
        assertThat(upstream.requests(Api.ANTHROPIC, "context-length")).isEqualTo(1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void returnsAnthropicsPromptIsTooLongAsContextLengthExceeded(boolean stream) {
        Answer answer = Caller.chat("cl-claude-none-larger", stream);

        JsonNode error = Expect.error(answer, 400, "context_length_exceeded", 1);
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).isEqualTo("prompt is too long: 208914 tokens > 200000 maximum");
        assertThat(answer.provider()).isEqualTo("claude");
        assertThat(upstream.requests("ok#smaller")).isZero();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverGeminisInputTokenCountToALargerTarget(boolean stream) {
        Answer answer = Caller.chat("cl-gemini", stream);

        Expect.fullAnswer(answer, stream, "healthy", "ok", 2);
        assertThat(upstream.requests(Api.GEMINI, "context-length")).isEqualTo(1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void returnsGeminisInputTokenCountAsContextLengthExceeded(boolean stream) {
        Answer answer = Caller.chat("cl-gemini-none-larger", stream);

        JsonNode error = Expect.error(answer, 400, "context_length_exceeded", 1);
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).isEqualTo(
                "The input token count (1196265) exceeds the maximum number of tokens allowed (1048575).");
        assertThat(answer.provider()).isEqualTo("gemini");
        assertThat(upstream.requests("ok#smaller")).isZero();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void returnsAContentFilter400AtOnceAndUnchanged(boolean stream) {
        Map<String, Integer> before = Blame.attempts();

        Answer answer = Caller.chat("r-content-filter", stream);

        assertThat(answer.status()).as("status of %s", answer).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.json()).isEqualTo(Expect.fault("openai/content-filter.json"));
        assertThat(answer.provider()).isEqualTo("faulty");
        assertThat(answer.attempts()).isEqualTo("1");
        assertThat(upstream.requests("ok")).isZero();
        Blame.exactly(before, Map.of("faulty/content-filter/4xx", 1));
    }
}
