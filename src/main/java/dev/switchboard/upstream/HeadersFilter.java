package dev.switchboard.upstream;

import java.util.Map;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/** Puts one provider's headers ({@link ProviderHeaders}) on every REST client request. */
final class HeadersFilter implements ClientRequestFilter {

    private final Map<String, String> headers;

    HeadersFilter(Map<String, String> headers) {
        this.headers = headers;
    }

    @Override
    public void filter(ClientRequestContext request) {
        headers.forEach((name, value) -> request.getHeaders().putSingle(name, value));
    }
}
