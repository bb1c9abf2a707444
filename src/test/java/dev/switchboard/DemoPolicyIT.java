package dev.switchboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.testing.Exposition;
import dev.switchboard.testing.PackagedApp;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The README's run command on a fresh machine: no policy named and none mounted, so the demo policy answers. */
class DemoPolicyIT {

    private static PackagedApp app;

    @BeforeAll
    static void start() throws Exception {
        app = PackagedApp.start(Map.of())
                .awaitStarted(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    void saysInTheLogThatItServesTheDemoPolicy() {
        assertThat(app.output()).contains("serving the built-in demo policy");
    }

    @Test
    void answersChatsAndStreamsFromMockProviders() {
        Response chat = given().contentType(ContentType.JSON)
                .body("{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(app.url("/v1/chat/completions"));
        Response stream = given().contentType(ContentType.JSON)
                .body("{\"model\":\"smart\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(app.url("/v1/chat/completions"));

        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(chat.jsonPath().getString("choices[0].message.content")).contains("mock answer");
        assertThat(chat.header("x-switchboard-provider")).startsWith("mock-");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.asString()).contains("chat.completion.chunk").endsWith("data: [DONE]\n\n");
    }

    @Test
    void listsTheDemoRoutesAndIsReady() {
        List<String> ids = given().get(app.url("/v1/models")).jsonPath().getList("data.id");
        assertThat(ids).containsExactly("fast", "smart", "embed");

        given().get(app.managementUrl("/q/health/ready")).then().statusCode(200);
        given().get(app.managementUrl("/q/health/live")).then().statusCode(200);
        given().get(app.managementUrl("/q/health/started")).then().statusCode(200);
    }

    @Test
    void countsItsDemoTrafficInTheMetrics() {
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON)
                    .body("{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post(app.url("/v1/chat/completions")).then().statusCode(200);
        }

        Exposition metrics = Exposition.parse(given().accept("text/plain").get(app.managementUrl("/q/metrics"))
                .then().statusCode(200).extract().asString());
        assertThat(metrics.sum("switchboard_routing_requests_total", "route=\"smart\"")).isGreaterThanOrEqualTo(3);
        assertThat(metrics.sum("switchboard_provider_attempts_total", "provider=\"mock-steady\"",
                "model=\"mock-smart\"", "outcome=\"success\"")).isGreaterThanOrEqualTo(3);
        assertThat(metrics.sum("gen_ai_client_token_usage_count", "switchboard_provider=\"mock-steady\"",
                "gen_ai_token_type=\"output\"")).isGreaterThanOrEqualTo(3);
        assertThat(metrics.sum("switchboard_policy_reloads_total", "result=\"success\"")).isEqualTo(1);
        assertThat(metrics.sum("switchboard_provider_breaker_state", "provider=\"mock-steady\"")).isZero();
    }
}
