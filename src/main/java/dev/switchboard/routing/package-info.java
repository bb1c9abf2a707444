/**
 * The attempt loop: request → route → plan → attempts → response. The only package that sees the whole chain.
 */
package dev.switchboard.routing;
