/**
 * Readiness and liveness checks on the management port.
 */
package dev.switchboard.health;
