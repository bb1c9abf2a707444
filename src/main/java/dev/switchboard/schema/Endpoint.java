package dev.switchboard.schema;

/** The OpenAI operations Switchboard proxies, with their path below {@code /v1}. */
public enum Endpoint {
    CHAT("chat/completions", true),
    COMPLETIONS("completions", true),
    EMBEDDINGS("embeddings", false);

    private final String path;
    private final boolean streamable;

    Endpoint(String path, boolean streamable) {
        this.path = path;
        this.streamable = streamable;
    }

    /** Relative path, without a leading slash. */
    public String path() {
        return path;
    }

    /** The top-level array every successful answer holds: {@code choices}, or {@code data} for embeddings. */
    public String answerField() {
        return streamable ? "choices" : "data";
    }

    /** Whether {@code stream: true} is meaningful for this operation. */
    public boolean streamable() {
        return streamable;
    }
}
