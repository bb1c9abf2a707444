package dev.switchboard.metrics;

/**
 * The OpenTelemetry GenAI attributes of one attempt, fixed when it starts (the response model comes with the answer).
 *
 * @param operation {@code gen_ai.operation.name}: {@code chat}, {@code text_completion} or {@code embeddings}
 * @param system {@code gen_ai.provider.name}: the provider type's well-known value ({@code openai},
 *        {@code anthropic}, {@code gcp.gemini}; {@code switchboard.mock} for the mock)
 * @param provider {@code switchboard.provider}: the policy's provider key
 * @param requestModel {@code gen_ai.request.model}
 * @param serverAddress {@code server.address}: the provider's host ({@code localhost} for the in-process mock)
 */
public record GenAi(String operation, String system, String provider, String requestModel, String serverAddress) {

    /** {@code gen_ai.provider.name} of a provider type. */
    public static String system(String providerType) {
        return switch (providerType) {
            case "gemini" -> "gcp.gemini";
            case "mock" -> "switchboard.mock";
            default -> providerType;
        };
    }
}
