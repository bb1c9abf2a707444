/**
 * Ingress: the proxied {@code POST}s under {@code /v1} as Vert.x routes ({@link dev.switchboard.api.ProxyRoutes}),
 * the other {@code /v1} paths as a REST resource, admission at the door, and the mapping of every failure to an
 * OpenAI-shaped error.
 */
package dev.switchboard.api;
