package dev.switchboard.provider;

import dev.switchboard.model.ProviderSpec;

/**
 * A provider did not answer within its {@code first-token-timeout}. A {@link java.util.concurrent.TimeoutException}, so failure
 * classification needs no import of this package.
 */
public final class UpstreamTimeoutException extends java.util.concurrent.TimeoutException {
    private static final long serialVersionUID = 1L;

    public UpstreamTimeoutException(String message) {
        super(message);
    }

    public static UpstreamTimeoutException of(ProviderSpec spec) {
        return new UpstreamTimeoutException("no answer within " + spec.firstTokenTimeout().toMillis()
                + "ms (first-token-timeout)");
    }
}
