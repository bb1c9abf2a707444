package dev.switchboard.schema;

/**
 * The wire format of an answer's body: OpenAI's chat completions (and completions, embeddings), which everything
 * Switchboard translates speaks, or a client schema a provider serves natively and Switchboard passes through
 * unchanged (Anthropic's Messages to an {@code anthropic} provider, OpenAI's Responses to an {@code openai} provider
 * with {@code responses-api: true}). A stream's dialect says how it ends and how it reports an error.
 */
public enum Dialect {
    /** OpenAI chat completions: ends with {@code data: [DONE]}; an error is {@code data: {"error":...}}. */
    OPENAI("choices"),
    /** Anthropic Messages: ends with {@code event: message_stop}; an error is {@code event: error}. */
    ANTHROPIC("content"),
    /**
     * OpenAI Responses: ends with {@code event: response.completed} (or {@code response.incomplete}); an error is
     * {@code event: error} or {@code event: response.failed}.
     */
    RESPONSES("output");

    private final String answerField;

    Dialect(String answerField) {
        this.answerField = answerField;
    }

    /** The top-level array every whole JSON answer of this dialect holds. */
    public String answerField() {
        return answerField;
    }

    /** Whether the event is the stream's last, after which nothing is missing. */
    public boolean ends(SseEvent event) {
        return switch (this) {
            case OPENAI -> event.isDone();
            case ANTHROPIC -> "message_stop".equals(event.name());
            case RESPONSES -> "response.completed".equals(event.name()) || "response.incomplete".equals(event.name());
        };
    }

    /** Whether the event reports that the upstream failed the request. */
    public boolean isError(SseEvent event) {
        return switch (this) {
            case OPENAI -> event.isError();
            case ANTHROPIC -> "error".equals(event.name());
            case RESPONSES -> "error".equals(event.name()) || "response.failed".equals(event.name());
        };
    }
}
