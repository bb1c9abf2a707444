package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import dev.switchboard.testing.FakeProviders;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.Stubs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Active probes mark a provider down before real traffic suffers, and a passing probe lets it back in. */
@QuarkusTest
@QuarkusTestResource(FakeProviders.class)
class ActiveProbeTest {

    @TestHTTPResource(value = "/health/ready", management = true)
    URL readiness;

    private Map<String, Object> probed() throws Exception {
        URL health = new URL(readiness.getProtocol(), readiness.getHost(), readiness.getPort(),
                "/api/v1/admin/router/health");
        List<Map<String, Object>> providers = JsonPath.from(given().get(health).asString()).getList("providers");
        return providers.stream().filter(p -> "probed".equals(p.get("name"))).findFirst().orElseThrow();
    }

    private double healthCheckFailures() throws Exception {
        URL metrics = new URL(readiness.getProtocol(), readiness.getHost(), readiness.getPort(), "/q/metrics");
        String exposition = given().accept("text/plain").get(metrics).asString();
        return exposition.lines().filter(l -> l.startsWith("switchboard_routing_health_check_failures_total{")
                && l.contains("provider=\"probed\"")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static String chat() {
        return given().contentType(ContentType.JSON).body("{\"model\":\"probed\",\"messages\":[]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().header("x-switchboard-provider");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailingProbeMarksTheProviderDownAndAPassingOneLetsItBackIn() throws Exception {
        FakeProviders.secondary.resetAll();
        Stubs.answers(FakeProviders.secondary);
        FakeProviders.probed.resetAll();
        FakeProviders.probed.stubFor(get(urlEqualTo("/v1/models")).willReturn(aResponse().withStatus(503)));
        FakeProviders.probed.stubFor(post(urlEqualTo(Stubs.CHAT))
                .willReturn(okJson(Fixtures.text("openai/chat-completion.json"))));

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> "down".equals(probed().get("status")));
        assertThat(chat()).isEqualTo("secondary");
        // the probe's verdict is its own signal: shown and counted, but real traffic's success rate is untouched
        Map<String, Object> probe = (Map<String, Object>) probed().get("probe");
        assertThat(probe).containsEntry("status", "failing");
        assertThat((String) probe.get("last_error")).contains("probe GET /models answered HTTP 503");
        assertThat(((Number) probe.get("failures")).intValue()).isPositive();
        assertThat(probed().get("last_error")).isNull();
        assertThat(((Number) probed().get("success_rate")).doubleValue()).isEqualTo(1.0);
        assertThat(healthCheckFailures()).isPositive();

        // probes are zero-token GETs of the model list, never a completion
        List<ServeEvent> seen = FakeProviders.probed.getAllServeEvents();
        assertThat(seen).isNotEmpty().allSatisfy(event -> {
            assertThat(event.getRequest().getMethod().getName()).isEqualTo("GET");
            assertThat(event.getRequest().getUrl()).isEqualTo("/v1/models");
        });

        FakeProviders.probed.stubFor(get(urlEqualTo("/v1/models")).willReturn(okJson("{\"object\":\"list\",\"data\":[]}")));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !"down".equals(probed().get("status")));
        assertThat(probed()).containsEntry("breaker", "half_open");

        assertThat(chat()).isEqualTo("probed");
        assertThat(probed()).containsEntry("breaker", "closed");
    }
}
