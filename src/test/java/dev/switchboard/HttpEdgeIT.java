package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.testing.PackagedApp;

/**
 * The proxy port's edge, on the packaged application, through raw sockets: what the HTTP parser cannot read is
 * answered in JSON (in the shape of the path's API) and the connection closed; a caller that sends its head too slowly
 * is cut off, an idle connection is closed, and a request in flight is never cut by the idle timeout.
 */
class HttpEdgeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static Path dir;
    private static PackagedApp app;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-edge");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                providers:
                  slow: { type: mock, mock: { latency: 3s } }
                routes:
                  slow: { targets: [ { provider: slow, model: m } ] }
                """);
        app = PackagedApp.start(Map.of("SWITCHBOARD_POLICY", policy.toString(), "SWITCHBOARD_HTTP_HEADER_READ_TIMEOUT",
                "1s", "SWITCHBOARD_HTTP_IDLE_TIMEOUT", "2s", "QUARKUS_HTTP_HANDLE_100_CONTINUE_AUTOMATICALLY", "true"))
                .awaitStarted(Duration.ofSeconds(60));
        port = Integer.parseInt(app.url("").substring(app.url("").lastIndexOf(':') + 1));
    }

    @AfterAll
    static void stop() throws IOException {
        if (app != null) {
            app.close();
        }
        Files.deleteIfExists(dir.resolve("policy.yaml"));
        Files.deleteIfExists(dir);
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "/v1/chat/completions", "/v1/messages" })
    void answersAnOversizedHeadWith431InTheShapeOfThePathsApi(String path) throws Exception {
        try (Socket socket = connect()) {
            send(socket, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(40_000)
                    + "\r\nContent-Length: 2\r\n\r\n{}");
            Answer answer = Answer.read(socket.getInputStream());

            assertThat(answer.status).isEqualTo(431);
            assertThat(answer.headers).containsEntry("content-type", "application/json")
                    .containsEntry("connection", "close");
            JsonNode body = JSON.readTree(answer.body);
            if (path.equals("/v1/messages")) {
                assertThat(body.path("type").asText()).isEqualTo("error");
                assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
                assertThat(body.at("/error/message").asText()).contains("max-header-size");
            } else {
                assertThat(body.at("/error/code").asText()).isEqualTo("request_header_too_large");
                assertThat(body.at("/error/message").asText()).contains("max-header-size");
            }
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void answersABadContentLengthWith400Json() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n\r\n{}");
            Answer answer = Answer.read(socket.getInputStream());

            assertThat(answer.status).isEqualTo(400);
            JsonNode body = JSON.readTree(answer.body);
            assertThat(body.at("/error/code").asText()).isEqualTo("invalid_request");
            assertThat(body.at("/error/message").asText()).isEqualTo("The request's Content-Length header is not valid.");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void answersAnOverlongRequestLineWith414Json() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET /v1/models/" + "m".repeat(10_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            Answer answer = Answer.read(socket.getInputStream());

            assertThat(answer.status).isEqualTo(414);
            assertThat(JSON.readTree(answer.body).at("/error/code").asText()).isEqualTo("request_line_too_long");
        }
    }

    @Test
    void answersATargetThatIsNotAUriWith400Json() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET /v1/models/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            Answer answer = Answer.read(socket.getInputStream());

            assertThat(answer.status).isEqualTo(400);
            assertThat(JSON.readTree(answer.body).at("/error/message").asText())
                    .isEqualTo("The request target is not a valid URI.");
        }
    }

    @Test
    void cutsOffACallerThatSendsItsHeadTooSlowly() throws Exception {
        byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + CHAT.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            // one byte every 100 ms: the head would take 10 s, far past the 1 s header-read timeout
            ScheduledFuture<?> writer = trickle.scheduleAtFixedRate(() -> {
                int next = sent.get();
                if (next < head.length) {
                    try {
                        out.write(head[next]);
                        out.flush();
                        sent.incrementAndGet();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, 0, 100, TimeUnit.MILLISECONDS);

            assertThat(readUntilClosed(socket.getInputStream())).isEmpty();
            assertThat(sent.get()).isLessThan(head.length);
            writer.cancel(true);
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void closesAKeptAliveConnectionThatStaysIdle() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(Answer.read(socket.getInputStream()).status).isEqualTo(200);

            // nothing more is sent: the 2 s idle timeout closes the connection, without an answer
            assertThat(readUntilClosed(socket.getInputStream())).isEmpty();
        }
    }

    @Test
    void neverCutsARequestInFlightLongerThanTheIdleTimeout() throws Exception {
        try (Socket socket = connect()) {
            // the mock answers after 3 s, longer than the 2 s idle timeout
            send(socket, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);
            Answer answer = Answer.read(socket.getInputStream());

            assertThat(answer.status).isEqualTo(200);
            assertThat(JSON.readTree(answer.body).at("/choices/0/message/content").asText()).isNotEmpty();
        }
    }

    @Test
    void cutsOffACallerWhoseBodyStopsComing() throws Exception {
        try (Socket socket = connect()) {
            // a head that promises 1000 bytes of body, and one byte of it
            send(socket, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{");

            assertThat(readUntilClosed(socket.getInputStream())).isEmpty();
        }
        // the request's place in the in-flight bound was given back
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create(app.managementUrl("/q/metrics"))).build();
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> client.send(scrape,
                HttpResponse.BodyHandlers.ofString()).body().contains("switchboard_requests_in_flight 0.0"));
    }

    @Test
    void answersARequestThatWaitedForContinueEvenWhenItOutlastsTheIdleTimeout() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Expect: 100-continue\r\nContent-Length: " + CHAT.length() + "\r\n\r\n");
            Answer interim = Answer.read(socket.getInputStream());
            assertThat(interim.status).isEqualTo(100);
            send(socket, CHAT);

            // the mock answers after 3 s, longer than the 2 s idle timeout: the 100 did not end the request
            Answer answer = Answer.read(socket.getInputStream());
            assertThat(answer.status).isEqualTo(200);
        }
    }

    private static void send(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Everything the server sends until it closes the connection (a reset counts as closed). */
    private static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1) {
                received.write(b);
            }
        } catch (SocketException e) {
            // reset by the server: closed
        }
        return received.toByteArray();
    }

    /** One HTTP/1.1 answer (with a Content-Length, or chunked), read off a raw socket. */
    private record Answer(int status, Map<String, String> headers, String body) {

        static Answer read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.substring(statusLine.indexOf(' ') + 1, statusLine.indexOf(' ') + 4));
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            if ("chunked".equals(headers.get("transfer-encoding"))) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (int size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
                    body.write(in.readNBytes(size));
                    line(in);
                }
                line(in);
                return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            return new Answer(status, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b == -1) {
                    throw new IOException("closed before the end of the head: " + line);
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }
    }
}
