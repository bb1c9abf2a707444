/**
 * HTTP clients to providers: one pooled MicroProfile REST client per provider for JSON calls, and the Vert.x HTTP
 * client underneath it for server-sent event streams (see the README for why), plus credentials.
 */
package dev.switchboard.upstream;
