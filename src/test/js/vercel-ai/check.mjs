// The Vercel AI SDK as an app uses it, pointed at Switchboard: openai(model) speaks the Responses API,
// openai.chat(model) chat completions. Prints one JSON line of what came back; exits non-zero on any error.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';

const [baseURL, model] = process.argv.slice(2);
const openai = createOpenAI({ baseURL, apiKey: 'sk-app-key' });
const result = {};
for (const [name, languageModel] of [['responses', openai(model)], ['chat', openai.chat(model)]]) {
  const generated = await generateText({ model: languageModel, prompt: 'Hello', maxRetries: 0 });
  const streamed = streamText({ model: languageModel, prompt: 'Hello', maxRetries: 0,
    onError: ({ error }) => { throw error; } });
  let text = '';
  let chunks = 0;
  for await (const delta of streamed.textStream) {
    text += delta;
    chunks++;
  }
  result[name] = {
    generated: generated.text,
    generatedTokens: generated.usage.outputTokens,
    finish: generated.finishReason,
    streamed: text,
    chunks,
    streamedFinish: await streamed.finishReason,
  };
}
console.log(JSON.stringify(result));
