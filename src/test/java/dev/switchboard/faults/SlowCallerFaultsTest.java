package dev.switchboard.faults;

import static dev.switchboard.faults.FaultPolicy.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A caller that reads a stream slower than the provider writes it slows the provider's side down instead of filling
 * Switchboard's memory: with a caller that reads nothing, the upstream stream stops at what the socket buffers and
 * a few events in between hold, far below the 256 MiB it would send. Closing the caller then closes the upstream.
 */
@QuarkusTest
@WithTestResource(FaultPolicy.class)
class SlowCallerFaultsTest {

    /** Socket buffers on both hops and Switchboard's write queue: a few MiB at most. */
    private static final long BUFFERED_AT_MOST = 32L * 1024 * 1024;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    @Test
    void holdsBackTheUpstreamStreamForACallerThatDoesNotRead() throws Exception {
        String body = "{\"model\":\"flood\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        // connections kept alive in Switchboard's pools from earlier tests stay open; the flood's must not
        int before = upstream.openConnections();
        try (Socket caller = new Socket()) {
            caller.setReceiveBufferSize(16 * 1024);
            caller.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            OutputStream out = caller.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();

            // the flood starts, then stops growing once every buffer on the way is full
            long[] last = { -1 };
            Awaitility.await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(300)).until(() -> {
                long now = upstream.floodedBytes();
                boolean settled = now > 0 && now == last[0];
                last[0] = now;
                return settled;
            });
            assertThat(upstream.floodedBytes()).isLessThan(BUFFERED_AT_MOST)
                    .isLessThan(FaultyUpstream.FLOOD_BYTES);
        }
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> upstream.openConnections() <= before);
    }
}
