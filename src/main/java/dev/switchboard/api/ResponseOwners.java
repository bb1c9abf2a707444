package dev.switchboard.api;

import java.time.Duration;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Which provider answered each Responses API response that passed through (an {@code openai} provider with
 * {@code responses-api: true} keeps it): {@code GET}/{@code DELETE /v1/responses/{id}} go back to that provider, and a
 * request with {@code previous_response_id} is sent to it. Each id belongs to the tenant it was made for, and only that
 * tenant finds it. Per pod and bounded, like the rest of Switchboard's state: an id this pod does not know is answered
 * 404 (reads) or sent to any provider that keeps responses (follow-ups).
 */
@ApplicationScoped
public class ResponseOwners {

    /** Enough for a busy pod's day of stored responses; 16 bytes of id and a shared provider name each. */
    private static final int MAX_IDS = 100_000;

    /** What a response id is safe to put in a provider's URL as one path segment. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");

    /** The provider that keeps a response, and the tenant it was made for ({@code ""} without tenancy). */
    private record Owner(String provider, String tenant) {
    }

    private final Cache<String, Owner> owners = Caffeine.newBuilder().maximumSize(MAX_IDS)
            .expireAfterAccess(Duration.ofDays(30)).build();

    /** Whether {@code id} can be a response id (letters, digits, '_' and '-'): anything else is never looked up. */
    static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    void remember(String responseId, String provider, String tenant) {
        if (isId(responseId) && provider != null && tenant != null) {
            owners.put(responseId, new Owner(provider, tenant));
        }
    }

    /**
     * The provider that answered {@code responseId} for {@code tenant}, or null: a response made for another tenant is
     * as unknown as one never seen.
     */
    String provider(String responseId, String tenant) {
        Owner owner = isId(responseId) ? owners.getIfPresent(responseId) : null;
        return owner != null && owner.tenant().equals(tenant) ? owner.provider() : null;
    }

    void forget(String responseId) {
        owners.invalidate(responseId);
    }
}
