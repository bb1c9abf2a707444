/**
 * Switchboard, an LLM routing sidecar: the entry point. The request path starts in {@code api}.
 */
package dev.switchboard;
