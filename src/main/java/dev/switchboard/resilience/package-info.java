/**
 * Classifying attempt outcomes before acting on them: what fails over, what goes back to the caller.
 */
package dev.switchboard.resilience;
