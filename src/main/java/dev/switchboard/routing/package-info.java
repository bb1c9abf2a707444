/**
 * The request path: parse → snapshot → admit → plan → the attempt loop, each attempt settled once by its outcome;
 * the stream relay, the active policy snapshot and the response headers. The only package that sees the whole chain.
 */
package dev.switchboard.routing;
