/**
 * {@code type: mock}: an in-process provider that answers in OpenAI's format with configurable latency, chunking and
 * failures: the demo policy's providers, and a way to drill failover before it is needed.
 */
package dev.switchboard.provider.mock;
