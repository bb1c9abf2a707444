/**
 * Ingress: the OpenAI-compatible REST resources under {@code /v1}, and the mapping of every failure to an
 * OpenAI-shaped error.
 */
package dev.switchboard.api;
