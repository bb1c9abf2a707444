package dev.switchboard.schema;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The caller's JSON body with only what routing needs read out of it: {@code model} and {@code stream}. The body is
 * scanned once with a streaming parser (nested values are skipped, not built) and kept as bytes, so everything else
 * passes through untouched. The whole tree is built only when a translating adapter asks for it, and then once per
 * request however many attempts read it. Thread-safe.
 */
public final class RequestBody {

    private static final JsonFactory JSON = new JsonFactory();

    private final byte[] bytes;
    private final String model;
    private final boolean stream;
    private final int modelStart;
    private final int modelEnd;
    private final int maxTokens;
    private final boolean tools;
    private final String user;
    /** The parsed tree, built on first use; racing threads may both build it, and either result is equal. */
    private volatile JsonNode tree;

    private RequestBody(byte[] bytes, String model, boolean stream, int modelStart, int modelEnd, int maxTokens,
            boolean tools, String user) {
        this.bytes = bytes;
        this.model = model;
        this.stream = stream;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.maxTokens = maxTokens;
        this.tools = tools;
        this.user = user;
    }

    /**
     * Reads {@code model}, {@code stream}, {@code max_tokens} / {@code max_completion_tokens}, whether {@code tools} is
     * a non-empty list, and {@code user} from a JSON object.
     *
     * @throws InvalidRequestException when the body is not a single JSON object, or {@code model} is missing or not a
     *         string, or {@code stream} is not a boolean
     */
    public static RequestBody parse(byte[] bytes) {
        String model = null;
        boolean stream = false;
        int modelStart = -1;
        int modelEnd = -1;
        int maxTokens = 0;
        boolean tools = false;
        String user = null;
        try (JsonParser parser = JSON.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRequestException("invalid_json", "the request body must be a JSON object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("model".equals(field)) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw new InvalidRequestException("invalid_model", "'model' must be a string");
                    }
                    modelStart = (int) parser.currentTokenLocation().getByteOffset();
                    model = parser.getText();
                    modelEnd = (int) parser.currentLocation().getByteOffset();
                } else if ("stream".equals(field)) {
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                        throw new InvalidRequestException("invalid_type", "'stream' must be a boolean");
                    }
                    stream = value == JsonToken.VALUE_TRUE;
                } else if (("max_tokens".equals(field) || "max_completion_tokens".equals(field))
                        && value == JsonToken.VALUE_NUMBER_INT) {
                    maxTokens = Math.max(maxTokens, (int) Math.min(Integer.MAX_VALUE, Math.max(0, parser.getLongValue())));
                } else if ("user".equals(field) && value == JsonToken.VALUE_STRING) {
                    user = parser.getText();
                } else if ("tools".equals(field) && value == JsonToken.START_ARRAY) {
                    tools = parser.nextToken() != JsonToken.END_ARRAY;
                    if (tools) {
                        parser.skipChildren();
                        JsonToken element;
                        while ((element = parser.nextToken()) != JsonToken.END_ARRAY && element != null) {
                            parser.skipChildren();
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new InvalidRequestException("invalid_json", "the request body must be a single JSON object");
            }
        } catch (IOException e) {
            throw new InvalidRequestException("invalid_json", "the request body is not valid JSON: " + firstLine(e));
        }
        if (model == null || model.isBlank()) {
            throw new InvalidRequestException("missing_model", "'model' is required");
        }
        return new RequestBody(bytes, model, stream, modelStart, modelEnd, maxTokens, tools, user);
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** {@code max_tokens} or {@code max_completion_tokens}, or 0 when absent. */
    public int maxTokens() {
        return maxTokens;
    }

    /** Whether the request offers the model tools. */
    public boolean hasTools() {
        return tools;
    }

    /** The {@code user} field, or null. */
    public String user() {
        return user;
    }

    /** Estimated prompt tokens: about four bytes of JSON per token. */
    public int estimatedPromptTokens() {
        return Math.max(1, bytes.length / 4);
    }

    /** The body's size in bytes. */
    public int size() {
        return bytes.length;
    }

    /** A copy of the body with {@code model} set to {@code upstreamModel}; every other byte unchanged. */
    public byte[] withModel(String upstreamModel) {
        if (upstreamModel.equals(model)) {
            return bytes;
        }
        byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(upstreamModel);
        byte[] out = new byte[bytes.length - (modelEnd - modelStart) + quoted.length + 2];
        System.arraycopy(bytes, 0, out, 0, modelStart);
        int at = modelStart;
        out[at++] = '"';
        System.arraycopy(quoted, 0, out, at, quoted.length);
        at += quoted.length;
        out[at++] = '"';
        System.arraycopy(bytes, modelEnd, out, at, bytes.length - modelEnd);
        return out;
    }

    /**
     * The whole body as a tree, parsed once for the request on first use. Translators read it and never modify it.
     */
    public JsonNode tree() {
        JsonNode parsed = tree;
        if (parsed == null) {
            try {
                parsed = Json.MAPPER.readTree(bytes);
            } catch (IOException e) {
                throw new InvalidRequestException("invalid_json", "the request body is not valid JSON");
            }
            tree = parsed;
        }
        return parsed;
    }

    /** The original bytes; callers must not modify them. */
    public byte[] bytes() {
        return bytes;
    }

    private static String firstLine(IOException e) {
        String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage()
                : e.getMessage();
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public String toString() {
        // never the body: it holds prompts
        return "RequestBody[model=" + model + ", stream=" + stream + ", bytes=" + bytes.length + "]";
    }
}
