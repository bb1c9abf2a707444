package dev.switchboard.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.switchboard.schema.openai.OpenAiErrors;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;

/**
 * What goes back to the caller: a status, headers and a body that is written as it is produced (one buffer for JSON,
 * one buffer per event for a stream).
 */
public record ProxyResponse(int status, Map<String, List<String>> headers, Multi<Buffer> body) {

    public static ProxyResponse json(int status, Map<String, List<String>> headers, byte[] body) {
        return new ProxyResponse(status, headers, Multi.createFrom().item(Buffer.buffer(body)));
    }

    /** An OpenAI-shaped error, with {@code extraHeaders} (Retry-After, x-switchboard-*) and a JSON content type. */
    public static ProxyResponse error(int status, String message, String type, String code,
            Map<String, List<String>> extraHeaders) {
        Map<String, List<String>> headers = new LinkedHashMap<>(extraHeaders);
        headers.put("Content-Type", List.of("application/json"));
        return json(status, headers, OpenAiErrors.body(message, type, code));
    }
}
