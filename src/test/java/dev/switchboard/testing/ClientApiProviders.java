package dev.switchboard.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The providers behind the client-schema tests ({@code /v1/responses}, {@code /v1/messages}): an OpenAI-compatible
 * chat-only server, an Anthropic and a Gemini API (WireMock, serving the fixtures of {@code fixtures/}), a provider
 * that answers 503 and one whose streams stop without {@code [DONE]}, and a mock. One route per provider type, and
 * one that fails over from the 503 provider to the chat-only one.
 */
public class ClientApiProviders implements QuarkusTestResourceLifecycleManager {

    public static final String OPENAI_KEY = "sk-openai-upstream-key";
    public static final String ANTHROPIC_KEY = "sk-ant-upstream-key";

    /** The id of {@code fixtures/openai/response.json}, which the Responses-capable fake keeps. */
    public static final String RESPONSE_ID = "resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41";

    public static WireMockServer openai;
    public static WireMockServer anthropic;
    public static WireMockServer gemini;
    public static WireMockServer failing;

    @Override
    public Map<String, String> start() {
        try {
            openai = started();
            anthropic = started();
            gemini = started();
            failing = started();
            stub();
            Path dir = Files.createTempDirectory("switchboard-client-apis");
            Path openaiKey = Files.writeString(dir.resolve("openai.key"), OPENAI_KEY);
            Path anthropicKey = Files.writeString(dir.resolve("anthropic.key"), ANTHROPIC_KEY);
            Path geminiKey = Files.writeString(dir.resolve("gemini.key"), "gemini-upstream-key");
            String policy = """
                    defaults:
                      strategy: failover
                      first-token-timeout: 3s
                      idle-timeout: 3s
                      retry: { max-attempts: 2, backoff: 0ms }
                      circuit-breaker: { request-volume-threshold: 100000 }
                    providers:
                      chat-only: { type: openai, base-url: "http://127.0.0.1:%d/v1", api-key-file: %s }
                      claude: { type: anthropic, base-url: "http://127.0.0.1:%d", api-key-file: %s }
                      google: { type: gemini, base-url: "http://127.0.0.1:%d", api-key-file: %s }
                      failing: { type: openai, base-url: "http://127.0.0.1:%d/v1" }
                      responses: { type: openai, base-url: "http://127.0.0.1:%d/v1", api-key-file: %s, responses-api: true }
                      mock: { type: mock }
                    routes:
                      openai: { targets: [ { provider: chat-only, model: gpt-4o-mini } ] }
                      claude: { targets: [ { provider: claude, model: claude-3-5-haiku-20241022 } ] }
                      gemini: { targets: [ { provider: google, model: gemini-2.0-flash } ] }
                      mock: { targets: [ { provider: mock, model: mock-model } ] }
                      failover:
                        targets:
                          - { provider: failing, model: unavailable }
                          - { provider: claude, model: claude-3-5-haiku-20241022 }
                      cut: { targets: [ { provider: failing, model: cut } ] }
                      native-responses: { targets: [ { provider: responses, model: gpt-4.1 } ] }
                      native-responses-cut: { targets: [ { provider: responses, model: cut } ] }
                      native-failover:
                        targets:
                          - { provider: failing, model: unavailable }
                          - { provider: responses, model: gpt-4.1 }
                      claude-cut: { targets: [ { provider: claude, model: claude-cut } ] }
                    """.formatted(openai.port(), openaiKey, anthropic.port(), anthropicKey, gemini.port(), geminiKey,
                    failing.port(), openai.port(), openaiKey);
            Path policyFile = Files.writeString(dir.resolve("policy.yaml"), policy);
            return Map.of("switchboard.policy", policyFile.toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the fake providers", e);
        }
    }

    private static WireMockServer started() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return server;
    }

    private static ResponseDefinitionBuilder sse(String fixture) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.text(fixture));
    }

    private static void stub() {
        String chat = "/v1/chat/completions";
        openai.stubFor(post(urlEqualTo(chat)).atPriority(9).willReturn(okJson(Fixtures.text(
                "openai/chat-completion.json"))));
        openai.stubFor(post(urlEqualTo(chat)).atPriority(5).withRequestBody(matchingJsonPath("$.tools"))
                .willReturn(okJson(Fixtures.text("openai/chat-completion-tool-call.json"))));
        openai.stubFor(post(urlEqualTo(chat)).atPriority(5).withRequestBody(matchingJsonPath("$.messages[0].content",
                equalTo("Think first."))).willReturn(okJson(Fixtures.text("openai/chat-completion-reasoning.json"))));
        openai.stubFor(post(urlEqualTo(chat)).atPriority(3).withRequestBody(matchingJsonPath(
                "$[?(@.stream == true)]")).willReturn(sse("openai/chat-completion-stream.sse")));
        openai.stubFor(post(urlEqualTo(chat)).atPriority(1).withRequestBody(matchingJsonPath(
                "$[?(@.stream == true)]")).withRequestBody(matchingJsonPath("$.tools"))
                .willReturn(sse("openai/chat-completion-stream-tool-call.sse")));

        String responses = "/v1/responses";
        openai.stubFor(post(urlEqualTo(responses)).atPriority(9).willReturn(okJson(Fixtures.text(
                "openai/response.json"))));
        openai.stubFor(post(urlEqualTo(responses)).atPriority(3).withRequestBody(matchingJsonPath(
                "$[?(@.stream == true)]")).willReturn(sse("openai/response-stream.sse")));
        openai.stubFor(post(urlEqualTo(responses)).atPriority(1).withRequestBody(matchingJsonPath(
                "$[?(@.stream == true)]")).withRequestBody(matchingJsonPath("$.model", equalTo("cut")))
                .willReturn(sse("openai/response-stream-cut.sse")));
        openai.stubFor(post(urlEqualTo(responses)).atPriority(5).withRequestBody(matchingJsonPath("$.tools"))
                .willReturn(okJson(Fixtures.text("openai/response-function-call.json"))));
        openai.stubFor(post(urlEqualTo(responses)).atPriority(2).withRequestBody(matchingJsonPath(
                "$[?(@.stream == true)]")).withRequestBody(matchingJsonPath("$.tools"))
                .willReturn(sse("openai/response-stream-function-call.sse")));
        String stored = "/v1/responses/" + RESPONSE_ID;
        openai.stubFor(get(urlEqualTo(stored)).willReturn(okJson(Fixtures.text("openai/response.json"))));
        openai.stubFor(delete(urlEqualTo(stored)).willReturn(okJson("{\"id\":\"" + RESPONSE_ID
                + "\",\"object\":\"response\",\"deleted\":true}")));

        String messages = "/v1/messages";
        anthropic.stubFor(post(urlEqualTo(messages + "/count_tokens")).willReturn(okJson("{\"input_tokens\":14}")));
        anthropic.stubFor(post(urlEqualTo(messages)).atPriority(9)
                .willReturn(okJson(Fixtures.text("anthropic/message.json"))));
        anthropic.stubFor(post(urlEqualTo(messages)).atPriority(5).withRequestBody(matchingJsonPath("$.tools"))
                .willReturn(okJson(Fixtures.text("anthropic/message-tool-use.json"))));
        anthropic.stubFor(post(urlEqualTo(messages)).atPriority(3).withRequestBody(matchingJsonPath(
                "$[?(@.stream == true)]")).willReturn(sse("anthropic/message-stream.sse")));
        anthropic.stubFor(post(urlEqualTo(messages)).atPriority(2).withRequestBody(matchingJsonPath(
                "$[?(@.stream == true)]")).withRequestBody(matchingJsonPath("$.model", equalTo("claude-cut")))
                .willReturn(sse("anthropic/message-stream-cut.sse")));
        anthropic.stubFor(post(urlEqualTo(messages)).atPriority(1).withRequestBody(matchingJsonPath(
                "$[?(@.stream == true)]")).withRequestBody(matchingJsonPath("$.tools"))
                .willReturn(sse("anthropic/message-stream-tool-use.sse")));

        gemini.stubFor(post(urlPathEqualTo("/v1beta/models/gemini-2.0-flash:generateContent"))
                .willReturn(okJson(Fixtures.text("gemini/generate-content.json"))));
        gemini.stubFor(post(urlPathEqualTo("/v1beta/models/gemini-2.0-flash:streamGenerateContent"))
                .withQueryParam("alt", equalTo("sse")).willReturn(sse("gemini/stream-generate-content.sse")));

        failing.stubFor(post(urlEqualTo(chat)).atPriority(9).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.text("openai/error-500.json"))));
        // a stream that stops after its first events, without [DONE]
        String whole = Fixtures.text("openai/chat-completion-stream.sse");
        String cut = whole.substring(0, whole.indexOf("data: ", whole.indexOf("\"Hello\"")));
        failing.stubFor(post(urlEqualTo(chat)).atPriority(1).withRequestBody(matchingJsonPath("$.model",
                equalTo("cut"))).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type",
                                "text/event-stream")
                        .withBody(cut)));
    }

    /**
     * After the module's global resources (FakeProviders also sets {@code switchboard.policy}): the properties of the
     * resource started last win.
     */
    @Override
    public int order() {
        return 100;
    }

    @Override
    public void stop() {
        for (WireMockServer server : new WireMockServer[] { openai, anthropic, gemini, failing }) {
            if (server != null) {
                server.stop();
            }
        }
    }
}
