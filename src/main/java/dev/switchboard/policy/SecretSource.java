package dev.switchboard.policy;

import java.util.Optional;

/** Where the compiler looks up credentials; replaced in tests. */
public interface SecretSource {

    /** The value of an environment variable, if set and not blank. */
    Optional<String> env(String name);

    /**
     * The content of a mounted secret file, trimmed.
     *
     * @throws java.io.IOException when the file cannot be read; the message is shown to operators
     */
    String file(String path) throws java.io.IOException;
}
