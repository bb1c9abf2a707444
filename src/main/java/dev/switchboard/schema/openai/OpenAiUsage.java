package dev.switchboard.schema.openai;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.switchboard.schema.MalformedBodyException;
import dev.switchboard.schema.Usage;

/**
 * Reads the {@code usage} object of an OpenAI-format body or stream chunk that Switchboard passes through unchanged,
 * with a streaming parser that builds nothing else, and checks on the way that the body is whole JSON. Only for
 * OpenAI-compatible upstreams: translating adapters know their usage exactly and report it themselves. Stateless;
 * thread-safe.
 */
public final class OpenAiUsage {

    private static final JsonFactory JSON = new JsonFactory();

    private OpenAiUsage() {
    }

    /**
     * The body's top-level {@code usage}, or null when it has none.
     *
     * @throws MalformedBodyException when the body is not one whole JSON object
     */
    public static Usage scan(byte[] json) {
        return scan(json, null);
    }

    /**
     * {@link #scan(byte[])} of an answer that must hold the top-level field {@code required} ({@code choices} for chat
     * and completions, {@code data} for embeddings), or null for none.
     *
     * @throws MalformedBodyException when the body is not one whole JSON object, or lacks the field
     */
    public static Usage scan(byte[] json, String required) {
        try (JsonParser parser = JSON.createParser(json)) {
            return scan(parser, required);
        } catch (IOException e) {
            throw new MalformedBodyException("the body is not valid JSON");
        }
    }

    /** {@link #scan(byte[])} for an event's data. */
    public static Usage scan(String json) {
        try (JsonParser parser = JSON.createParser(json)) {
            return scan(parser, null);
        } catch (IOException e) {
            throw new MalformedBodyException("the body is not valid JSON");
        }
    }

    /**
     * The {@code usage} of the object under the top-level field {@code field} of an event's data (a Responses stream's
     * {@code response.completed} carries it in {@code response}), or null.
     *
     * @throws MalformedBodyException when the data is not one whole JSON object
     */
    public static Usage scanNested(String json, String field) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedBodyException("the body is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (parser.nextToken() == JsonToken.START_OBJECT && field.equals(name)) {
                    return usageOf(parser);
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            throw new MalformedBodyException("the body is not valid JSON");
        }
    }

    /** The {@code usage} among the fields of the object the parser stands on (its START_OBJECT), or null. */
    private static Usage usageOf(JsonParser parser) throws IOException {
        Usage usage = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            if (parser.nextToken() == JsonToken.START_OBJECT && "usage".equals(field)) {
                usage = usage(parser);
            } else {
                parser.skipChildren();
            }
        }
        return usage;
    }

    private static Usage scan(JsonParser parser, String required) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new MalformedBodyException("the body is not a JSON object");
        }
        Usage usage = null;
        String model = null;
        boolean found = required == null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("model".equals(field) && value == JsonToken.VALUE_STRING) {
                model = parser.getText();
            } else if (!found && required.equals(field)) {
                found = value == JsonToken.START_ARRAY;
                parser.skipChildren();
            } else if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                usage = usage(parser);
            } else {
                parser.skipChildren();
            }
        }
        if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
            throw new MalformedBodyException("the body is not one whole JSON object");
        }
        if (!found) {
            throw new MalformedBodyException("the answer has no '" + required + "' array");
        }
        return usage != null && model != null ? usage.answeredBy(model) : usage;
    }

    /** Reads a {@code usage} object; the parser stands on its START_OBJECT. */
    private static Usage usage(JsonParser parser) throws IOException {
        long prompt = -1;
        long completion = 0;
        long cached = 0;
        long reasoning = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            // chat completions' names, and the Responses API's (input_tokens, output_tokens and their details)
            if (("prompt_tokens".equals(name) || "input_tokens".equals(name)) && token == JsonToken.VALUE_NUMBER_INT) {
                prompt = parser.getLongValue();
            } else if (("completion_tokens".equals(name) || "output_tokens".equals(name))
                    && token == JsonToken.VALUE_NUMBER_INT) {
                completion = parser.getLongValue();
            } else if (("prompt_tokens_details".equals(name) || "input_tokens_details".equals(name))
                    && token == JsonToken.START_OBJECT) {
                cached = detail(parser, "cached_tokens");
            } else if (("completion_tokens_details".equals(name) || "output_tokens_details".equals(name))
                    && token == JsonToken.START_OBJECT) {
                reasoning = detail(parser, "reasoning_tokens");
            } else {
                parser.skipChildren();
            }
        }
        return prompt < 0 ? null : new Usage(prompt, completion, cached, reasoning, false);
    }

    private static long detail(JsonParser parser, String field) throws IOException {
        long value = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            if (field.equals(name) && token == JsonToken.VALUE_NUMBER_INT) {
                value = parser.getLongValue();
            } else {
                parser.skipChildren();
            }
        }
        return value;
    }
}
