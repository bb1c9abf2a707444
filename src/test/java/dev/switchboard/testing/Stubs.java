package dev.switchboard.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/** WireMock stubs in OpenAI's wire format, from the fixtures. */
public final class Stubs {

    public static final String CHAT = "/v1/chat/completions";

    private Stubs() {
    }

    /** Answers chat requests with the JSON fixture, and streaming ones with the SSE fixture. */
    public static void answers(WireMockServer server) {
        server.stubFor(post(urlEqualTo(CHAT)).atPriority(5)
                .willReturn(okJson(Fixtures.text("openai/chat-completion.json"))));
        server.stubFor(post(urlEqualTo(CHAT)).atPriority(1)
                .withRequestBody(matchingJsonPath("$[?(@.stream == true)]"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(Fixtures.text("openai/chat-completion-stream.sse"))));
    }

    /** Every chat request, streaming or not, gets {@code response}. */
    public static void fails(WireMockServer server, ResponseDefinitionBuilder response) {
        server.stubFor(post(urlEqualTo(CHAT)).atPriority(1).willReturn(response));
    }

    public static ResponseDefinitionBuilder error(int status, String fixture) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.text("openai/" + fixture));
    }
}
