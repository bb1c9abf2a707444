/**
 * The shape of the policy YAML: immutable records that check themselves, and the strict parser that builds them.
 */
package dev.switchboard.config;
