/**
 * OpenAI's wire format, in one place: building completions, chunks, embeddings and errors, reading usage from a
 * passed-through body, and the wire types Switchboard writes itself (errors, the model list).
 */
package dev.switchboard.schema.openai;
