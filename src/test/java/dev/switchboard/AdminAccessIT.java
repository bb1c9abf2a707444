package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.testing.PackagedApp;

/**
 * The admin API is private: on the packaged application, a peer other than the pod itself (here 127.0.0.2, standing in
 * for another pod, or for a mesh sidecar that delivers from 127.0.0.6) is refused without the token and let in with it,
 * while probes and metrics stay open to it; the pod itself (127.0.0.1) needs no token.
 */
class AdminAccessIT {

    private static final String TOKEN = "admin-token-for-the-test";
    /** Another address of the loopback network: a peer the application does not trust here. */
    private static final InetAddress OTHER_POD = address(2);

    private static Path dir;
    private static PackagedApp app;
    private static int management;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-admin");
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        // the default trusted peers: 127.0.0.1 and ::1 only, not the rest of 127.0.0.0/8, where a mesh sidecar
        // (Istio: 127.0.0.6) delivers other pods' traffic
        app = PackagedApp.start(Map.of("SWITCHBOARD_ADMIN_TOKEN_FILE", token.toString()))
                .awaitStarted(Duration.ofSeconds(60));
        management = URI.create(app.managementUrl("/")).getPort();
    }

    @AfterAll
    static void stop() throws IOException {
        if (app != null) {
            app.close();
        }
        Files.deleteIfExists(dir.resolve("token"));
        Files.deleteIfExists(dir);
    }

    @Test
    void letsThePodItselfInWithoutAToken() throws Exception {
        assertThat(get(address(1), "/api/v1/admin/router/health", null))
                .startsWith("HTTP/1.1 200").contains("\"providers\"");
    }

    @Test
    void refusesAnotherPeerWithoutTheTokenAndLetsItInWithIt() throws Exception {
        String none = get(OTHER_POD, "/api/v1/admin/policy", null);
        String wrong = get(OTHER_POD, "/api/v1/admin/policy", "not-the-token");
        String right = get(OTHER_POD, "/api/v1/admin/policy", TOKEN);

        assertThat(none).startsWith("HTTP/1.1 401").containsIgnoringCase("www-authenticate: Bearer")
                .contains("\"code\":\"admin_forbidden\"").doesNotContain(TOKEN);
        assertThat(wrong).startsWith("HTTP/1.1 401").doesNotContain(TOKEN);
        assertThat(right).startsWith("HTTP/1.1 200").contains("\"hash\"");
    }

    @Test
    void keepsProbesAndMetricsOpenToTheCluster() throws Exception {
        assertThat(get(OTHER_POD, "/q/health/ready", null)).startsWith("HTTP/1.1 200");
        assertThat(get(OTHER_POD, "/q/metrics", null)).startsWith("HTTP/1.1 200");
    }

    /** A GET of the management port from a given local address; the whole answer as text. */
    private static String get(InetAddress from, String path, String token) throws IOException {
        try (Socket socket = new Socket(address(1), management, from, 0)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (token != null ? "Authorization: Bearer " + token + "\r\n" : "") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** 127.0.0.{last}. */
    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] { 127, 0, 0, (byte) last });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
