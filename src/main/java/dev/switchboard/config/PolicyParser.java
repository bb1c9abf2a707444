package dev.switchboard.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Strict YAML → {@link PolicyConfig}: unknown keys, duplicate keys, wrong types and bad durations are rejected, and
 * every message names the YAML path at fault. Thread-safe; one instance can be shared.
 */
public final class PolicyParser {

    private final ObjectMapper mapper;

    public PolicyParser() {
        YAMLFactory factory = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        this.mapper = YAMLMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .addModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()))
                .build();
    }

    /**
     * Parses and validates one policy document, including references between its sections.
     *
     * @param yaml the file's content
     * @param source where it came from, for messages (a path, or "built-in demo policy")
     */
    public PolicyConfig parse(String yaml, String source) throws PolicyException {
        if (yaml.isBlank()) {
            throw new PolicyException(source, List.of("(document): the policy is empty"));
        }
        PolicyConfig config;
        try {
            config = mapper.readValue(yaml, PolicyConfig.class);
        } catch (JsonProcessingException e) {
            throw new PolicyException(source, List.of(describe(e)));
        }
        if (config == null) {
            throw new PolicyException(source, List.of("(document): the policy is empty"));
        }
        List<String> problems = crossReferences(config);
        if (!problems.isEmpty()) {
            throw new PolicyException(source, problems);
        }
        return config;
    }

    private static List<String> crossReferences(PolicyConfig config) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, RouteConfig> route : config.routes().entrySet()) {
            List<TargetConfig> targets = route.getValue().targets();
            for (int i = 0; i < targets.size(); i++) {
                String provider = targets.get(i).provider();
                if (!config.providers().containsKey(provider)) {
                    problems.add("routes." + route.getKey() + ".targets[" + i + "].provider: no provider '" + provider
                            + "' (defined: " + String.join(", ", config.providers().keySet()) + ")");
                }
            }
        }
        if (config.defaultRoute() != null && !config.routes().containsKey(config.defaultRoute())) {
            problems.add("default-route: no route '" + config.defaultRoute() + "' (defined: "
                    + String.join(", ", config.routes().keySet()) + ")");
        }
        String defaultTenant = config.tenancy().defaultTenant();
        if (defaultTenant != null && !config.tenants().containsKey(defaultTenant)) {
            problems.add("tenancy.default-tenant: no tenant '" + defaultTenant + "' under 'tenants'");
        }
        for (Map.Entry<String, TenantConfig> tenant : config.tenants().entrySet()) {
            String path = "tenants." + tenant.getKey();
            List<String> providers = tenant.getValue().allowedProviders();
            for (int i = 0; providers != null && i < providers.size(); i++) {
                if (!config.providers().containsKey(providers.get(i))) {
                    problems.add(path + ".allowed-providers[" + i + "]: no provider '" + providers.get(i) + "'");
                }
            }
            List<String> models = tenant.getValue().allowedModels();
            for (int i = 0; models != null && i < models.size(); i++) {
                String model = models.get(i);
                if (model == null || model.isBlank()) {
                    problems.add(path + ".allowed-models[" + i + "]: must not be empty");
                } else if (!model.endsWith("*") && model.indexOf('/') < 0 && !config.routes().containsKey(model)) {
                    problems.add(path + ".allowed-models[" + i + "]: no route '" + model + "'");
                }
            }
        }
        return problems;
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof ValueInstantiationException vie && vie.getCause() instanceof ConfigViolation violation) {
            return join(path(vie), violation.key()) + ": " + violation.getMessage();
        }
        if (e instanceof UnrecognizedPropertyException upe) {
            return path(upe) + ": unknown key '" + upe.getPropertyName() + "' (known: "
                    + String.join(", ", upe.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()) + ")";
        }
        if (e instanceof InvalidFormatException ife) {
            String expected = ife.getTargetType() == Duration.class ? "a duration such as 500ms, 30s or 2m"
                    : describeType(ife.getTargetType());
            return path(ife) + ": invalid value '" + ife.getValue() + "', expected " + expected;
        }
        if (e instanceof MismatchedInputException mie) {
            String path = path(mie);
            return (path.isEmpty() ? "(document)" : path) + ": expected " + describeType(mie.getTargetType());
        }
        if (e instanceof JsonMappingException jme && jme.getCause() instanceof ConfigViolation violation) {
            return join(path(jme), violation.key()) + ": " + violation.getMessage();
        }
        String where = e.getProcessor() instanceof JsonParser parser ? contextPath(parser.getParsingContext()) : "";
        String location = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        return (where.isEmpty() ? "(document)" : where) + ": " + firstLine(e.getOriginalMessage()) + location;
    }

    private static String describeType(Class<?> type) {
        if (type == null) {
            return "a different value";
        }
        if (type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a " + type.getSimpleName();
    }

    /** The YAML path of a mapping exception: {@code routes.fast.targets[1]}. */
    static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String contextPath(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, "." + c.getCurrentName());
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
