package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.metrics.GenAi;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * With {@code quarkus.otel.sdk.disabled=true} Quarkus still hands out an SDK; an attempt's span must then be the API's
 * no-op span, not one built and recorded for nothing.
 */
class TracingSdkOffTest {

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
            .build();
    private final GenAi genAi = new GenAi("chat", "openai", "openai-main", "gpt-4o-mini", "api.openai.com");

    @AfterEach
    void close() {
        sdk.close();
    }

    @Test
    void sdkOffRecordsNothing() {
        Span span = new Tracing(sdk, true).attempt(Context.root(), genAi, 1);
        span.end();

        assertThat(span.isRecording()).isFalse();
        assertThat(exported.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void sdkOnRecordsTheAttempt() {
        Span span = new Tracing(sdk, false).attempt(Context.root(), genAi, 1);
        span.end();

        assertThat(exported.getFinishedSpanItems()).singleElement()
                .satisfies(data -> assertThat(data.getName()).isEqualTo("chat gpt-4o-mini"));
    }
}
