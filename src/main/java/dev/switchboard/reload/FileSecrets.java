package dev.switchboard.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.switchboard.policy.SecretSource;

/** Credentials from this process's environment and mounted files. */
final class FileSecrets implements SecretSource {

    @Override
    public Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    @Override
    public String file(String path) throws IOException {
        return Files.readString(Path.of(path)).strip();
    }
}
