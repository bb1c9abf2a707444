package dev.switchboard.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Only model and stream are read; the rest of the body is relayed byte for byte. */
class RequestBodyTest {

    private static RequestBody parse(String json) {
        return RequestBody.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsModelAndStreamWherEverTheyAre() {
        RequestBody body = parse("{\"messages\":[{\"role\":\"user\",\"content\":\"{\\\"model\\\":\\\"x\\\"}\"}],"
                + "\"tools\":[{\"model\":\"nested\"}],\"stream\":true,\"model\":\"fast\"}");

        assertThat(body.model()).isEqualTo("fast");
        assertThat(body.stream()).isTrue();
    }

    @Test
    void replacesOnlyTheModelValue() {
        String json = "{ \"model\" : \"fast\",\"messages\":[{\"content\":\"h\u00e9llo \\\"q\\\"\"}],\"temperature\":1.0000000000000002}";
        RequestBody body = parse(json);

        String upstream = new String(body.withModel("org/\u00fcber \"model\""), StandardCharsets.UTF_8);

        assertThat(upstream).isEqualTo(json.replace("\"fast\"", "\"org/\u00fcber \\\"model\\\"\""));
    }

    @Test
    void leavesTheBodyAloneWhenTheModelIsTheSame() {
        RequestBody body = parse("{\"model\":\"gpt-4o\"}");

        assertThat(body.withModel("gpt-4o")).isSameAs(body.bytes());
    }

    @Test
    void rejectsWhatCannotBeRouted() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> parse("{\"model\":\"a\"")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("{\"model\":[\"a\"]}")).hasMessageContaining("'model' must be a string");
        assertThatThrownBy(() -> parse("{\"stream\":true}")).hasMessageContaining("'model' is required");
        assertThatThrownBy(() -> parse("{\"model\":\"a\"}x")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("\"text\"")).hasMessageContaining("must be a JSON object");
    }

    @Test
    void neverShowsTheBodyInItsDescription() {
        assertThat(parse("{\"model\":\"a\",\"messages\":[{\"content\":\"secret prompt\"}]}").toString())
                .doesNotContain("secret prompt");
    }
}
