/**
 * Loading the policy: find the file (or the built-in demo), read, validate fully, build providers, swap atomically.
 */
package dev.switchboard.reload;
