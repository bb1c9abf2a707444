package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.switchboard.limits.LimitKeys;
import dev.switchboard.testing.Exposition;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.PackagedApp;
import dev.switchboard.testing.RedisServer;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Tenant budgets and provider quotas as users run them: the packaged jar, alone with its in-process store, or three of
 * it sharing a real Redis; a fake provider whose answers carry 29 tokens of usage. The same behaviour either way: a
 * tenant's budget holds across the processes, a provider's quota too (the excess goes to the next target), and a Redis
 * outage costs no request.
 */
class SharedLimitsIT {

    /** The fixture's usage: 19 prompt and 10 completion tokens. */
    static final int TOKENS_PER_ANSWER = 29;
    static final int BUDGET_ANSWERS = 10;
    static final int QUOTA = 12;

    @TempDir
    Path dir;
    private WireMockServer fake;
    private RedisServer redis;
    private final List<PackagedApp> apps = new ArrayList<>();

    @BeforeEach
    void fake() {
        fake = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        fake.start();
        for (String path : List.of("/limited/v1/chat/completions", "/spare/v1/chat/completions")) {
            fake.stubFor(post(urlEqualTo(path)).willReturn(okJson(Fixtures.text("openai/chat-completion.json"))));
        }
        // a provider that reports its own budget: 9 requests left this minute
        fake.stubFor(post(urlEqualTo("/reporting/v1/chat/completions")).willReturn(okJson(Fixtures.text(
                "openai/chat-completion.json")).withHeader("x-ratelimit-remaining-requests", "9")
                .withHeader("x-ratelimit-reset-requests", "30s")));
    }

    @AfterEach
    void stop() throws Exception {
        apps.forEach(PackagedApp::close);
        if (redis != null) {
            redis.close();
        }
        fake.stop();
    }

    private void start(int processes, boolean shared) throws Exception {
        String base = "http://127.0.0.1:" + fake.port();
        String policy = """
                tenancy: { default-tenant: app }
                tenants:
                  app: {}
                  capped: { budget: { tokens: %d, period: day, warn-at: 0.5 } }
                defaults:
                  retry: { max-attempts: 2, backoff: 0ms }
                providers:
                  limited: { type: openai, base-url: "%s/limited/v1", quota: { requests-per-minute: %d } }
                  spare: { type: openai, base-url: "%s/spare/v1" }
                  reporting:
                    type: openai
                    base-url: "%s/reporting/v1"
                    quota: { requests-per-minute: %d }
                    rate-limit: { admission: true }
                routes:
                  chat: { targets: [ { provider: limited, model: a }, { provider: spare, model: b } ] }
                  reported: { targets: [ { provider: reporting, model: c }, { provider: spare, model: b } ] }
                """.formatted(BUDGET_ANSWERS * TOKENS_PER_ANSWER, base, QUOTA, base, base, QUOTA);
        Path file = Files.writeString(dir.resolve("policy.yaml"), policy);
        Map<String, String> env = new HashMap<>(Map.of("SWITCHBOARD_POLICY", file.toString()));
        if (shared) {
            redis = RedisServer.start();
            env.put("QUARKUS_REDIS_HOSTS", redis.uri());
            // three JVMs, Redis, the fake and the test share two cores here: a check may wait longer than the 50 ms a
            // pod beside a Redis would, and these tests are about the shared counts, not the fallback (which the
            // outage test covers: a stopped Redis refuses connections at once)
            env.put("SWITCHBOARD_SHARED_LIMITS_TIMEOUT", "1s");
        }
        for (int i = 0; i < processes; i++) {
            apps.add(PackagedApp.start(env));
        }
        for (PackagedApp app : apps) {
            app.awaitStarted(Duration.ofSeconds(60));
        }
    }

    private Response chat(int request, String tenant) {
        return chat(request, tenant, "chat");
    }

    private Response chat(int request, String tenant, String route) {
        PackagedApp app = apps.get(request % apps.size());
        return given().contentType(ContentType.JSON).header("x-switchboard-tenant", tenant)
                .body("{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(app.url("/v1/chat/completions"));
    }

    /** The router-health API's quota of {@code provider}, as {@code app} last saw it. */
    private static long quotaUsed(PackagedApp app, String provider) {
        return given().get(app.managementUrl("/api/v1/admin/router/health")).jsonPath()
                .getLong("providers.find { it.name == '" + provider + "' }.quota.requests_used");
    }

    private int received(String provider) {
        return fake.countRequestsMatching(postRequestedFor(urlEqualTo("/" + provider + "/v1/chat/completions"))
                .build()).getCount();
    }

    /** Every pod's heartbeat has seen all three: the steady state of a deployment. */
    private void awaitAllPodsCounted() {
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> apps.stream().allMatch(app -> given()
                .get(app.managementUrl("/q/health/ready")).asString().contains("redis, 3 pod(s)")));
    }

    /** A per-minute quota test must not straddle a minute: it starts early in one. */
    private static void earlyInAMinute() {
        Awaitility.await().atMost(Duration.ofSeconds(61)).pollInterval(Duration.ofMillis(200))
                .until(() -> Instant.now().atZone(ZoneOffset.UTC).getSecond() < 30);
    }

    @ParameterizedTest(name = "shared={0}")
    @ValueSource(booleans = { false, true })
    void aTenantsBudgetHoldsAcrossEveryProcess(boolean shared) throws Exception {
        start(shared ? 3 : 1, shared);

        int passed = 0;
        List<Response> refused = new ArrayList<>();
        String warning = null;
        for (int i = 0; i < 2 * BUDGET_ANSWERS; i++) {
            Response answer = chat(i, "capped");
            if (answer.statusCode() == 200) {
                passed++;
                warning = answer.header("x-switchboard-budget-warning") != null ? answer.header(
                        "x-switchboard-budget-warning") : warning;
            } else {
                refused.add(answer);
            }
        }

        // the budget holds 10 answers of 29 tokens; a request is let in while its estimate still fits, and with three
        // processes one may slip in before the previous answer's correction reached Redis
        assertThat(passed).isBetween(BUDGET_ANSWERS - 1, BUDGET_ANSWERS + (shared ? 1 : 0));
        assertThat(refused).isNotEmpty().allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(429);
            assertThat(answer.jsonPath().getString("error.code")).isEqualTo("budget_exceeded");
            assertThat(Long.parseLong(answer.header("Retry-After"))).isBetween(1L, 86_400L);
        });
        assertThat(warning).startsWith("tokens ").contains("of the day budget of tenant capped");
        // the other tenant has no budget
        assertThat(chat(0, "app").statusCode()).isEqualTo(200);

        // the admin API shows the cluster's usage by tenant, provider and model (flushed to Redis every second)
        int answered = passed;
        if (shared) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> given()
                    .get(apps.get(1).managementUrl("/api/v1/admin/usage")).jsonPath()
                    .getInt("cluster.usage.find { it.tenant == 'capped' && it.provider == 'limited' }.requests") == answered);
        } else {
            assertThat(given().get(apps.get(0).managementUrl("/api/v1/admin/usage")).jsonPath().getString("cluster"))
                    .isNull();
        }
    }

    @Test
    void aBudgetHoldsUnderConcurrentTrafficToThreeProcesses() throws Exception {
        start(3, true);
        awaitAllPodsCounted();
        // one answer per pod first: each learns how large this tenant's answers are, and reserves that much for
        // every request in flight
        for (int i = 0; i < 3; i++) {
            assertThat(chat(i, "capped").statusCode()).isEqualTo(200);
        }
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 3 * BUDGET_ANSWERS; i++) {
            answers.add(client.sendAsync(HttpRequest.newBuilder(URI.create(apps.get(i % 3).url("/v1/chat/completions")))
                    .header("Content-Type", "application/json").header("x-switchboard-tenant", "capped")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        long passed = 3 + answers.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200).count();
        long refused = answers.stream().map(CompletableFuture::join)
                .filter(r -> r.statusCode() == 429 && r.body().contains("budget_exceeded")).count();

        // every take reserves its estimate atomically: requests in flight at once pass the budget only by what their
        // estimates fall short of their answers
        double fallbacks = apps.stream().mapToDouble(app -> Exposition.parse(given()
                .get(app.managementUrl("/q/metrics")).asString()).sum("switchboard_limits_store_fallbacks_total")).sum();
        assertThat(passed).as("answers (limit checks decided by the fallback: %s)", fallbacks)
                .isBetween((long) BUDGET_ANSWERS - 1, (long) BUDGET_ANSWERS + 1);
        assertThat(passed + refused).isEqualTo(3L + 3L * BUDGET_ANSWERS);
    }

    @ParameterizedTest(name = "shared={0}")
    @ValueSource(booleans = { false, true })
    void aProvidersQuotaHoldsAcrossEveryProcessAndTheExcessGoesToTheNextTarget(boolean shared) throws Exception {
        start(shared ? 3 : 1, shared);
        earlyInAMinute();

        for (int i = 0; i < 2 * QUOTA + 6; i++) {
            Response answer = chat(i, "app");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.header("x-switchboard-provider")).isEqualTo(i < QUOTA ? "limited" : "spare");
        }

        assertThat(received("limited")).isEqualTo(QUOTA);
        assertThat(received("spare")).isEqualTo(QUOTA + 6);
        // the router-health API shows the quota as the pods last saw it; one of them took the last of it
        assertThat(apps.stream().mapToLong(app -> quotaUsed(app, "limited")).max().orElseThrow()).isEqualTo(QUOTA);
        if (shared) {
            long minute = LimitKeys.window("minute", System.currentTimeMillis())[0];
            assertThat(redis.number("{switchboard}:quota:limited:requests:" + minute)).isEqualTo(QUOTA);
        }
    }

    @ParameterizedTest(name = "shared={0}")
    @ValueSource(booleans = { false, true })
    void aProvidersOwnReportOfItsBudgetCorrectsTheSharedCount(boolean shared) throws Exception {
        start(shared ? 3 : 1, shared);
        earlyInAMinute();

        assertThat(chat(0, "app", "reported").header("x-switchboard-provider")).isEqualTo("reporting");

        // it said 9 requests are left of its 12: the shared count is raised to 3, not the 1 this pod sent
        assertThat(quotaUsed(apps.get(0), "reporting")).isEqualTo(QUOTA - 9);
        if (shared) {
            long minute = LimitKeys.window("minute", System.currentTimeMillis())[0];
            String key = "{switchboard}:quota:reporting:requests:" + minute;
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> redis.number(key) == QUOTA - 9);
        }
    }

    @Test
    void aRedisOutageCostsNoRequestAndTheSharedCountResumesWhenItIsBack() throws Exception {
        start(3, true);
        // each pod's heartbeat counts the pods: a third of each limit per pod while Redis is down
        awaitAllPodsCounted();
        earlyInAMinute();
        long minute = LimitKeys.window("minute", System.currentTimeMillis())[0];
        String key = "{switchboard}:quota:limited:requests:" + minute;
        for (int i = 0; i < 6; i++) {
            assertThat(chat(i, "app").statusCode()).isEqualTo(200);
        }
        assertThat(redis.number(key)).isEqualTo(6);

        redis.down();
        for (int i = 0; i < 30; i++) {
            assertThat(chat(i, "app").statusCode()).as("request %d during the outage", i).isEqualTo(200);
        }
        // per-pod limits meanwhile: a third of the quota each
        int duringOutage = received("limited") - 6;
        assertThat(duringOutage).isEqualTo(3 * (QUOTA / 3));
        for (PackagedApp app : apps) {
            Exposition metrics = Exposition.parse(given().get(app.managementUrl("/q/metrics")).asString());
            assertThat(metrics.sum("switchboard_limits_store_fallbacks_total")).isPositive();
            assertThat(metrics.sum("switchboard_limits_store_up")).isZero();
            assertThat(given().get(app.managementUrl("/q/health/ready")).then().statusCode(200).extract().asString())
                    .contains("redis unreachable since");
        }

        redis.up();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> apps.stream().allMatch(app -> Exposition
                .parse(given().get(app.managementUrl("/q/metrics")).asString()).sum("switchboard_limits_store_up") == 1));
        // what the pods counted during the outage joined the (restarted, empty) shared count
        assertThat(redis.number(key)).isEqualTo(duringOutage);
        for (int i = 0; i < 6; i++) {
            Response answer = chat(i, "app");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.header("x-switchboard-provider")).isEqualTo("spare");
        }
    }
}
