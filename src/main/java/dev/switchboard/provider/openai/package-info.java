/**
 * {@code type: openai}: any OpenAI-compatible API (OpenAI, Groq, Mistral, Together, vLLM, Ollama, gateways). Requests
 * and responses pass through unchanged but for the model id.
 */
package dev.switchboard.provider.openai;
