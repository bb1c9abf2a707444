/**
 * The resolved, immutable routing table the router runs on: routes with their targets and providers with every default
 * applied. Built from the config records by the policy compiler; no I/O, no CDI.
 */
package dev.switchboard.model;
