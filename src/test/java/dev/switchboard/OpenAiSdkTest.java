package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.switchboard.testing.FakeProviders;
import dev.switchboard.testing.Stubs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The official OpenAI Java SDK, pointed at Switchboard, completes chats and streams while the first provider fails,
 * with its own retries off so every recovery is Switchboard's.
 */
@QuarkusTest
@QuarkusTestResource(FakeProviders.class)
class OpenAiSdkTest {

    @TestHTTPResource("/v1")
    URL baseUrl;

    private OpenAIClient client;

    @BeforeEach
    void setUp() {
        FakeProviders.primary.resetAll();
        FakeProviders.secondary.resetAll();
        Stubs.answers(FakeProviders.secondary);
        client = OpenAIOkHttpClient.builder().baseUrl(baseUrl.toString()).apiKey("sk-caller").maxRetries(0).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private void breakPrimary(String how) {
        switch (how) {
            case "500" -> Stubs.fails(FakeProviders.primary, Stubs.error(500, "error-500.json"));
            case "reset" -> Stubs.fails(FakeProviders.primary, WireMock.aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
            default -> {
                // "down": the route's first provider listens nowhere
            }
        }
    }

    private static ChatCompletionCreateParams params(String how) {
        return ChatCompletionCreateParams.builder()
                .model(how.equals("down") ? "down-first" : "chat")
                .addUserMessage("Hello")
                .build();
    }

    @ParameterizedTest(name = "primary {0}")
    @ValueSource(strings = { "500", "reset", "down" })
    void completesAChatWhileThePrimaryFails(String how) {
        breakPrimary(how);

        ChatCompletion completion = client.chat().completions().create(params(how));

        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content()).hasValue("Hello! How can I assist you today?");
        assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isEqualTo(29));
    }

    @ParameterizedTest(name = "primary {0}")
    @ValueSource(strings = { "500", "reset", "down" })
    void completesAStreamWhileThePrimaryFails(String how) {
        breakPrimary(how);

        String text;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params(how))) {
            text = stream.stream()
                    .flatMap(chunk -> chunk.choices().stream())
                    .map(choice -> choice.delta().content().orElse(""))
                    .collect(Collectors.joining());
        }

        assertThat(text).isEqualTo("Hello! How can I help?");
    }
}
