/**
 * The proxy's traffic as a whole: how many requests and request-body bytes are in flight (and shedding past the
 * bounds), and the drain on shutdown. Knows nothing of routing; the API counts requests in, the router ends what the
 * drain tells it to.
 */
package dev.switchboard.lifecycle;
