/**
 * Pure decisions, no CDI and no I/O: admission of a request (tenant, route, candidates, traits, session), and the
 * compiler from validated config to the routing table.
 */
package dev.switchboard.policy;
