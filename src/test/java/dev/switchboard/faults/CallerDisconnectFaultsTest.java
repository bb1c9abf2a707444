package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A caller that goes away (before the answer for JSON, after the first event for a stream) cancels the upstream
 * request at once and frees its connection: the provider's 10 s timeouts never come into it. Counted at the fake's
 * end of the connections.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class CallerDisconnectFaultsTest {

    /** Far below the provider's 10 s first-token and idle timeouts. */
    private static final Duration AT_ONCE = Duration.ofSeconds(3);

    /** Connections other providers keep open to the fake (idle, pooled), which these tests leave alone. */
    private int others;

    @BeforeEach
    void reset() {
        upstream.reset();
        Awaitility.await().atMost(AT_ONCE).until(() -> upstream.closing() == 0);
        others = upstream.openConnections();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void closesTheUpstreamConnectionsOfCallersThatWentAway(boolean stream) throws Exception {
        String route = stream ? "gone-stall" : "gone-hang";
        String model = stream ? "stall" : "hang";
        String body = "{\"model\":\"" + route + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        Socket[] callers = new Socket[5];
        for (int i = 0; i < callers.length; i++) {
            callers[i] = new Socket(InetAddress.getLoopbackAddress(), port);
            OutputStream out = callers[i].getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        int expected = callers.length;
        Awaitility.await().atMost(AT_ONCE).until(() -> upstream.requests(model) == expected);
        if (stream) {
            // the stream has started: its first event reached the caller
            for (Socket caller : callers) {
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(caller.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                    // headers and chunk sizes
                }
                assertThat(line).startsWith("data: {");
            }
        }

        for (Socket caller : callers) {
            caller.close();
        }

        Awaitility.await().atMost(AT_ONCE).until(() -> upstream.openConnections() <= others);
    }
}
