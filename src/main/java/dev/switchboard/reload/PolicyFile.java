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
    private final boolean named;

    /**
     * @param path the file
     * @param named whether the operator named it ({@code SWITCHBOARD_POLICY} / {@code switchboard.policy}); a named
     *        file must exist, while the conventional mount path falls back to the demo policy
     */
    PolicyFile(Path path, boolean named) {
        this.path = path;
        this.named = named;
    }

    boolean named() {
        return named;
    }

    Path path() {
        return path;
    }

    /** Whether a policy file exists (else the demo policy serves). */
    boolean exists() {
        return Files.isRegularFile(path);
    }

    /** The file, or the demo policy when none was named and there is none at the conventional path. */
    Contents atStart() throws PolicyException {
        if (exists() || named) {
            byte[] content = read();
            return new Contents(new String(content, StandardCharsets.UTF_8), path.toString(), false, hash(content));
        }
        String demo = demoPolicy();
        return new Contents(demo, DEMO_SOURCE, true, hash(demo.getBytes(StandardCharsets.UTF_8)));
    }

    /** Why the file cannot be read now ({@code missing}, {@code unreadable (...)}), or empty when it can. */
    Optional<String> problem() {
        if (!Files.exists(path)) {
            return Optional.of("missing");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            return Optional.of("unreadable (not a readable file)");
        }
        return Optional.empty();
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
            String reason = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getClass().getSimpleName();
            throw new PolicyException(path.toString(), List.of("(file): cannot read the policy file (" + reason
                    + "); SWITCHBOARD_POLICY names it"));
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
