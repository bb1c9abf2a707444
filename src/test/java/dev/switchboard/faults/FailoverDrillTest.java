package dev.switchboard.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.faults.Caller.Answer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Failover drills through the admin API: a fault injected into a working provider for a bounded number of requests,
 * the route failing over to its second target while it lasts, the provider answering again once the bound is reached,
 * and the drill's report saying what the router did. Routes {@code drill-<stream>}: {@code drilled-<stream>} (the
 * fake's {@code ok}), then {@code healthy}.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class FailoverDrillTest {

    @AfterEach
    void stopDrills() {
        for (JsonNode drill : drills()) {
            if (drill.path("active").asBoolean()) {
                Caller.admin("DELETE", DRILLS + "/" + drill.path("id").asText(), null);
            }
        }
    }

    private static final String DRILLS = "/api/v1/admin/drills";

    private static List<JsonNode> drills() {
        Answer list = Caller.admin("GET", DRILLS, null);
        assertThat(list.status()).isEqualTo(200);
        List<JsonNode> drills = new ArrayList<>();
        list.json().path("drills").forEach(drills::add);
        return drills;
    }

    private static JsonNode start(String body) {
        Answer started = Caller.admin("POST", DRILLS, body);
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        return started.json();
    }

    private static JsonNode report(String id) {
        return drills().stream().filter(d -> d.path("id").asText().equals(id)).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}, stream={1}")
    @CsvSource({ "'{\"kind\":\"status\",\"status\":503}',false", "'{\"kind\":\"status\",\"status\":503}',true",
            "'{\"kind\":\"reset\"}',false", "'{\"kind\":\"reset\"}',true", "'{\"kind\":\"hang\"}',false",
            "'{\"kind\":\"hang\"}',true",
            // later than the provider's 800ms first-token-timeout
            "'{\"kind\":\"slow-first-token\",\"delay\":\"2s\"}',false",
            "'{\"kind\":\"slow-first-token\",\"delay\":\"2s\"}',true",
            // a JSON answer cut before it is whole fails over; a stream cut before its first event too
            "'{\"kind\":\"cut-stream\"}',false", "'{\"kind\":\"cut-stream\",\"after-events\":0}',true" })
    void aDrillFailsOverEveryRequestItTouchesAndEndsAtItsBound(String fault, boolean stream) {
        String provider = "drilled-" + stream;
        JsonNode drill = start("{\"provider\":\"" + provider + "\",\"fault\":" + fault + ",\"requests\":2}");
        assertThat(drill.path("active").asBoolean()).isTrue();

        for (int i = 0; i < 2; i++) {
            Expect.fullAnswer(Caller.chat("drill-" + stream, stream), stream, "healthy", "ok", 2);
        }
        // the bound is reached: the provider answers again
        Expect.fullAnswer(Caller.chat("drill-" + stream, stream), stream, provider, "ok", 1);

        JsonNode report = report(drill.path("id").asText());
        assertThat(report.path("active").asBoolean()).isFalse();
        assertThat(report.path("end_reason").asText()).isEqualTo("requests");
        assertThat(report.path("injected").asInt()).isEqualTo(2);
        assertThat(report.path("failed_over").asInt()).isEqualTo(2);
        assertThat(report.path("answered").asInt()).isEqualTo(2);
        assertThat(report.path("lost").asInt()).isZero();
        assertThat(report.path("breaker_now").asText()).isEqualTo("closed");
    }

    @Test
    void aStreamCutAfterItStartedIsReportedLost() {
        JsonNode drill = start("{\"provider\":\"drilled-true\",\"fault\":{\"kind\":\"cut-stream\",\"after-events\":2},"
                + "\"requests\":1}");

        Expect.brokenStream(Caller.chat("drill-true", true), "drilled-true", 1, 2, "stream_interrupted");

        JsonNode report = report(drill.path("id").asText());
        assertThat(report.path("injected").asInt()).isEqualTo(1);
        assertThat(report.path("lost").asInt()).isEqualTo(1);
        assertThat(report.path("answered").asInt()).isZero();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aDrillStoppedEarlyInjectsNothingMoreAndShowsInTheMetricsWhileItRuns(boolean stream) {
        JsonNode drill = start("{\"provider\":\"drilled-" + stream + "\",\"fault\":{\"kind\":\"status\"},"
                + "\"requests\":100,\"duration\":\"10m\"}");
        assertThat(Caller.manage("/q/metrics")).contains("switchboard_drill_active{provider=\"drilled-" + stream
                + "\",} 1.0");
        assertThat(Caller.manage("/q/health/ready")).contains("\"drill.drilled-" + stream + "\"");
        Expect.fullAnswer(Caller.chat("drill-" + stream, stream), stream, "healthy", "ok", 2);

        Answer stopped = Caller.admin("DELETE", DRILLS + "/" + drill.path("id").asText(), null);

        assertThat(stopped.status()).isEqualTo(200);
        assertThat(stopped.json().path("end_reason").asText()).isEqualTo("stopped");
        assertThat(stopped.json().path("injected").asInt()).isEqualTo(1);
        Expect.fullAnswer(Caller.chat("drill-" + stream, stream), stream, "drilled-" + stream, "ok", 1);
        assertThat(Caller.manage("/q/metrics")).contains("switchboard_drill_active{provider=\"drilled-" + stream
                + "\",} 0.0");
    }

    @Test
    void aDrillNeverOutlivesItsDuration() {
        JsonNode drill = start("{\"provider\":\"drilled-false\",\"fault\":{\"kind\":\"status\"},\"requests\":1000,"
                + "\"duration\":\"300ms\"}");

        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> !report(drill.path("id").asText()).path("active").asBoolean());

        assertThat(report(drill.path("id").asText()).path("end_reason").asText()).isEqualTo("duration");
        Expect.fullAnswer(Caller.chat("drill-false", false), false, "drilled-false", "ok", 1);
    }

    @Test
    void refusesWhatCannotBeADrill() {
        assertThat(Caller.admin("POST", DRILLS, "{\"provider\":\"nope\",\"fault\":{\"kind\":\"status\"}}").status())
                .isEqualTo(400);
        Answer badKind = Caller.admin("POST", DRILLS, "{\"provider\":\"drilled-false\",\"fault\":{\"kind\":\"fire\"}}");
        assertThat(badKind.status()).isEqualTo(400);
        assertThat(badKind.json().path("error").path("message").asText()).contains("fault.kind");
        assertThat(Caller.admin("POST", DRILLS, "{\"provider\":\"drilled-false\",\"fault\":{\"kind\":\"status\"},"
                + "\"duration\":\"1h\"}").status()).isEqualTo(400);
        assertThat(Caller.admin("POST", DRILLS, "not json").status()).isEqualTo(400);
        assertThat(Caller.admin("DELETE", DRILLS + "/drill-0", null).status()).isEqualTo(404);

        start("{\"provider\":\"drilled-false\",\"fault\":{\"kind\":\"status\"}}");
        Answer second = Caller.admin("POST", DRILLS, "{\"provider\":\"drilled-false\",\"fault\":{\"kind\":\"hang\"}}");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().path("error").path("code").asText()).isEqualTo("drill_running");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aMockProviderInjectsTheSameFaultsFromThePolicy(boolean stream) {
        Answer answer = Caller.chat("drill-mock-" + stream, stream);
        if (stream) {
            // mock.fault: cut-stream after 2 events; the stream had started, so it ends with an error event
            assertThat(answer.provider()).isEqualTo("mock-fault-true");
            assertThat(answer.data()).hasSize(3).doesNotContain("[DONE]");
            assertThat(answer.data().get(2)).contains("stream_interrupted");
        } else {
            // mock.fault: reset, before any answer: failed over
            Expect.fullAnswer(answer, false, "healthy", "ok", 2);
        }
    }
}
