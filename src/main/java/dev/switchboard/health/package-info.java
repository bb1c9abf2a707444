/**
 * Health on the management port: readiness and liveness checks, active probes of providers, and the admin API
 * (router health, usage, policy).
 */
package dev.switchboard.health;
