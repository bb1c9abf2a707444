package dev.switchboard.provider;

import java.io.IOException;

/** A broken connection that a failover drill or a mock provider's fault made up: classified as a broken one. */
public final class InjectedFault extends IOException {

    private static final long serialVersionUID = 1L;

    public InjectedFault(String message) {
        super(message);
    }
}
