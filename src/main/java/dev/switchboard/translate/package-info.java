/**
 * The client schemas Switchboard serves besides OpenAI chat completions, each translated to and from chat
 * completions (the router's own schema) by one class per pair: {@link dev.switchboard.translate.ResponsesChat}
 * (OpenAI Responses ⇄ chat) and {@link dev.switchboard.translate.MessagesChat} (Anthropic Messages ⇄ chat), with their
 * stream translators. Provider-side pairs (chat ⇄ Anthropic, chat ⇄ Gemini) live with their adapters.
 */
package dev.switchboard.translate;
