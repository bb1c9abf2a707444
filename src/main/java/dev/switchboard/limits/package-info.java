/**
 * Limits shared by every pod: tenant budgets and provider quotas as counters per fixed window, in Redis when one is
 * configured and in the process otherwise, with a per-pod fallback while Redis cannot be reached.
 */
package dev.switchboard.limits;
