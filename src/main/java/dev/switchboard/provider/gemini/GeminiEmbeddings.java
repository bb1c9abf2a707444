package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.schema.openai.OpenAiFormat;

/**
 * OpenAI embeddings ⇄ Gemini {@code :embedContent} (one input) and {@code :batchEmbedContents} (a list). Reads the
 * caller's request tree and never modifies it. Stateless; thread-safe.
 */
public final class GeminiEmbeddings {

    private GeminiEmbeddings() {
    }

    /** {@code :embedContent} (one input) or {@code :batchEmbedContents} (a list) for an OpenAI embeddings request. */
    public static ObjectNode embedRequest(JsonNode request, String model) {
        JsonNode input = request.path("input");
        int dimensions = request.path("dimensions").asInt(0);
        if (!input.isArray()) {
            ObjectNode single = content(input.asText());
            if (dimensions > 0) {
                single.put("outputDimensionality", dimensions);
            }
            return single;
        }
        ObjectNode batch = OpenAiFormat.object();
        ArrayNode requests = batch.putArray("requests");
        for (JsonNode item : input) {
            ObjectNode one = content(item.asText()).put("model", "models/" + model);
            if (dimensions > 0) {
                one.put("outputDimensionality", dimensions);
            }
            requests.add(one);
        }
        return batch;
    }

    private static ObjectNode content(String text) {
        ObjectNode root = OpenAiFormat.object();
        root.putObject("content").putArray("parts").addObject().put("text", text);
        return root;
    }

    /** The OpenAI embeddings list for a Gemini embedding response (single or batch). */
    public static ObjectNode embedResponse(JsonNode response, String model, boolean base64, int promptTokens) {
        JsonNode embeddings = response.has("embeddings") ? response.path("embeddings")
                : OpenAiFormat.array().add(response.path("embedding"));
        float[][] vectors = new float[embeddings.size()][];
        int index = 0;
        for (JsonNode embedding : embeddings) {
            JsonNode values = embedding.path("values");
            float[] vector = new float[values.size()];
            for (int d = 0; d < vector.length; d++) {
                vector[d] = (float) values.get(d).asDouble();
            }
            vectors[index++] = vector;
        }
        return OpenAiFormat.embeddings(model, vectors, base64, promptTokens);
    }
}
