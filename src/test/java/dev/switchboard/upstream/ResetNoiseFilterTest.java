package dev.switchboard.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

class ResetNoiseFilterTest {

    private final ResetNoiseFilter filter = new ResetNoiseFilter();

    private static LogRecord record(Throwable thrown) {
        LogRecord record = new LogRecord(Level.SEVERE, "Uncaught exception received by Vert.x");
        record.setThrown(thrown);
        return record;
    }

    private static IllegalStateException thrownBy(String className, String message) {
        IllegalStateException e = new IllegalStateException(message);
        e.setStackTrace(new StackTraceElement[] { new StackTraceElement(className, "handleResponse", "X.java", 389) });
        return e;
    }

    @Test
    void dropsTheVertxClientsSecondReportOfAReset() {
        assertThat(filter.isLoggable(record(thrownBy("io.vertx.core.http.impl.HttpClientRequestImpl",
                "Result is already complete")))).isFalse();
    }

    @Test
    void keepsEveryOtherRecord() {
        assertThat(filter.isLoggable(new LogRecord(Level.INFO, "hello"))).isTrue();
        assertThat(filter.isLoggable(record(thrownBy("dev.switchboard.routing.Router", "Result is already complete"))))
                .isTrue();
        assertThat(filter.isLoggable(record(thrownBy("io.vertx.core.http.impl.HttpClientRequestImpl", "other"))))
                .isTrue();
        assertThat(filter.isLoggable(record(new IllegalArgumentException("Result is already complete")))).isTrue();
    }
}
