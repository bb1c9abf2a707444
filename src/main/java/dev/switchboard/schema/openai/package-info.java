/**
 * OpenAI wire types Switchboard writes itself: errors, the model list.
 */
package dev.switchboard.schema.openai;
