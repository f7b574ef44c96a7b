// Drives WebChat's /v1/embeddings with the official `openai` npm package and prints what the client saw as one JSON line.
// Run by EmbeddingsApiTests with BASE_URL and API_KEY set.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: process.env.API_KEY, baseURL: process.env.BASE_URL, maxRetries: 0 });
const inputs = ['The cat sleeps on the sofa.', 'Quarterly revenue rose by four percent.', 'A kitten naps on the couch.'];
const cosine = (a, b) => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  return dot / Math.sqrt(na * nb);
};

// Without encoding_format the package asks for base64 and decodes it itself; 'float' asks for plain numbers.
const byDefault = await client.embeddings.create({ model: 'all-MiniLM-L6-v2', input: inputs });
const asFloats = await client.embeddings.create({ model: 'all-MiniLM-L6-v2', input: inputs[0], encoding_format: 'float' });
const [cat, revenue, kitten] = byDefault.data.map(d => d.embedding);

console.log(JSON.stringify({
  object: byDefault.object,
  indices: byDefault.data.map(d => d.index),
  dimensions: byDefault.data.map(d => d.embedding.length),
  catKitten: cosine(cat, kitten),
  catRevenue: cosine(cat, revenue),
  usage: byDefault.usage,
  floatMatchesDefault: asFloats.data.length === 1 && Math.max(...asFloats.data[0].embedding.map((v, i) => Math.abs(v - cat[i]))) < 1e-6,
}));
