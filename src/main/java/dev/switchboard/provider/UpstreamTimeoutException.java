package dev.switchboard.provider;

import dev.switchboard.model.ProviderSpec;

/** A provider did not answer within its {@code timeout}. */
public final class UpstreamTimeoutException extends RuntimeException {

    public UpstreamTimeoutException(String message) {
        super(message, null, false, false);
    }

    public static UpstreamTimeoutException of(ProviderSpec spec) {
        return new UpstreamTimeoutException("no answer from provider '" + spec.name() + "' within "
                + spec.timeout().toMillis() + "ms");
    }
}
