/**
 * {@code type: anthropic}: the Messages API, translated both ways so the caller keeps speaking OpenAI's chat format.
 */
package dev.switchboard.provider.anthropic;
