/**
 * Wire types only, one subpackage per API family; no logic.
 */
package dev.switchboard.schema;
