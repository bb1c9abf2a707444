/**
 * The provider adapter interface; one subpackage per provider type. Sibling providers never import each other.
 */
package dev.switchboard.provider;
