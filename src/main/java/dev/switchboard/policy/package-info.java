/**
 * Pure policy decisions: turning the validated YAML shape into the routing table. No CDI; I/O only through the
 * secret source the caller passes in.
 */
package dev.switchboard.policy;
