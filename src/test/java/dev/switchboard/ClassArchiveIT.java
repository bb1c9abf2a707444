package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The training run that the JVM image's build runs ({@code src/main/jvm/train.sh}) makes a class archive that the
 * packaged jar starts with: {@code -Xshare:on} refuses to start on an archive it cannot use, so a 200 through the
 * proxy proves the archive holds. With the JVM running the build (AppCDS on JDK 17, the AOT cache from JDK 24 on).
 */
class ClassArchiveIT {

    private static final Pattern PROXY = Pattern.compile("Proxy port listening on http://[^:]+:(\\d+)");
    private static final Path APP = Path.of("target", "quarkus-app").toAbsolutePath();

    @Test
    void trainsAnArchiveThatTheJarStartsWith() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        boolean aot = Runtime.version().feature() >= 24;
        Path archive = Files.createTempDirectory("switchboard-archive").resolve(aot ? "app.aot" : "app-cds.jsa");
        Path jar = APP.resolve("quarkus-run.jar");

        ProcessBuilder training = new ProcessBuilder("sh", Path.of("src", "main", "jvm", "train.sh").toAbsolutePath()
                .toString(), (aot ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive)
                .directory(APP.toFile()).redirectErrorStream(true);
        training.environment().putAll(Map.of("JAVA", java.toString(), "JAR", jar.toString(), "ROUNDS", "2",
                "JDK_JAVA_OPTIONS", "@" + Path.of("src", "main", "jvm", "switchboard.jvm").toAbsolutePath(),
                "QUARKUS_HTTP_PORT", String.valueOf(freePort()), "QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort())));
        Process trainer = training.start();
        String trainingOutput = new String(trainer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(trainer.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(trainer.exitValue()).as(trainingOutput).isZero();
        assertThat(archive).as(trainingOutput).isRegularFile();

        List<String> command = List.of(java.toString(), "@" + Path.of("src", "main", "jvm", "switchboard.jvm")
                .toAbsolutePath(), "-Xshare:on", (aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive,
                "-Dquarkus.http.port=0", "-Dquarkus.management.port=0", "-jar", jar.toString());
        Path log = Files.createTempFile("switchboard-archive", ".log");
        Process app = new ProcessBuilder(command).directory(APP.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !app.isAlive() || proxyPort(log) > 0);
            assertThat(app.isAlive()).as(read(log)).isTrue();
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + proxyPort(log) + "/v1/chat/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        } finally {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int proxyPort(Path log) throws IOException {
        Matcher m = PROXY.matcher(read(log));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
