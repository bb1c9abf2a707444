/**
 * Per-provider resilience: one classification of every attempt ({@code Outcome}), the breaker and 429 pause that
 * decide whether a provider may be tried, passive health, Retry-After, and provider state kept across reloads.
 */
package dev.switchboard.resilience;
