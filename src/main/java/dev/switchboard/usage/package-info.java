/**
 * Usage accounting: tokens and cost per provider and model, from the usage each answer reported.
 */
package dev.switchboard.usage;
