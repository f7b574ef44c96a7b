// Drives WebChat's /v1 with the official `openai` npm package and prints what the client saw as one JSON line.
// Run by NodeOpenAiSdkTests with BASE_URL, API_KEY and MODEL set.
import OpenAI from 'openai';

const baseURL = process.env.BASE_URL;
const model = process.env.MODEL;
const client = new OpenAI({ apiKey: process.env.API_KEY, baseURL, maxRetries: 0 });
const messages = [{ role: 'user', content: 'Say hello' }];

const whole = await client.chat.completions.create({ model, messages });

const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
const streamed = { text: '', finish: null, usage: null, ids: new Set(), firstRole: null };
for await (const chunk of stream) {
  streamed.ids.add(chunk.id);
  if (chunk.choices.length > 0) {
    const choice = chunk.choices[0];
    streamed.firstRole ??= choice.delta.role ?? '';
    streamed.text += choice.delta.content ?? '';
    streamed.finish = choice.finish_reason ?? streamed.finish;
  }
  streamed.usage = chunk.usage ?? streamed.usage;
}

const completion = await client.completions.create({ model, prompt: 'def add(a, b):', max_tokens: 8 });

const models = [];
for await (const entry of client.models.list()) models.push(entry.id);

let wrongKeyStatus = null;
try {
  await new OpenAI({ apiKey: 'wc-wrong', baseURL, maxRetries: 0 }).models.list();
} catch (error) {
  wrongKeyStatus = error.status;
}

console.log(JSON.stringify({
  whole: { text: whole.choices[0].message.content, finish: whole.choices[0].finish_reason, usage: whole.usage },
  stream: { text: streamed.text, finish: streamed.finish, usage: streamed.usage, ids: streamed.ids.size, firstRole: streamed.firstRole },
  completion: { text: completion.choices[0].text, finish: completion.choices[0].finish_reason, usage: completion.usage },
  models,
  wrongKeyStatus,
}));
