package dev.switchboard.schema;

/** The caller's request headers, looked up by name (case-insensitive); null when absent. */
@FunctionalInterface
public interface RequestHeaders {

    String get(String name);

    RequestHeaders NONE = name -> null;
}
