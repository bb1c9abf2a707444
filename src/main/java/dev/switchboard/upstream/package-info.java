/**
 * HTTP clients to providers: one pooled Vert.x HTTP client per provider for JSON calls, event streams and probes,
 * with the provider's credentials and headers (never the caller's).
 */
package dev.switchboard.upstream;
