package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.switchboard.testing.FakeProviders;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.Stubs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Non-streaming requests pass through to an OpenAI-compatible provider and back unchanged but for the model. */
@QuarkusTest
@QuarkusTestResource(FakeProviders.class)
class ProxyJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void reset() {
        FakeProviders.primary.resetAll();
        FakeProviders.secondary.resetAll();
        Stubs.answers(FakeProviders.primary);
        Stubs.answers(FakeProviders.secondary);
    }

    @Test
    void relaysTheProviderAnswerUnchangedWithRoutingHeaders() throws Exception {
        Response response = given().contentType(ContentType.JSON)
                .body("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/chat/completions");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header("x-switchboard-provider")).isEqualTo("primary");
        assertThat(response.header("x-switchboard-model")).isEqualTo("gpt-4o-mini");
        assertThat(response.header("x-switchboard-attempts")).isEqualTo("1");
        assertThat(response.contentType()).startsWith("application/json");
        // a whole answer goes out in one piece with its length, not chunked
        assertThat(response.header("Transfer-Encoding")).isNull();
        assertThat(response.header("Content-Length")).isEqualTo(String.valueOf(response.asByteArray().length));
        assertThat(JSON.readTree(response.asByteArray()))
                .isEqualTo(JSON.readTree(Fixtures.text("openai/chat-completion.json")));
    }

    @Test
    void sendsTheBodyUpstreamUntouchedButForTheModel() throws Exception {
        String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi \\u00e9\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"response_format\":{\"type\":\"json_object\"},\"n\":2,\"logprobs\":true,\"temperature\":0.30000000000000004}";

        given().contentType(ContentType.JSON).body(body).post("/v1/chat/completions").then().statusCode(200);

        List<LoggedRequest> requests = FakeProviders.primary.findAll(postRequestedFor(urlEqualTo(Stubs.CHAT)));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getBodyAsString())
                .isEqualTo(body.replace("\"model\":\"chat\"", "\"model\":\"gpt-4o-mini\""));
    }

    @Test
    void sendsTheProviderKeyAndHeadersButNeverTheCallersKey() {
        given().contentType(ContentType.JSON).header("Authorization", "Bearer sk-caller-secret")
                .header("OpenAI-Organization", "org-caller")
                .body("{\"model\":\"chat\",\"messages\":[]}")
                .post("/v1/chat/completions").then().statusCode(200);

        LoggedRequest request = FakeProviders.primary.findAll(postRequestedFor(urlEqualTo(Stubs.CHAT))).get(0);
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + FakeProviders.PRIMARY_KEY);
        assertThat(request.getHeader("OpenAI-Organization")).isEqualTo(FakeProviders.ORGANIZATION);
        assertThat(request.getHeaders().all().toString()).doesNotContain("sk-caller-secret", "org-caller");
    }

    @Test
    void pinsOneProviderWithProviderSlashModel() {
        given().contentType(ContentType.JSON).body("{\"model\":\"secondary/org/custom-model:v2\"}")
                .post("/v1/chat/completions")
                .then().statusCode(200)
                .header("x-switchboard-provider", "secondary")
                .header("x-switchboard-model", "org/custom-model:v2");

        FakeProviders.secondary.verify(1, postRequestedFor(urlEqualTo(Stubs.CHAT))
                .withRequestBody(matchingJsonPath("$.model", equalTo("org/custom-model:v2"))));
        FakeProviders.primary.verify(0, postRequestedFor(urlEqualTo(Stubs.CHAT)));
    }

    @Test
    void proxiesCompletionsAndEmbeddings() throws Exception {
        FakeProviders.primary.stubFor(post(urlEqualTo("/v1/completions"))
                .willReturn(okJson(Fixtures.text("openai/completion.json"))));
        FakeProviders.primary.stubFor(post(urlEqualTo("/v1/embeddings"))
                .willReturn(okJson(Fixtures.text("openai/embeddings.json"))));

        JsonNode completion = JSON.readTree(given().contentType(ContentType.JSON)
                .body("{\"model\":\"chat\",\"prompt\":\"Say this is a test\"}")
                .post("/v1/completions").then().statusCode(200).extract().asByteArray());
        JsonNode embeddings = JSON.readTree(given().contentType(ContentType.JSON)
                .body("{\"model\":\"chat\",\"input\":\"The food was delicious\"}")
                .post("/v1/embeddings").then().statusCode(200).extract().asByteArray());

        assertThat(completion).isEqualTo(JSON.readTree(Fixtures.text("openai/completion.json")));
        assertThat(embeddings).isEqualTo(JSON.readTree(Fixtures.text("openai/embeddings.json")));
        FakeProviders.primary.verify(1, postRequestedFor(urlEqualTo("/v1/embeddings"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini"))));
    }

    @Test
    void listsTheRouteAliasesAsModels() {
        List<String> ids = given().get("/v1/models").then().statusCode(200)
                .body("object", org.hamcrest.Matchers.equalTo("list"))
                .extract().jsonPath().getList("data.id");

        assertThat(ids).startsWith("chat", "down-first", "slow-first", "held").contains("breaks", "single", "weighted",
                "least-busy", "fastest", "cb-open");
    }
}
