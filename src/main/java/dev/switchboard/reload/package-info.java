/**
 * Loading the policy in stages (read the file → parse → validate → build → swap, keeping the last good one), the
 * provider adapters across versions, hot reload, and the {@code validate} command.
 */
package dev.switchboard.reload;
