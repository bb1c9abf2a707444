package dev.switchboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.switchboard.testing.FakeProviders;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/** Bad input gets a clear OpenAI-shaped error and never reaches a provider. */
@QuarkusTest
@QuarkusTestResource(FakeProviders.class)
class RequestValidationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"model\":                          | invalid_json",
            "not json at all                      | invalid_json",
            "[{\"model\":\"chat\"}]               | invalid_json",
            "{\"model\":\"chat\"} {\"x\":1}       | invalid_json",
            "{\"messages\":[]}                    | missing_model",
            "{\"model\":\"\"}                     | missing_model",
            "{\"model\":42}                       | invalid_model",
            "{\"model\":\"chat\",\"stream\":\"yes\"} | invalid_type",
    })
    void rejectsMalformedRequestsWith400(String body, String code) {
        FakeProviders.primary.resetRequests();

        given().contentType(ContentType.JSON).body(body).post("/v1/chat/completions")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo(code));
        org.assertj.core.api.Assertions.assertThat(FakeProviders.primary.getAllServeEvents()).isEmpty();
    }

    @Test
    void rejectsAnEmptyBody() {
        given().post("/v1/chat/completions").then().statusCode(400).body("error.code", equalTo("invalid_json"));
    }

    @Test
    void answers404ModelNotFoundForAnUnknownModel() {
        given().contentType(ContentType.JSON).body("{\"model\":\"gpt-5-nonexistent\"}").post("/v1/chat/completions")
                .then().statusCode(404).contentType(ContentType.JSON)
                .body("error.code", equalTo("model_not_found"))
                .body("error.message", containsString("gpt-5-nonexistent"));
    }

    @Test
    void answers404ForAPinToAnUnknownProvider() {
        given().contentType(ContentType.JSON).body("{\"model\":\"antropic/claude\"}").post("/v1/chat/completions")
                .then().statusCode(404).body("error.code", equalTo("model_not_found"));
    }

    @Test
    void answers413ForABodyOverTheLimit() {
        String huge = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(300 * 1024)
                + "\"}]}";

        given().contentType(ContentType.JSON).body(huge).post("/v1/chat/completions")
                .then().statusCode(413).contentType(ContentType.JSON)
                .body("error.code", equalTo("request_too_large"))
                .body("error.message", containsString("256K"));
    }

    /** A body sent without a Content-Length (chunked), as streaming uploaders do. */
    private static HttpResponse<String> chunked(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                + "/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersAChunkedBodyOverTheLimitWithTheJson413() throws Exception {
        HttpResponse<String> response = chunked("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "a".repeat(300 * 1024) + "\"}]}");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).contains("\"code\":\"request_too_large\"").contains("256K");
    }

    @Test
    void routesAChunkedBodyUnderTheLimit() throws Exception {
        HttpResponse<String> response = chunked("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"choices\"");
    }

    @Test
    void answersUnknownPathsWithJson404() {
        given().get("/v1/nothing-here").then().statusCode(404).contentType(ContentType.JSON)
                .body("error.code", equalTo("not_found"));
    }

    @Test
    void answersWrongMethodsWithJson405() {
        given().get("/v1/chat/completions").then().statusCode(405).contentType(ContentType.JSON)
                .body("error.code", equalTo("method_not_allowed"));
    }
}
