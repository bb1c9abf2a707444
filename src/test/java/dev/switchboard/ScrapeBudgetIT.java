package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.switchboard.testing.Exposition;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.PackagedApp;
import io.restassured.http.ContentType;

/**
 * The scrape budget of the metrics reference: the k8s example's own policy ({@code k8s/configmap.yaml}), its
 * providers' base URLs pointed at fake providers, after JSON and streamed answers from every target, scraped as
 * Prometheus scrapes it. Every route's strategy becomes round-robin so that traffic reaches every target without
 * failures (the failover routes would otherwise only ever use their first). Prints what it measured and
 * keeps the scrape in {@code target/scrape-budget.txt}.
 */
class ScrapeBudgetIT {

    static final int MAX_BYTES = 100_000;
    static final int MAX_SAMPLES = 1_000;
    private static final Pattern POLICY = Pattern.compile("policy\\.yaml: \\|\\n((?: {4}.*\\n|\\n)+)");
    private static final Pattern ROUTE = Pattern.compile("^ {2}(\\w[\\w-]*):\\s*(#.*)?$");

    @TempDir
    static Path dir;
    private static WireMockServer fake;
    private static PackagedApp app;
    private static final Map<String, Integer> ROUTES = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        fake = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        fake.start();
        String sse = "text/event-stream";
        for (String base : List.of("/v1", "/openai/v1")) {
            fake.stubFor(post(urlEqualTo(base + "/chat/completions")).atPriority(1)
                    .withRequestBody(containing("\"stream\":true"))
                    .willReturn(aResponse().withHeader("Content-Type", sse)
                            .withBody(Fixtures.text("openai/chat-completion-stream.sse"))));
            fake.stubFor(post(urlEqualTo(base + "/chat/completions")).atPriority(2)
                    .willReturn(okJson(Fixtures.text("openai/chat-completion.json"))));
            fake.stubFor(post(urlEqualTo(base + "/embeddings")).willReturn(okJson(Fixtures.text("openai/embeddings.json"))));
            fake.stubFor(get(urlEqualTo(base + "/models")).willReturn(okJson("{\"object\":\"list\",\"data\":[]}")));
        }
        fake.stubFor(post(urlEqualTo("/v1/messages")).atPriority(1).withRequestBody(containing("\"stream\":true"))
                .willReturn(aResponse().withHeader("Content-Type", sse)
                        .withBody(Fixtures.text("anthropic/message-stream.sse"))));
        fake.stubFor(post(urlEqualTo("/v1/messages")).atPriority(2)
                .willReturn(okJson(Fixtures.text("anthropic/message.json"))));

        Path key = Files.writeString(dir.resolve("openai-api-key"), "sk-scrape-budget");
        String here = "http://127.0.0.1:" + fake.port();
        String policy = examplePolicy()
                .replace("https://api.openai.com", here).replace("https://api.groq.com", here)
                .replace("https://api.anthropic.com", here)
                .replace("/var/run/secrets/switchboard/openai-api-key", key.toString())
                .replaceAll("strategy: [\\w-]+", "strategy: round-robin")
                .replace("prefer-quality-for-complex: true", "");
        Path file = Files.writeString(dir.resolve("policy.yaml"), policy);
        app = PackagedApp.start(Map.of("SWITCHBOARD_POLICY", file.toString(), "GROQ_API_KEY", "gsk-scrape",
                "ANTHROPIC_API_KEY", "sk-ant-scrape")).awaitStarted(Duration.ofSeconds(60));
    }

    /** The policy of {@code k8s/configmap.yaml}, and the number of targets of each of its routes. */
    private static String examplePolicy() throws Exception {
        String configMap = Files.readString(Path.of("k8s", "configmap.yaml"), StandardCharsets.UTF_8);
        Matcher block = POLICY.matcher(configMap);
        assertThat(block.find()).as("policy.yaml in k8s/configmap.yaml").isTrue();
        String policy = block.group(1).replaceAll("(?m)^ {4}", "");
        String routes = policy.substring(policy.indexOf("\nroutes:") + 1);
        String current = null;
        for (String line : routes.lines().toList()) {
            Matcher route = ROUTE.matcher(line);
            if (route.matches()) {
                current = route.group(1);
                ROUTES.put(current, 0);
            } else if (current != null && line.trim().startsWith("- { provider:")) {
                ROUTES.merge(current, 1, Integer::sum);
            }
        }
        return policy;
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (fake != null) {
            fake.stop();
        }
    }

    @Test
    void scrapeAfterTrafficToEveryTargetStaysWithinBudget() throws Exception {
        assertThat(ROUTES).containsKeys("smart", "long", "fast", "cheap", "embed", "drill");
        List<String> answeredBy = new ArrayList<>();
        ROUTES.forEach((route, targets) -> {
            boolean embeddings = "embed".equals(route);
            for (boolean stream : embeddings ? new boolean[] { false } : new boolean[] { false, true }) {
                for (int i = 0; i < targets; i++) {
                    String body = embeddings ? "{\"model\":\"embed\",\"input\":\"hello\"}"
                            : "{\"model\":\"" + route + "\",\"stream\":" + stream
                                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                    answeredBy.add(route + " " + given().contentType(ContentType.JSON).body(body)
                            .post(app.url(embeddings ? "/v1/embeddings" : "/v1/chat/completions")).then()
                            .statusCode(200).extract().header("x-switchboard-provider"));
                }
            }
        });
        assertThat(answeredBy).as("every provider answered").anyMatch(a -> a.endsWith(" openai"))
                .anyMatch(a -> a.endsWith(" groq")).anyMatch(a -> a.endsWith(" anthropic"))
                .anyMatch(a -> a.endsWith(" drill"));

        String scrape = given().accept("application/openmetrics-text; version=1.0.0")
                .get(app.managementUrl("/q/metrics")).then().statusCode(200).extract().asString();
        Exposition metrics = Exposition.parse(given().accept("text/plain").get(app.managementUrl("/q/metrics"))
                .then().statusCode(200).extract().asString());
        int bytes = scrape.getBytes(StandardCharsets.UTF_8).length;
        long samples = scrape.lines().filter(line -> !line.isEmpty() && !line.startsWith("#")).count();
        Files.writeString(Path.of("target", "scrape-budget.txt"), scrape, StandardCharsets.UTF_8);
        System.out.printf("scrape of the k8s example policy after %d answers: %d samples, %,d bytes%n",
                answeredBy.size(), samples, bytes);

        for (String pair : List.of("gpt-4o", "claude-3-5-sonnet-20241022", "llama-3.3-70b-versatile",
                "llama-3.1-8b-instant", "gpt-4.1-mini", "gpt-4o-mini", "drill-model")) {
            assertThat(metrics.sum("gen_ai_client_operation_time_to_first_chunk_seconds_count",
                    "gen_ai_request_model=\"" + pair + "\"")).as("streamed from " + pair).isPositive();
            assertThat(metrics.sum("gen_ai_client_token_usage_count", "gen_ai_request_model=\"" + pair + "\""))
                    .as("tokens of " + pair).isPositive();
        }
        assertThat(samples).as("samples per scrape").isLessThanOrEqualTo(MAX_SAMPLES);
        assertThat(bytes).as("bytes per scrape").isLessThanOrEqualTo(MAX_BYTES);
    }
}
