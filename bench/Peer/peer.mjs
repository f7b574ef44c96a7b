// The peer for `bench -- peer`: node-llama-cpp driven over stdin/stdout, one JSON command per line, one JSON answer
// per line. Usage: node peer.mjs <folder where node-llama-cpp is installed>
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import path from "node:path";

const installed = process.argv[2];
const { getLlama, LlamaChatSession, LlamaLogLevel } = await import(
    pathToFileURL(path.join(installed, "node_modules", "node-llama-cpp", "dist", "index.js")).href);

let llama, model, context;
const now = () => performance.now() / 1000;

function loadedLibraries() {
    // Which libggml-cpu variant node-llama-cpp picked for this CPU, as the process map shows it.
    const maps = readFileSync("/proc/self/maps", "utf8").split("\n").map(l => l.slice(l.indexOf("/"))).filter(p => /lib(llama|ggml)/.test(p));
    return [...new Set(maps)];
}

function sampling(seed) {
    return { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, seed, repeatPenalty: { penalty: 1.1, lastTokens: 64 } };
}

// Decodes the prompt and generates n tokens on one sequence; seconds from start to the first and the last token.
async function generate(sequence, tokens, n, seed) {
    const start = now();
    let first = 0, count = 0;
    for await (const token of sequence.evaluate(tokens, sampling(seed))) {
        if (count++ === 0) first = now() - start;
        if (count >= n) break;
    }
    return { first, total: now() - start, count };
}

async function withSequences(width, run) {
    const sequences = Array.from({ length: width }, () => context.getSequence());
    try { return await run(sequences); } finally { sequences.forEach(s => s.dispose()); }
}

const commands = {
    async load({ modelPath, threads, sequences, contextSize }) {
        llama ??= await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, maxThreads: threads });
        await context?.dispose(); await model?.dispose();
        model = await llama.loadModel({ modelPath });
        context = await model.createContext({ sequences, contextSize, threads: { ideal: threads, min: threads } });
        return { batchSize: context.batchSize, contextSize: context.contextSize, flashAttention: context.flashAttention,
            release: llama.llamaCppRelease, buildType: llama.buildType, systemInfo: llama.systemInfo, libraries: loadedLibraries() };
    },
    async decode({ tokens, n }) {
        return withSequences(1, async ([s]) => generate(s, tokens, n, 7));
    },
    async prefill({ tokens }) {
        return withSequences(1, async ([s]) => generate(s, tokens, 1, 7));
    },
    async concurrent({ tokens, width, n }) {
        return withSequences(width, async sequences => {
            const start = now();
            const runs = await Promise.all(sequences.map((s, i) => generate(s, tokens, n, 7 + i)));
            return { total: now() - start, count: runs.reduce((sum, r) => sum + r.count, 0) };
        });
    },
    // A chat of `questions.length` turns on one sequence (its KV cache kept between turns); time to first token of each.
    async turns({ system, questions, maxTokens }) {
        return withSequences(1, async ([sequence]) => {
            const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: system });
            const times = [];
            for (const question of questions) {
                const start = now();
                let first = 0;
                await session.prompt(question, { maxTokens, ...sampling(7), onTextChunk() { if (first === 0) first = now() - start; } });
                times.push(first || now() - start);
            }
            session.dispose({ disposeSequence: false });
            return { times };
        });
    },
};

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
    if (!line.trim()) continue;
    const command = JSON.parse(line);
    try {
        const result = await commands[command.op](command);
        process.stdout.write(JSON.stringify({ ok: true, ...result }) + "\n");
    } catch (error) {
        process.stdout.write(JSON.stringify({ ok: false, error: String(error?.stack ?? error) }) + "\n");
    }
}
await context?.dispose(); await model?.dispose(); await llama?.dispose();
