package dev.switchboard.provider;

import java.time.Clock;
import java.util.Set;
import java.util.function.Consumer;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.anthropic.AnthropicProvider;
import dev.switchboard.provider.gemini.GeminiProvider;
import dev.switchboard.provider.mock.MockProvider;
import dev.switchboard.provider.openai.OpenAiProvider;
import dev.switchboard.schema.RateLimitHeaders;
import dev.switchboard.upstream.UpstreamClient;
import io.vertx.mutiny.core.Vertx;

/** Builds the adapter for a provider spec. */
public final class ProviderFactory {

    /** The provider types this build implements. */
    public static final Set<String> TYPES = Set.of("openai", "anthropic", "gemini", "mock");

    private final Vertx vertx;

    public ProviderFactory(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The adapter, whose answers' rate-limit headers go to {@code rateLimits} (null: not read). */
    public Provider create(ProviderSpec spec, Consumer<RateLimitHeaders> rateLimits) {
        return switch (spec.type()) {
            case "openai" -> new OpenAiProvider(spec, UpstreamClient.create(spec, vertx, rateLimits));
            case "anthropic" -> new AnthropicProvider(spec, UpstreamClient.create(spec, vertx, rateLimits),
                    Clock.systemUTC());
            case "gemini" -> new GeminiProvider(spec, UpstreamClient.create(spec, vertx, rateLimits), Clock.systemUTC());
            case "mock" -> new MockProvider(spec);
            default -> throw new IllegalArgumentException("provider type '" + spec.type() + "' is not available");
        };
    }
}
