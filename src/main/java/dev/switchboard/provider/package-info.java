/**
 * The provider adapter interface, the replies adapters give back (with the usage they read), how an upstream answer
 * becomes a reply, and splitting a stream at its first event; one subpackage per provider type. Sibling providers
 * never import each other.
 */
package dev.switchboard.provider;
