package dev.switchboard.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
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
     * Parses and validates one policy document, including references between its sections. Every section and every
     * entry of {@code providers}, {@code routes} and {@code tenants} is read on its own, so one bad entry does not
     * hide the problems of the others: the exception lists them all.
     *
     * @param yaml the file's content
     * @param source where it came from, for messages (a path, or "built-in demo policy")
     */
    public PolicyConfig parse(String yaml, String source) throws PolicyException {
        if (yaml.isBlank()) {
            throw new PolicyException(source, List.of("(document): the policy is empty"));
        }
        JsonNode root;
        try {
            root = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new PolicyException(source, List.of(describe(e)));
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            throw new PolicyException(source, List.of("(document): the policy is empty"));
        }
        if (!root.isObject()) {
            throw new PolicyException(source, List.of("(document): expected a mapping"));
        }
        List<String> problems = new ArrayList<>();
        root.fieldNames().forEachRemaining(key -> {
            if (!SECTIONS.contains(key)) {
                problems.add(key + ": unknown key '" + key + "' (known: " + String.join(", ", SECTIONS.stream().sorted()
                        .toList()) + ")");
            }
        });
        DefaultsConfig defaults = bind(root, "defaults", DefaultsConfig.class, problems);
        Map<String, ProviderConfig> providers = bindEach(root, "providers", ProviderConfig.class, problems);
        Map<String, RouteConfig> routes = bindEach(root, "routes", RouteConfig.class, problems);
        TenancyConfig tenancy = bind(root, "tenancy", TenancyConfig.class, problems);
        Map<String, TenantConfig> tenants = bindEach(root, "tenants", TenantConfig.class, problems);
        String defaultRoute = bind(root, "default-route", String.class, problems);
        String readiness = bind(root, "readiness", String.class, problems);
        SharedLimitsConfig sharedLimits = bind(root, "shared-limits", SharedLimitsConfig.class, problems);
        if (!problems.isEmpty()) {
            throw new PolicyException(source, problems);
        }
        PolicyConfig config;
        try {
            config = new PolicyConfig(defaults, providers, routes, defaultRoute, tenancy, tenants, readiness,
                    sharedLimits);
        } catch (ConfigViolation violation) {
            throw new PolicyException(source, List.of(violation.key() + ": " + violation.getMessage()));
        }
        problems.addAll(PolicyReferences.check(config));
        if (!problems.isEmpty()) {
            throw new PolicyException(source, problems);
        }
        return config;
    }

    /** The top-level keys of a policy file. */
    static final List<String> SECTIONS = List.of("defaults", "providers", "routes", "default-route", "tenancy",
            "tenants", "readiness", "shared-limits");

    /** One section, or null when absent; a problem is recorded, not thrown. */
    private <T> T bind(JsonNode root, String key, Class<T> type, List<String> problems) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            problems.add(prefixed(key, describe(e)));
            return null;
        }
    }

    /** A mapping of named entries, each read on its own; null when absent. A null entry stays null (reported later). */
    private <T> Map<String, T> bindEach(JsonNode root, String key, Class<T> type, List<String> problems) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add(key + ": expected a mapping");
            return null;
        }
        Map<String, T> entries = new LinkedHashMap<>();
        node.properties().forEach(entry -> {
            try {
                entries.put(entry.getKey(), entry.getValue().isNull() ? null : mapper.treeToValue(entry.getValue(), type));
            } catch (JsonProcessingException e) {
                problems.add(prefixed(key + "." + entry.getKey(), describe(e)));
            }
        });
        return entries;
    }

    /** {@code problem} ({@code relative.path: message}) with the path of the value it was found in put in front. */
    private static String prefixed(String prefix, String problem) {
        if (problem.startsWith("(document)")) {
            return prefix + problem.substring("(document)".length());
        }
        if (problem.startsWith(":") || problem.startsWith(" ")) {
            return prefix + problem;
        }
        return problem.startsWith("[") ? prefix + problem : prefix + "." + problem;
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
