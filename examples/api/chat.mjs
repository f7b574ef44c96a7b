// WebChat's OpenAI-compatible API with OpenAI's npm package (npm install openai):
//   BASE=http://localhost:5000/v1 KEY=wc-... node examples/api/chat.mjs [model]
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.BASE ?? 'http://localhost:5000/v1', apiKey: process.env.KEY });
const models = await client.models.list();
const model = process.argv[2] ?? models.data[0].id;

const stream = await client.chat.completions.create({
  model,
  max_tokens: 64,
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'Why is the sky blue?' }],
});
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
  if (chunk.usage) console.log(`\n[${chunk.usage.prompt_tokens} prompt tokens, ${chunk.usage.completion_tokens} answer tokens]`);
}
