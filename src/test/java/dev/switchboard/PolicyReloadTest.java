package dev.switchboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.switchboard.testing.ReloadablePolicy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** A ConfigMap edit reaches the running sidecar without a restart; a bad edit is refused and loses nothing. */
@QuarkusTest
@QuarkusTestResource(value = ReloadablePolicy.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyReloadTest {

    /** Poll interval (200 ms) plus one second. */
    private static final Duration WITHIN = Duration.ofMillis(1200);

    @TestHTTPResource(value = "/health/ready", management = true)
    URL readiness;

    private URL admin(String path) throws Exception {
        return new URL(readiness.getProtocol(), readiness.getHost(), readiness.getPort(), path);
    }

    private static List<String> models() {
        return given().get("/v1/models").jsonPath().getList("data.id");
    }

    private static int chat(String model) {
        return given().contentType(ContentType.JSON).body("{\"model\":\"" + model + "\",\"messages\":[]}")
                .post("/v1/chat/completions").statusCode();
    }

    private static String with(String extraRoute) {
        return ReloadablePolicy.initial() + "  " + extraRoute + ": { targets: [ { provider: steady, model: m2 } ] }\n";
    }

    @Test
    @Order(1)
    void picksUpAFileRewrittenInPlace() throws Exception {
        assertThat(models()).doesNotContain("rewritten"); // also warms up the HTTP client before timing starts
        ReloadablePolicy.rewriteInPlace(with("rewritten"));

        Awaitility.await().atMost(WITHIN).until(() -> models().contains("rewritten"));
        assertThat(chat("rewritten")).isEqualTo(200);
    }

    @Test
    @Order(2)
    void picksUpAKubeletSymlinkSwap() throws Exception {
        ReloadablePolicy.swap(with("swapped"));

        Awaitility.await().atMost(WITHIN).until(() -> models().contains("swapped"));
        assertThat(chat("swapped")).isEqualTo(200);
        assertThat(models()).doesNotContain("rewritten");
    }

    @Test
    @Order(3)
    void keepsTheRunningPolicyWhenTheNewFileIsInvalid() throws Exception {
        String failuresBefore = reloadFailures();
        ReloadablePolicy.swap(with("swapped") + "  broken: { targets: [ { provider: antropic, model: x } ] }\n");

        Awaitility.await().atMost(WITHIN).untilAsserted(() -> {
            JsonPath policy = JsonPath.from(given().get(admin("/api/v1/admin/policy")).asString());
            assertThat(policy.getList("last_failure.problems", String.class))
                    .anySatisfy(p -> assertThat(p).startsWith("routes.broken.targets[0].provider: no provider 'antropic'"));
        });
        assertThat(models()).contains("swapped").doesNotContain("broken");
        assertThat(chat("swapped")).isEqualTo(200);
        assertThat(Double.parseDouble(reloadFailures())).isEqualTo(Double.parseDouble(failuresBefore) + 1);
        String ready = given().get(readiness).then().statusCode(200).extract().asString();
        assertThat(ready).contains("last_reload_failure").contains("antropic");
        JsonPath policy = JsonPath.from(given().get(admin("/api/v1/admin/policy")).asString());
        assertThat(policy.getString("last_failure.hash")).hasSize(64).isNotEqualTo(policy.getString("hash"));
    }

    @Test
    @Order(4)
    void finishesARequestInFlightAcrossAReload() throws Exception {
        CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> chat("slow"));
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> inFlight("slow") == 1);

        // the new policy drops the route and its provider while the request is in flight
        ReloadablePolicy.swap("""
                providers:
                  steady: { type: mock, mock: { latency: 5ms } }
                routes:
                  first: { targets: [ { provider: steady, model: m1 } ] }
                """);
        Awaitility.await().atMost(WITHIN).until(() -> !models().contains("slow"));

        assertThat(slow.get()).isEqualTo(200);
        assertThat(chat("slow")).isEqualTo(404);
    }

    @Test
    @Order(5)
    void keepsTheOpenBreakerOfAnUnchangedProvider() throws Exception {
        ReloadablePolicy.swap(ReloadablePolicy.initial());
        Awaitility.await().atMost(WITHIN).until(() -> models().contains("breaking"));
        chat("breaking");
        chat("breaking");
        assertThat(breaker("failing")).isEqualTo("open");

        ReloadablePolicy.swap(with("another"));
        Awaitility.await().atMost(WITHIN).until(() -> models().contains("another"));

        assertThat(breaker("failing")).isEqualTo("open");
        given().contentType(ContentType.JSON).body("{\"model\":\"breaking\",\"messages\":[]}")
                .post("/v1/chat/completions").then().statusCode(200).header("x-switchboard-attempts", "1");
    }

    @Test
    @Order(6)
    void keepsServingWhenThePolicyFileIsDeletedAndSaysSoUntilItIsBack() throws Exception {
        Path data = ReloadablePolicy.dir.resolve("..data");
        Path moved = ReloadablePolicy.dir.resolve("..data_gone");
        Files.move(data, moved, StandardCopyOption.ATOMIC_MOVE);

        Awaitility.await().atMost(WITHIN).untilAsserted(() -> {
            JsonPath policy = JsonPath.from(given().get(admin("/api/v1/admin/policy")).asString());
            assertThat(policy.getString("source_problem.problem")).isEqualTo("missing");
        });
        assertThat(chat("another")).isEqualTo(200);
        String ready = given().get(readiness).then().statusCode(200).extract().asString();
        assertThat(ready).contains("\"policy_file\"").contains("missing since");
        assertThat(metric("switchboard_policy_file_readable")).isEqualTo("0.0");

        Files.move(moved, data, StandardCopyOption.ATOMIC_MOVE);
        Awaitility.await().atMost(WITHIN).untilAsserted(() -> assertThat(JsonPath
                .from(given().get(admin("/api/v1/admin/policy")).asString()).getString("source_problem")).isNull());
        assertThat(metric("switchboard_policy_file_readable")).isEqualTo("1.0");
        assertThat(given().get(readiness).asString()).doesNotContain("policy_file");
    }

    private String metric(String name) throws Exception {
        return given().get(admin("/q/metrics")).asString().lines().filter(l -> l.startsWith(name + " "))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).findFirst().orElse("absent");
    }

    private Map<String, Object> provider(String name) throws Exception {
        List<Map<String, Object>> providers = JsonPath.from(given().get(admin("/api/v1/admin/router/health")).asString())
                .getList("providers");
        return providers.stream().filter(p -> name.equals(p.get("name"))).findFirst().orElse(Map.of());
    }

    private String breaker(String name) throws Exception {
        return (String) provider(name).get("breaker");
    }

    private int inFlight(String name) throws Exception {
        Object value = provider(name).get("in_flight");
        return value == null ? -1 : ((Number) value).intValue();
    }

    private String reloadFailures() throws Exception {
        // the text format may close a label set with ",}"
        return given().get(admin("/q/metrics")).asString().lines().map(l -> l.replace(",}", "}"))
                .filter(l -> l.startsWith("switchboard_policy_reloads_total{result=\"failure\"}"))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).findFirst().orElse("0");
    }
}
