// Peer system for the GuardCluster benchmark: node-llama-cpp used the way its users use it.
//
// One context, one context sequence per caller (session), automatic prefix reuse as LlamaCompletion does it
// (keep the sequence's tokens, erase from the first differing token, evaluate the rest; the last prompt token is
// always evaluated again for its logits), greedy decoding until an end-of-generation token or the answer cap.
//
// Usage (the bench starts it once per workload):
//   node peer.mjs --model PATH --threads N --ctx-per-sequence N --sequences N --batch N --flash-attention on|off
//                 --max-new-tokens N
//
// Protocol: JSON lines. After loading, one line {"ready":true,...} on stdout. Then one request per stdin line:
//   {"id":1,"session":"default","pieces":[[1,"<|begin_of_text|>"],[0,"text"],...],"tokens":[...],"fresh":false}
// pieces are the prompt the bench rendered (1 = special token text, 0 = plain text, tokenized without parsing
// special tokens); tokens are the bench's own tokenization of it. The peer tokenizes the pieces itself and answers
// an error when its tokens differ. fresh = clear the sequence first (the naive way: no reuse).
// Response: {"id":1,"text":"\n\nsafe","promptTokens":n,"reusedTokens":n,"generated":n,"ms":x,"prefillMs":x}
// or {"id":1,"error":"..."}. Logs go to stderr. The process exits when stdin closes.
import { createInterface } from "node:readline";
import { getLlama, LlamaLogLevel, LlamaText, SpecialTokensText } from "node-llama-cpp";

function parseArgs(argv) {
    const o = { threads: 0, ctxPerSequence: 8192, batch: 512, flashAttention: true, maxNewTokens: 20, sequences: 1 };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = () => {
            if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
            return argv[++i];
        };
        const int = () => {
            const v = Number.parseInt(next(), 10);
            if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a non-negative integer`);
            return v;
        };
        switch (a) {
            case "--model": o.model = next(); break;
            case "--threads": o.threads = int(); break;
            case "--ctx-per-sequence": o.ctxPerSequence = int(); break;
            case "--batch": o.batch = int(); break;
            case "--flash-attention": o.flashAttention = next() === "on"; break;
            case "--max-new-tokens": o.maxNewTokens = int(); break;
            case "--sequences": o.sequences = Math.max(1, int()); break;
            default: throw new Error(`unknown option ${a}`);
        }
    }
    if (!o.model) throw new Error("--model PATH is required");
    return o;
}

const write = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

const options = parseArgs(process.argv.slice(2));
const llama = await getLlama({
    gpu: false,
    build: "never", // only the prebuilt binaries from npm; never compile or download from GitHub
    usePrebuiltBinaries: true,
    skipDownload: true,
    progressLogs: false,
    maxThreads: options.threads,
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => process.stderr.write(`[llama ${level}] ${message}\n`),
});
const model = await llama.loadModel({ modelPath: options.model, gpuLayers: 0, useMmap: true });
// contextSize is per sequence in node-llama-cpp (the bench splits its KV cells between the callers).
const context = await model.createContext({
    sequences: options.sequences,
    contextSize: options.ctxPerSequence,
    batchSize: options.batch,
    flashAttention: options.flashAttention,
    threads: options.threads > 0 ? { ideal: options.threads, min: options.threads } : undefined,
    failedCreationRemedy: false,
});

const sequences = new Map();
function sequenceFor(session) {
    let sequence = sequences.get(session);
    if (sequence == null) {
        if (context.sequencesLeft === 0) throw new Error(`no context sequence left for session '${session}' (--sequences ${options.sequences})`);
        sequence = context.getSequence();
        sequences.set(session, sequence);
    }
    return sequence;
}

function firstDifference(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
    return a.length === b.length ? -1 : n;
}

async function check(request) {
    const started = performance.now();
    const text = new LlamaText(request.pieces.map(([special, piece]) => (special ? new SpecialTokensText(piece) : piece)));
    const tokens = text.tokenize(model.tokenizer);
    const diff = firstDifference(tokens, request.tokens);
    if (diff >= 0) {
        throw new Error(`tokenization differs from the bench's at token ${diff} (peer ${tokens.length} tokens, bench ${request.tokens.length}): `
            + `peer ${JSON.stringify(tokens.slice(diff, diff + 5))} vs bench ${JSON.stringify(request.tokens.slice(diff, diff + 5))}`);
    }

    const sequence = sequenceFor(request.session);
    if (tokens.length + options.maxNewTokens > sequence.contextSize) {
        // node-llama-cpp would shift the context (drop tokens) and evaluate a different prompt.
        throw new Error(`a prompt of ${tokens.length} tokens plus ${options.maxNewTokens} answer tokens does not fit a sequence of ${sequence.contextSize} cells`);
    }
    if (request.fresh) await sequence.clearHistory();

    // LlamaCompletion's prefix reuse: align the sequence with all but the last token, evaluate the rest.
    const input = tokens.slice();
    const last = input.pop();
    await sequence.adaptStateToTokens(input, false);
    const reused = sequence.nextTokenIndex;
    input.splice(0, reused);
    input.push(last);

    const generated = [];
    let prefillMs = 0;
    let ended = false;
    const beforeEvaluate = performance.now();
    for await (const token of sequence.evaluate(input, { temperature: 0, yieldEogToken: true })) {
        if (generated.length === 0 && !ended) prefillMs = performance.now() - beforeEvaluate;
        if (model.isEogToken(token)) {
            ended = true;
            break;
        }
        generated.push(token);
        if (generated.length >= options.maxNewTokens) break;
    }

    return {
        id: request.id,
        text: model.detokenize(generated, true),
        promptTokens: tokens.length,
        reusedTokens: reused,
        generated: generated.length + (ended ? 1 : 0),
        ms: performance.now() - started,
        prefillMs,
    };
}

write({
    ready: true,
    nodeLlamaCpp: (await import("node-llama-cpp")).getModuleVersion ? await (await import("node-llama-cpp")).getModuleVersion() : "unknown",
    llamaCpp: llama.llamaCppRelease?.release ?? "unknown",
    cpuVariant: llama.buildType ?? "prebuilt",
    contextSize: context.contextSize,
    sequences: context.totalSequences,
    batchSize: context.batchSize,
    threads: context.idealThreads,
    flashAttention: context.flashAttention,
});

// One request at a time, in order (the bench waits for each answer).
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
    if (line.trim() === "") continue;
    let request;
    try {
        request = JSON.parse(line);
        write(await check(request));
    } catch (e) {
        write({ id: request?.id ?? -1, error: String(e?.message ?? e) });
    }
}

await context.dispose();
await model.dispose();
await llama.dispose();
