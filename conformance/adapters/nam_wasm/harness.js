#!/usr/bin/env node
// A JSON-lines adapter (spec/adapter-protocol.md section 2) for @opendaw/nam-wasm, the WebAssembly
// build of NeuralAmpModelerCore 0.5.3. Run the suite against it with
//     pytest conformance --impl="node conformance/adapters/nam_wasm/harness.js"
// after `npm ci` in this folder. README.md beside this file explains each choice below.

import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const dist = path.dirname(require.resolve("@opendaw/nam-wasm/nam.wasm"));
const { version } = JSON.parse(fs.readFileSync(path.join(dist, "..", "package.json"), "utf8"));

const CAPABILITIES = {
  features: "all",
  // The C API passes one input and one output channel; 0.5.3 does not know head_dilation (it ignores
  // the key) nor Sequential (it refuses the architecture).
  unsupported_features: ["arch.sequential", "env.multichannel", "wavenet.head_dilation"],
  initial_state: "silent",        // Core prewarms on load and reset ([DIV-2])
  // Fast tanh is always on in this build ([DIV-30]): Core's switch, which the spec names as two
  // approximations ([APPROX-2], [APPROX-3]); the suite computes them too and asks for the strict tier.
  numerics: "exact",
  approximations: ["namcore.fast_tanh", "namcore.fast_sigmoid"],
  reports: ["loudness"],          // no sample-rate, receptive-field or channel query
  max_block: null,                // any host block: split below into calls of at most 128 samples
  stateful: true,
  set_size: false,                // no way to select a slimmable size
};

// The package's loader is written for a browser: left alone it fetches nam.wasm by URL, which
// fails in Node. Handing it the instantiated module works, and keeps the module's exports at hand
// for the two functions the loader does not export: stackSave and stackRestore.
const wasmSource = fs.readFileSync(path.join(dist, "nam.js"), "utf8");
function exportName(fn) {
  const match = wasmSource.match(new RegExp(`var ${fn}=[^;]*?wasmExports\\["(\\w+)"\\]`));
  if (!match) throw new Error(`nam.js ${version}: cannot find the export behind ${fn}`);
  return match[1];
}
const { default: createNamModule } = await import(pathToFileURL(path.join(dist, "nam.js")).href);
const wasmModule = new WebAssembly.Module(fs.readFileSync(path.join(dist, "nam.wasm")));

// The engine's own maximum buffer (128, the Web Audio render quantum): the raw process export
// writes past its buffers for longer calls, so every host block is split into calls of this size.
let engine, stackSave, stackRestore, CHUNK, inputPtr, outputPtr;

async function startEngine() {  // at start, and again after a crash: a fresh instance, fresh memory
  let wasm;
  engine = await createNamModule({
    instantiateWasm(imports, receive) {
      const instance = new WebAssembly.Instance(wasmModule, imports);
      wasm = instance.exports;
      receive(instance);
      return instance.exports;
    },
  });
  stackSave = wasm[exportName("stackSave")];
  stackRestore = wasm[exportName("stackRestore")];
  CHUNK = engine._nam_getMaxBufferSize();
  inputPtr = engine._malloc(CHUNK * 4);
  outputPtr = engine._malloc(CHUNK * 4);
}
await startEngine();

// The engine reads in_channels and out_channels but its C API passes one channel each way, and it
// has no query for a model's channel counts: the harness reads them from the file, as a host must
// before it offers a model to a mono signal path ([STREAM-8], [WN-2]).
function channelCounts(model) {
  const config = model?.config ?? {};
  if (model?.architecture === "SlimmableContainer") {
    return Array.isArray(config.submodels) ? config.submodels.flatMap((entry) => channelCounts(entry?.model)) : [];
  }
  let out = config.out_channels;
  if (model?.architecture === "WaveNet" && Array.isArray(config.layers)) {
    const last = config.layers.at(-1) ?? {};
    out = config.head ? config.head.out_channels : last.head ? last.head.out_channels : last.head_size;
  }
  return [config.in_channels ?? 1, out ?? 1];  // malformed values are left to the engine to refuse
}

class CxxException extends Error {}   // the engine refused: a C++ exception reached JavaScript
class Trap extends Error {}           // the engine crashed: its memory can no longer be trusted

function cString(pointer) {
  if (!pointer || pointer >= engine.HEAPU8.length) return "";
  let end = pointer;
  while (end < engine.HEAPU8.length && engine.HEAPU8[end] && end - pointer < 2000) end++;
  return new TextDecoder().decode(engine.HEAPU8.subarray(pointer, end));
}

// Built without exception catching, the engine throws a C++ exception as the bare address of the
// exception object, and unwinds nothing: the stack pointer stays where the throw left it. Each
// call that can throw therefore restores the stack pointer, or a few dozen refused files later the
// stack runs into the heap and valid files crash. The message is read from the exception object:
// its type name from the std::type_info the thrower recorded 20 bytes before it, the text from the
// reference-counted string of std::runtime_error / std::logic_error (4 bytes in) or of the
// runtime_error member of nlohmann::json's exceptions (12 bytes in).
function demangle(name) {  // "St13runtime_error" -> std::runtime_error; "N8nlohmann...E" likewise
  const parts = name.startsWith("St") ? ["std"] : [];
  let at = name.startsWith("St") ? 2 : name.startsWith("N") ? 1 : 0;
  for (let digits; (digits = name.slice(at).match(/^\d+/)); at += digits[0].length + Number(digits[0])) {
    parts.push(name.substr(at + digits[0].length, Number(digits[0])));
  }
  return parts.length ? parts.join("::") : name;
}

function describeException(address) {
  const typeInfo = engine.HEAPU32[(address - 20) >> 2];
  const type = cString(engine.HEAPU32[(typeInfo + 4) >> 2]);
  const offset = type.includes("nlohmann") ? 12 : type.startsWith("St") ? 4 : null;
  const text = offset === null ? "" : cString(engine.HEAPU32[(address + offset) >> 2]);
  return `C++ exception ${type ? demangle(type) : "of unknown type"}${text.trim() ? `: ${text.trim()}` : ""}`;
}

function guarded(call) {
  const stack = stackSave();
  try {
    return call();
  } catch (exc) {
    stackRestore(stack);
    if (typeof exc === "number") throw new CxxException(describeException(exc));
    throw new Trap(`${exc?.name ?? "error"}: ${exc?.message ?? exc}`);
  }
}

const models = new Map();  // handle -> engine instance id
let nextHandle = 1;

function instanceOf(request) {
  const id = models.get(request.handle);
  if (id === undefined) throw new Error(`unknown handle ${request.handle}`);
  return id;
}

const commands = {
  hello() {
    return { protocol: 1, capabilities: CAPABILITIES,
             implementation: { name: "@opendaw/nam-wasm", version, language: "C++ (WebAssembly, Node " +
                               process.versions.node + ")" } };
  },

  load(request) {
    const bytes = fs.readFileSync(request.path);  // the file's own bytes: the engine checks its UTF-8
    let document = null;
    try { document = JSON.parse(bytes.toString("utf8")); } catch { /* the engine's parser reports it */ }
    if (channelCounts(document).some((count) => Number.isInteger(count) && count > 1)) {
      return { status: "unsupported", feature: "env.multichannel",
               message: "more than one input or output channel: the engine's C API is mono" };
    }
    const id = engine._nam_createInstance();
    const text = engine._malloc(bytes.length + 1);  // a NUL-terminated copy in the engine's memory
    engine.HEAPU8.set(bytes, text);
    engine.HEAPU8[text + bytes.length] = 0;
    try {
      if (!guarded(() => engine._nam_loadModel(id, text))) throw new CxxException("loadModel returned false");
    } catch (exc) {
      guarded(() => engine._nam_destroyInstance(id));
      if (exc instanceof CxxException) return { status: "rejected", message: exc.message };
      throw exc;
    } finally {
      engine._free(text);
    }
    const handle = `m${nextHandle++}`;
    models.set(handle, id);
    return { handle };
  },

  info(request) {
    const id = instanceOf(request);
    return { info: { loudness: engine._nam_hasModelLoudness(id) ? engine._nam_getModelLoudness(id) : null } };
  },

  process(request) {
    const id = instanceOf(request);
    const { channels, frames } = request;
    if (channels !== 1) throw new Error(`this engine has one input channel, not ${channels}`);
    const bytes = fs.readFileSync(request.input);
    if (bytes.length !== frames * 4) throw new Error(`the input has ${bytes.length} bytes, not ${frames} frames`);
    const x = new Float32Array(frames);
    new Uint8Array(x.buffer).set(bytes);  // a copy: a Buffer's bytes need not be 4-byte aligned
    const y = new Float32Array(frames);
    let start = 0;
    for (const length of request.blocks ?? [frames]) {  // one host block ...
      for (let done = 0; done < length; done += CHUNK) {  // ... as calls of at most CHUNK samples
        const n = Math.min(CHUNK, length - done);
        engine.HEAPF32.set(x.subarray(start + done, start + done + n), inputPtr >> 2);
        guarded(() => engine._nam_process(id, inputPtr, outputPtr, n));
        y.set(engine.HEAPF32.subarray(outputPtr >> 2, (outputPtr >> 2) + n), start + done);
      }
      start += length;
    }
    fs.writeFileSync(request.output, Buffer.from(y.buffer));
    return { frames };
  },

  reset(request) {
    const id = instanceOf(request);
    guarded(() => engine._nam_reset(id));
    return {};
  },

  unload(request) {
    const id = models.get(request.handle);
    if (id !== undefined) guarded(() => engine._nam_destroyInstance(id));
    models.delete(request.handle);
    return {};
  },
};

function reply(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  const request = JSON.parse(line);
  if (request.cmd === "quit") {
    reply({ id: request.id, status: "ok" });
    process.exit(0);
  }
  const handler = commands[request.cmd];
  try {
    reply({ id: request.id, status: "ok", ...(handler ? handler(request) : { status: "error", message: `unknown command ${request.cmd}` }) });
  } catch (exc) {
    if (exc instanceof Trap) {  // the models of the crashed engine are gone with it
      models.clear();
      await startEngine();
    }
    reply({ id: request.id, status: "error", message: exc.message +
            (exc instanceof Trap ? " (the engine crashed; the harness started a fresh one)" : "") });
  }
}
