package dev.switchboard.routing;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.metrics.GenAi;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * Switchboard's spans: one per attempt, a child of the request's span (the HTTP server's, which continues the
 * caller's {@code traceparent}), with the OpenTelemetry GenAI attributes. With the SDK off (the default) the tracer
 * is a no-op and a span costs nothing but the call. Prompts and completions are never recorded.
 */
@ApplicationScoped
public class Tracing {

    private final Tracer tracer;

    /**
     * With the SDK off, Quarkus still hands out an SDK with nothing to export to, whose spans are built and recorded
     * all the same (attributes and all, per attempt); the API's no-op tracer records nothing.
     */
    @Inject
    public Tracing(OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled) {
        this(sdkDisabled ? OpenTelemetry.noop() : openTelemetry);
    }

    Tracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.switchboard");
    }

    /** Tracing that records nothing, for routers made outside CDI. */
    public static Tracing noop() {
        return new Tracing(OpenTelemetry.noop());
    }

    /** An attempt's span, started now: {@code {operation} {model}}, as the GenAI conventions name client spans. */
    Span attempt(Context parent, GenAi genAi, int number) {
        return tracer.spanBuilder(genAi.operation() + " " + genAi.requestModel()).setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("gen_ai.operation.name", genAi.operation())
                .setAttribute("gen_ai.provider.name", genAi.system())
                .setAttribute("gen_ai.request.model", genAi.requestModel())
                .setAttribute("server.address", genAi.serverAddress())
                .setAttribute("switchboard.provider", genAi.provider())
                .setAttribute("switchboard.attempt", number)
                .startSpan();
    }

    /** The request's own span (the HTTP server's), or an invalid one that ignores everything. */
    static Span request(Context context) {
        return Span.fromContext(context);
    }

    /** What the request span says of the answer: the provider and model that answered, the attempts, the status. */
    static void answered(Span span, ProxyResponse answer) {
        List<String> provider = answer.headers().get(ResponseHeaders.PROVIDER);
        List<String> model = answer.headers().get(ResponseHeaders.MODEL);
        List<String> attempts = answer.headers().get(ResponseHeaders.ATTEMPTS);
        if (provider != null && !provider.isEmpty()) {
            span.setAttribute("switchboard.provider", provider.get(0));
        }
        if (model != null && !model.isEmpty()) {
            span.setAttribute("gen_ai.request.model", model.get(0));
        }
        if (attempts != null && !attempts.isEmpty()) {
            span.setAttribute("switchboard.attempts", Long.parseLong(attempts.get(0)));
        }
        span.setAttribute("switchboard.outcome", answer.status() < 400 ? "answered" : "error " + answer.status());
        List<String> trail = answer.headers().get(AttemptTrail.HEADER);
        if (trail != null && !trail.isEmpty()) {
            span.setAttribute("switchboard.attempt_trail", trail.get(0));
        }
    }
}
