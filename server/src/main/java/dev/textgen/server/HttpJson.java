package dev.textgen.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Writing whole JSON and text responses, and OpenAI's error envelope. */
final class HttpJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private HttpJson() {
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** {@code {"error": {"message", "type", "param", "code"}}}. */
    static ObjectNode envelope(ApiException error) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode fields = body.putObject("error");
        fields.put("message", error.getMessage());
        fields.put("type", error.type());
        fields.put("param", error.param());
        fields.put("code", error.code());
        return body;
    }

    static void send(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    static void sendJson(Response response, Callback callback, int status, Object body) {
        send(response, callback, status, "application/json", write(body));
    }

    static void sendError(Response response, Callback callback, ApiException error) {
        if (error.status() == 429) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        if (error.status() == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        }
        sendJson(response, callback, error.status(), envelope(error));
    }
}
