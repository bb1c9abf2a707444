/**
 * Strategies: each orders a route's targets into an attempt plan and is registered under its YAML name.
 */
package dev.switchboard.strategy;
