/**
 * Wire types only, one subpackage per API family: the caller's request as routing reads it, endpoints, headers,
 * server-sent events, usage, and the one JSON configuration; no routing logic.
 */
package dev.switchboard.schema;
