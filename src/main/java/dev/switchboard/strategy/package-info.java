/**
 * Strategies: each orders a route's targets into an attempt plan and is registered under its YAML name; and the
 * per-target statistics they learn from.
 */
package dev.switchboard.strategy;
