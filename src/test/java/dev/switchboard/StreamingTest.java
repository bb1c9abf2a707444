package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.testing.FakeProviders;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.Stubs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Streams are relayed event by event as they arrive, and a broken stream ends with an explicit error event. */
@QuarkusTest
@QuarkusTestResource(FakeProviders.class)
class StreamingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TestHTTPResource("/v1/chat/completions")
    URL chat;

    @BeforeEach
    void reset() {
        FakeProviders.streamer.reset();
        FakeProviders.secondary.resetAll();
        Stubs.answers(FakeProviders.secondary);
    }

    private HttpResponse<Stream<String>> stream(String model) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(chat.toString()))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofLines());
    }

    @Test
    void relaysTheFirstEventsBeforeTheUpstreamHasFinished() throws Exception {
        HttpResponse<Stream<String>> response = stream("held");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/event-stream"));
        Iterator<String> lines = response.body().iterator();
        List<String> expected = Fixtures.sseData("openai/chat-completion-stream.sse");

        // the upstream has sent two events and is holding the rest until released
        assertThat(nextData(lines)).isEqualTo(expected.get(0));
        assertThat(nextData(lines)).isEqualTo(expected.get(1));
        assertThat(FakeProviders.streamer.released()).isFalse();

        FakeProviders.streamer.release();
        List<String> rest = new ArrayList<>();
        String data;
        while ((data = nextData(lines)) != null) {
            rest.add(data);
        }
        assertThat(rest).containsExactlyElementsOf(expected.subList(2, expected.size()));
    }

    @Test
    void endsABrokenStreamWithAnErrorEventAndNoDone() throws Exception {
        HttpResponse<Stream<String>> response = stream("breaks");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("streamer");
        List<String> data = response.body().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        List<String> expected = Fixtures.sseData("openai/chat-completion-stream.sse");
        assertThat(data).hasSize(3);
        assertThat(data.subList(0, 2)).containsExactlyElementsOf(expected.subList(0, 2));
        JsonNode error = JSON.readTree(data.get(2)).path("error");
        assertThat(error.path("code").asText()).isEqualTo("stream_interrupted");
        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
        assertThat(error.path("message").asText()).contains("streamer/break");
        assertThat(data).doesNotContain("[DONE]");
        // failover is over once the first byte went out: the secondary is never asked
        FakeProviders.secondary.verify(0, postRequestedFor(urlEqualTo(Stubs.CHAT)));
    }

    @Test
    void endsAStreamThatGoesSilentWithAnErrorEventAfterItsIdleTimeout() throws Exception {
        long start = System.nanoTime();
        HttpResponse<Stream<String>> response = stream("stalls");

        // the upstream sends two events, then nothing: after the provider's 500ms idle-timeout the stream must end
        List<String> data = response.body().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();

        assertThat(data).hasSize(3);
        JsonNode error = JSON.readTree(data.get(2)).path("error");
        assertThat(error.path("code").asText()).isEqualTo("upstream_timeout");
        assertThat(error.path("message").asText()).contains("timed out");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void closingTheCallerConnectionClosesTheUpstreamStream() throws Exception {
        HttpResponse<Stream<String>> response = stream("held");
        Iterator<String> lines = response.body().iterator();
        assertThat(nextData(lines)).isNotNull();

        response.body().close();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> FakeProviders.streamer.abortedStreams() == 1);
    }

    /** The next {@code data:} payload, or null at the end of the stream. */
    private static String nextData(Iterator<String> lines) {
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: ")) {
                return line.substring(6);
            }
        }
        return null;
    }
}
