package dev.switchboard.api;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Which provider answered each Responses API response that passed through (an {@code openai} provider with
 * {@code responses-api: true} keeps it): {@code GET}/{@code DELETE /v1/responses/{id}} go back to that provider, and a
 * request with {@code previous_response_id} is sent to it. Per pod and bounded, like the rest of Switchboard's state: an
 * id this pod does not know is answered 404 (reads) or sent to any provider that keeps responses (follow-ups).
 */
@ApplicationScoped
public class ResponseOwners {

    /** Enough for a busy pod's day of stored responses; 16 bytes of id and a shared provider name each. */
    private static final int MAX_IDS = 100_000;

    private final Cache<String, String> owners = Caffeine.newBuilder().maximumSize(MAX_IDS)
            .expireAfterAccess(Duration.ofDays(30)).build();

    void remember(String responseId, String provider) {
        if (responseId != null && !responseId.isEmpty() && provider != null) {
            owners.put(responseId, provider);
        }
    }

    /** The provider that answered {@code responseId}, or null. */
    String owner(String responseId) {
        return responseId == null ? null : owners.getIfPresent(responseId);
    }

    void forget(String responseId) {
        owners.invalidate(responseId);
    }
}
