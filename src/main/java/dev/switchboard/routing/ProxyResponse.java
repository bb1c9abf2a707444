package dev.switchboard.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.openai.OpenAiErrors;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;

/**
 * What goes back to the caller: a status, headers and either a whole body (JSON, written at once with its
 * {@code Content-Length}) or a stream of buffers written as they are produced (one per event).
 *
 * @param whole the body when it is complete, else null
 * @param stream the body when it is a stream, else null
 * @param dialect the body's format: OpenAI's, or the client schema a provider served natively
 */
public record ProxyResponse(int status, Map<String, List<String>> headers, Buffer whole, Multi<Buffer> stream,
        Dialect dialect) {

    public static ProxyResponse json(int status, Map<String, List<String>> headers, byte[] body) {
        return new ProxyResponse(status, headers, Buffer.buffer(body), null, Dialect.OPENAI);
    }

    public static ProxyResponse streaming(int status, Map<String, List<String>> headers, Multi<Buffer> events) {
        return new ProxyResponse(status, headers, null, events, Dialect.OPENAI);
    }

    /**
     * The same response, its body from a provider that served the caller's schema natively (a stream's closing error
     * event, which Switchboard adds, stays OpenAI-shaped).
     */
    public ProxyResponse in(Dialect served) {
        return new ProxyResponse(status, headers, whole, stream, served);
    }

    /** An OpenAI-shaped error, with {@code extraHeaders} (Retry-After, x-switchboard-*) and a JSON content type. */
    public static ProxyResponse error(int status, String message, String type, String code,
            Map<String, List<String>> extraHeaders) {
        Map<String, List<String>> headers = new LinkedHashMap<>(extraHeaders);
        headers.put("Content-Type", List.of("application/json"));
        return json(status, headers, OpenAiErrors.body(message, type, code));
    }

    /** The body either way, as buffers. */
    public Multi<Buffer> body() {
        return whole != null ? Multi.createFrom().item(whole) : stream;
    }
}
