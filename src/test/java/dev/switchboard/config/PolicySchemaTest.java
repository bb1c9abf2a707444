package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.switchboard.policy.PolicyCompiler;
import dev.switchboard.policy.SecretSource;
import dev.switchboard.provider.ProviderFactory;
import dev.switchboard.strategy.Strategies;

/**
 * The JSON Schema editors use (src/main/resources/switchboard/policy.schema.json) agrees with the parser: every valid
 * example passes both, every invalid example fails both.
 */
class PolicySchemaTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonSchema SCHEMA = load();

    private static final SecretSource ANY_KEY = new SecretSource() {
        @Override
        public Optional<String> env(String name) {
            return Optional.of("key");
        }

        @Override
        public String file(String path) {
            return "key";
        }
    };

    private static JsonSchema load() {
        try (InputStream in = PolicySchemaTest.class.getClassLoader()
                .getResourceAsStream("switchboard/policy.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Path> valid() throws IOException {
        return Stream.concat(files("src/test/resources/policies/valid").stream(),
                Stream.of(Path.of("src/main/resources/switchboard/demo-policy.yaml")));
    }

    static Stream<Path> invalid() throws IOException {
        return files("src/test/resources/policies/invalid").stream();
    }

    private static java.util.List<Path> files(String dir) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            return files.sorted().toList();
        }
    }

    private static void parse(String yaml) throws PolicyException {
        new PolicyCompiler(Strategies.names(), Strategies.priced(), ProviderFactory.TYPES, ANY_KEY)
                .compile(new PolicyParser().parse(yaml, "example"), "example");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validExamplesPassTheSchemaAndTheParser(Path file) throws Exception {
        String yaml = Files.readString(file);
        Set<ValidationMessage> errors = SCHEMA.validate(YAML.readTree(yaml));

        assertThat(errors).isEmpty();
        parse(yaml);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidExamplesFailTheSchemaAndTheParser(Path file) throws Exception {
        String yaml = Files.readString(file);
        JsonNode tree = YAML.readTree(yaml);

        assertThat(SCHEMA.validate(tree)).as("schema errors for " + file).isNotEmpty();
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(PolicyException.class);
    }

    @org.junit.jupiter.api.Test
    void theKubernetesExamplePassesTheSchema() throws Exception {
        JsonNode configMap = YAML.readTree(Path.of("k8s", "configmap.yaml").toFile());

        assertThat(SCHEMA.validate(YAML.readTree(configMap.path("data").path("policy.yaml").asText()))).isEmpty();
    }
}
