package dev.switchboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.switchboard.testing.Exposition;
import dev.switchboard.testing.FakeProviders;
import dev.switchboard.testing.Stubs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** After known traffic, the routing, provider, GenAI and cost meters carry the expected values and tags. */
@QuarkusTest
@QuarkusTestResource(FakeProviders.class)
class MetricsTest {

    /** The model {@code fixtures/openai/chat-completion.json} says answered. */
    private static final String RESPONSE_MODEL = "gpt-4o-mini-2024-07-18";

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @BeforeEach
    void reset() {
        FakeProviders.anthropic.resetAll();
        FakeProviders.anthropic.stubFor(com.github.tomakehurst.wiremock.client.WireMock
                .post(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/messages"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock
                        .okJson(dev.switchboard.testing.Fixtures.text("anthropic/message.json"))));
        FakeProviders.primary.resetAll();
        FakeProviders.secondary.resetAll();
        Stubs.answers(FakeProviders.primary);
        Stubs.answers(FakeProviders.secondary);
    }

    private Exposition scrape() {
        return Exposition.parse(given().get(metrics).then().statusCode(200).extract().asString());
    }

    private static void chat(String route) {
        given().contentType(ContentType.JSON).body("{\"model\":\"" + route + "\",\"messages\":[]}")
                .post("/v1/chat/completions").then().statusCode(200);
    }

    @ParameterizedTest(name = "Accept: {0}")
    @CsvSource(delimiter = '|', value = {
            "*/*|text/plain; version=0.0.4; charset=utf-8", // curl's default: what promtool reads
            "text/plain|text/plain; version=0.0.4; charset=utf-8",
            "application/openmetrics-text; version=1.0.0|application/openmetrics-text; version=1.0.0; charset=utf-8",
            "application/openmetrics-text|application/openmetrics-text; version=1.0.0; charset=utf-8",
            // what Prometheus itself sends
            "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"
                    + "|application/openmetrics-text; version=1.0.0; charset=utf-8" })
    void answersEveryClientInAFormatItReads(String accept, String contentType) {
        String body = given().header("Accept", accept).get(metrics).then().statusCode(200)
                .header("Content-Type", contentType).extract().asString();

        if (contentType.startsWith("text/plain")) {
            Exposition.parse(body); // the strict text-format reader
            assertThat(body).doesNotContain("# EOF");
        } else {
            assertThat(body.strip()).endsWith("# EOF");
        }
    }

    @Test
    void theExpositionIsValid() {
        chat("chat");
        chat("claude-metrics");

        // parse() is a strict reader of the text format: names, labels, one TYPE per family, no duplicate series
        Exposition exposition = scrape();

        // every documented family is there after traffic, with values that mean what they say
        for (String family : List.of("switchboard_routing_requests_total", "switchboard_routing_target_selected_total",
                "switchboard_provider_attempts_total", "gen_ai_client_token_usage_count",
                "gen_ai_client_operation_duration_seconds_count",
                "switchboard_cost_usd_total")) {
            assertThat(exposition.sum(family)).as(family).isPositive();
        }
        assertThat(exposition.sum("switchboard_provider_breaker_state", "provider=\"primary\"")).isZero();
        assertThat(exposition.has("switchboard_provider_breaker_state", "provider=\"secondary\"")).isTrue();
        assertThat(exposition.sum("switchboard_provider_in_flight", "provider=\"primary\"")).isZero();
        double loaded = exposition.sum("switchboard_policy_loaded_timestamp_seconds");
        assertThat(loaded).isBetween(Instant.now().minus(Duration.ofHours(1)).getEpochSecond() * 1.0,
                Instant.now().getEpochSecond() + 1.0);
        assertThat(exposition.sum("switchboard_policy_reloads_total", "result=\"success\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void countsRequestsAttemptsTokensAndDurations() {
        Exposition before = scrape();
        for (int i = 0; i < 3; i++) {
            chat("chat");
        }
        Exposition after = scrape();

        String primary = "provider=\"primary\"";
        String model = "model=\"gpt-4o-mini\"";
        assertThat(delta(before, after, "switchboard_routing_requests_total", "route=\"chat\"")).isEqualTo(3);
        assertThat(delta(before, after, "switchboard_routing_target_selected_total", "route=\"chat\"", primary, model))
                .isEqualTo(3);
        assertThat(delta(before, after, "switchboard_provider_attempts_total", primary, model, "outcome=\"success\""))
                .isEqualTo(3);
        assertThat(after.has("gen_ai_client_operation_duration_seconds_bucket", "switchboard_provider=\"primary\"",
                "gen_ai_request_model=\"gpt-4o-mini\"", "le=\"+Inf\"")).isTrue();
        // the fixture's usage: 19 prompt and 10 completion tokens per answer
        // the GenAI conventions' attributes: the provider type's well-known name beside the policy's key, the
        // operation, the host, the model the answer names, and error.type only on failures (empty is absent)
        String genAi = "switchboard_provider=\"primary\"";
        assertThat(delta(before, after, "gen_ai_client_token_usage_sum", genAi, "gen_ai_provider_name=\"openai\"",
                "gen_ai_operation_name=\"chat\"", "gen_ai_token_type=\"input\""))
                .isEqualTo(57);
        assertThat(delta(before, after, "gen_ai_client_token_usage_sum", genAi, "gen_ai_token_type=\"output\""))
                .isEqualTo(30);
        assertThat(delta(before, after, "gen_ai_client_operation_duration_seconds_count", genAi,
                "gen_ai_provider_name=\"openai\"", "gen_ai_request_model=\"gpt-4o-mini\"",
                "gen_ai_response_model=\"" + RESPONSE_MODEL + "\"", "error_type=\"\"")).isEqualTo(3);
    }

    @Test
    void timesTheFirstChunkOfAStreamAndItsWholeDurationToTheLastEvent() {
        Exposition before = scrape();

        given().contentType(ContentType.JSON).body("{\"model\":\"chat\",\"stream\":true,\"messages\":[]}")
                .post("/v1/chat/completions").then().statusCode(200);

        Exposition after = scrape();
        assertThat(delta(before, after, "gen_ai_client_operation_time_to_first_chunk_seconds_count",
                "switchboard_provider=\"primary\"", "gen_ai_provider_name=\"openai\"",
                "gen_ai_operation_name=\"chat\"")).isEqualTo(1);
        // the stream sent no usage: its first chunk names the model, so it shares the JSON answers' series
        assertThat(delta(before, after, "gen_ai_client_operation_duration_seconds_count",
                "switchboard_provider=\"primary\"", "error_type=\"\"",
                "gen_ai_response_model=\"" + RESPONSE_MODEL + "\"")).isEqualTo(1);
        // Switchboard's own duplicates of the GenAI histograms are gone (they doubled the scrape)
        assertThat(after.has("switchboard_provider_request_duration_seconds_count")).isFalse();
        assertThat(after.has("switchboard_provider_ttft_seconds_count")).isFalse();
    }

    @Test
    void countsFallbacksByReasonAndFailedAttemptsByOutcome() {
        Stubs.fails(FakeProviders.primary, Stubs.error(503, "error-500.json"));
        Exposition before = scrape();

        chat("chat");

        Exposition after = scrape();
        assertThat(delta(before, after, "switchboard_routing_fallbacks_total", "route=\"chat\"", "from=\"primary\"",
                "to=\"secondary\"", "reason=\"5xx\"")).isEqualTo(1);
        assertThat(delta(before, after, "switchboard_provider_attempts_total", "provider=\"primary\"",
                "outcome=\"5xx\"")).isEqualTo(1);
        assertThat(delta(before, after, "gen_ai_client_operation_duration_seconds_count",
                "switchboard_provider=\"primary\"", "error_type=\"5xx\"")).isEqualTo(1);
    }

    @Test
    void countsA429AsRateLimitingNotAsA5xx() {
        Stubs.fails(FakeProviders.primary, Stubs.error(429, "error-429.json"));
        Exposition before = scrape();

        chat("chat");

        Exposition after = scrape();
        assertThat(delta(before, after, "switchboard_routing_fallbacks_total", "route=\"chat\"", "from=\"primary\"",
                "to=\"secondary\"", "reason=\"429\"")).isEqualTo(1);
        assertThat(delta(before, after, "switchboard_routing_fallbacks_total", "route=\"chat\"", "from=\"primary\"",
                "reason=\"5xx\"")).isZero();
        assertThat(delta(before, after, "switchboard_provider_attempts_total", "provider=\"primary\"",
                "outcome=\"429\"")).isEqualTo(1);
    }

    @Test
    void countsCostInUsdForPricedTargets() {
        Exposition before = scrape();

        // the Anthropic fixture: 12 prompt and 10 completion tokens at $3 / $15 per million
        chat("claude-metrics");

        assertThat(delta(before, scrape(), "switchboard_cost_usd_total", "provider=\"claude\"",
                "model=\"claude-metrics\"")).isCloseTo(0.000186, within(1e-12));
    }

    private static double delta(Exposition before, Exposition after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
