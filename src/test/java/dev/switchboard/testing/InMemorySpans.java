package dev.switchboard.testing;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/**
 * The spans of the tests, in memory: Quarkus exports to every {@code SpanExporter} bean (and then creates no OTLP
 * exporter). Only a test that turns the SDK on ({@code quarkus.otel.sdk.disabled=false}) records any.
 */
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
