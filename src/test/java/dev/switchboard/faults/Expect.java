package dev.switchboard.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.faults.Caller.Answer;
import dev.switchboard.testing.Fixtures;

/** What a caller must get: the whole answer, an explicit error, or a stream that says it broke. */
final class Expect {

    /** The data payloads of the OpenAI stream fixture, {@code [DONE]} last: what a healthy target streams. */
    static final List<String> EVENTS = Fixtures.sseData("openai/chat-completion-stream.sse");

    private Expect() {
    }

    /**
     * The healthy fake's whole answer, from {@code provider} (model {@code model}) after {@code attempts} attempts: the
     * chat fixture with its {@code choices}, or every event of the stream fixture, ending with {@code data: [DONE]}.
     */
    static void fullAnswer(Answer answer, boolean stream, String provider, String model, int attempts) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(200);
        assertThat(answer.provider()).as("x-switchboard-provider of %s", answer).isEqualTo(provider);
        assertThat(answer.model()).as("x-switchboard-model of %s", answer).isEqualTo(model);
        assertThat(answer.attempts()).as("x-switchboard-attempts of %s", answer).isEqualTo(Integer.toString(attempts));
        wholeAnswer(answer, stream);
    }

    /** A whole answer of the fake's fixtures, whoever gave it. */
    static void wholeAnswer(Answer answer, boolean stream) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(200);
        if (stream) {
            assertThat(answer.contentType()).as("content type of %s", answer).startsWith("text/event-stream");
            assertThat(answer.data()).as("events of %s", answer).containsExactlyElementsOf(EVENTS);
            assertThat(answer.data()).last().isEqualTo("[DONE]");
        } else {
            assertThat(answer.contentType()).as("content type of %s", answer).startsWith("application/json");
            JsonNode json = answer.json();
            assertThat(json).as("body of %s", answer).isEqualTo(fixture("openai/chat-completion.json"));
            assertThat(json.path("choices").isArray() && !json.path("choices").isEmpty()).isTrue();
        }
    }

    /**
     * An explicit OpenAI-shaped JSON error (also for a stream request whose answer never started): the status and
     * {@code error.code}, after {@code attempts} attempts. Returns {@code error}.
     */
    static JsonNode error(Answer answer, int status, String code, int attempts) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(status);
        assertThat(answer.contentType()).as("content type of %s", answer).startsWith("application/json");
        JsonNode error = answer.json().path("error");
        assertThat(error.path("code").asText()).as("error.code of %s", answer).isEqualTo(code);
        assertThat(error.path("message").asText()).as("error.message of %s", answer).isNotBlank();
        assertThat(answer.attempts()).as("x-switchboard-attempts of %s", answer).isEqualTo(Integer.toString(attempts));
        return error;
    }

    /**
     * A stream that started (200, from {@code provider}, after {@code attempts} attempts), relayed the first
     * {@code relayed} events of the fixture, and then ended with one explicit error event of {@code code} and no
     * {@code [DONE]}. Returns the error event's {@code error}.
     */
    static JsonNode brokenStream(Answer answer, String provider, int attempts, int relayed, String code) {
        return brokenStream(answer, provider, attempts, EVENTS.subList(0, relayed), code);
    }

    /** {@link #brokenStream(Answer, String, int, int, String)} with the events relayed before the error. */
    static JsonNode brokenStream(Answer answer, String provider, int attempts, List<String> relayed, String code) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(200);
        assertThat(answer.contentType()).as("content type of %s", answer).startsWith("text/event-stream");
        assertThat(answer.provider()).as("x-switchboard-provider of %s", answer).isEqualTo(provider);
        assertThat(answer.attempts()).as("x-switchboard-attempts of %s", answer).isEqualTo(Integer.toString(attempts));
        List<String> data = answer.data();
        assertThat(data).as("events of %s", answer).hasSize(relayed.size() + 1).doesNotContain("[DONE]");
        assertThat(data.subList(0, relayed.size())).containsExactlyElementsOf(relayed);
        JsonNode error = parse(data.get(data.size() - 1)).path("error");
        assertThat(error.path("code").asText()).as("the last event of %s", answer).isEqualTo(code);
        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
        assertThat(error.path("message").asText()).isNotBlank();
        return error;
    }

    static JsonNode fixture(String name) {
        return parse(Fixtures.text(name));
    }

    static JsonNode fault(String name) {
        return parse(FaultyUpstream.fault(name));
    }

    static JsonNode parse(String json) {
        try {
            return Caller.JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
