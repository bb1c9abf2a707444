/**
 * Every meter name and tag in one class.
 */
package dev.switchboard.metrics;
