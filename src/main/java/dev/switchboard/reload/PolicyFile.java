package dev.switchboard.reload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import dev.switchboard.config.PolicyException;

/**
 * Where the policy comes from: the mounted file (read through symlinks, so the kubelet's {@code ..data} swap is seen
 * like an in-place rewrite) and its content hash, or the built-in demo policy when there is no file. Reading only; it
 * decides nothing. Used by one thread at a time.
 */
final class PolicyFile {

    static final String DEMO_RESOURCE = "switchboard/demo-policy.yaml";
    static final String DEMO_SOURCE = "built-in demo policy";

    /** One read of the policy: its text, where it came from, and its SHA-256. */
    record Contents(String yaml, String source, boolean demo, String hash) {
    }

    private final Path path;

    PolicyFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** Whether a policy file exists (else the demo policy serves). */
    boolean exists() {
        return Files.isRegularFile(path);
    }

    /** The file, or the demo policy when there is none. */
    Contents atStart() throws PolicyException {
        if (exists()) {
            byte[] content = read();
            return new Contents(new String(content, StandardCharsets.UTF_8), path.toString(), false, hash(content));
        }
        String demo = demoPolicy();
        return new Contents(demo, DEMO_SOURCE, true, hash(demo.getBytes(StandardCharsets.UTF_8)));
    }

    /** The file when its hash differs from {@code seenHash}; empty when it is missing, unreadable or unchanged. */
    Optional<Contents> ifChanged(String seenHash) {
        if (!exists()) {
            return Optional.empty();
        }
        byte[] content;
        try {
            content = read();
        } catch (PolicyException e) {
            return Optional.empty();
        }
        String hash = hash(content);
        return hash.equals(seenHash) ? Optional.empty()
                : Optional.of(new Contents(new String(content, StandardCharsets.UTF_8), path.toString(), false, hash));
    }

    private byte[] read() throws PolicyException {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new PolicyException(path.toString(), List.of("(file): cannot read: " + e.getMessage()));
        }
    }

    static String hash(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String demoPolicy() {
        try (InputStream in = PolicyFile.class.getClassLoader().getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEMO_RESOURCE + " is missing from the application");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEMO_RESOURCE, e);
        }
    }
}
