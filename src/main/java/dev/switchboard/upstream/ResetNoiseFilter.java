package dev.switchboard.upstream;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Drops one log record that is noise: when a provider resets a connection while its answer's head is being
 * delivered, the Vert.x HTTP client fails the request and then throws {@code IllegalStateException: Result is
 * already complete} delivering the head, which Quarkus logs at ERROR with a stack trace. The reset itself reaches
 * Switchboard as the attempt's failure (failover, breaker, health, metrics and a WARN of its own), so the record says
 * nothing new. Every other record passes.
 */
@LoggingFilter(name = ResetNoiseFilter.NAME)
public final class ResetNoiseFilter implements Filter {

    /** The name {@code quarkus.log.console.filter} refers to. */
    public static final String NAME = "switchboard-upstream-reset-noise";

    @Override
    public boolean isLoggable(LogRecord record) {
        Throwable thrown = record.getThrown();
        if (!(thrown instanceof IllegalStateException) || !"Result is already complete".equals(thrown.getMessage())) {
            return true;
        }
        for (StackTraceElement frame : thrown.getStackTrace()) {
            if (frame.getClassName().startsWith("io.vertx.core.http.impl.HttpClient")) {
                return false;
            }
        }
        return true;
    }
}
