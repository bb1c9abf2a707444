/**
 * {@code type: gemini}: the Gemini API ({@code generateContent}, {@code streamGenerateContent}, embeddings),
 * translated both ways so the caller keeps speaking OpenAI's format.
 */
package dev.switchboard.provider.gemini;
