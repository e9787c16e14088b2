/**
 * Writes a test model to a file, for benchmarks and manual runs (never commit the output; models/ is ignored).
 *
 *   npx tsx test/support/gguf/make-model.ts designed --out models/designed.gguf [--type F16|F32|Q8_0]
 *   npx tsx test/support/gguf/make-model.ts random --params 60M --out models/random-60m.gguf
 *       [--type F16|F32|Q8_0] [--vocab 32000] [--context 4096] [--seed 1]
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDesignedModel } from './designed-model.js';
import { parseParamCount, writeRandomModel } from './random-model.js';
import type { TensorType } from './tensor-encoding.js';

const USAGE =
  'usage: make-model.ts designed|random --out <file.gguf> [--type F16|F32|Q8_0] ' +
  '[--params 60M] [--vocab 32000] [--context 4096] [--seed 1]';

function parseType(value: string | undefined): TensorType | undefined {
  if (value === undefined || value === 'F16' || value === 'F32' || value === 'Q8_0') return value;
  throw new Error(`unknown --type ${value}`);
}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' }, type: { type: 'string' }, params: { type: 'string' },
      vocab: { type: 'string' }, context: { type: 'string' }, seed: { type: 'string' },
    },
  });
  const kind = positionals[0];
  if ((kind !== 'designed' && kind !== 'random') || values.out === undefined) throw new Error(USAGE);
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  const type = parseType(values.type);
  const started = performance.now();
  if (kind === 'designed') {
    const bytes = writeDesignedModel(out, type === undefined ? {} : { type });
    console.log(`wrote ${out}: designed model, ${bytes} bytes`);
  } else {
    if (values.params === undefined) throw new Error(`random needs --params\n${USAGE}`);
    const result = writeRandomModel(out, {
      params: parseParamCount(values.params),
      ...(type !== undefined && { type }),
      ...(values.vocab !== undefined && { vocabSize: Number(values.vocab) }),
      ...(values.context !== undefined && { contextLength: Number(values.context) }),
      ...(values.seed !== undefined && { seed: Number(values.seed) }),
    });
    const { nEmbd, nLayer, nHead, nHeadKv, nFf, nVocab } = result.shape;
    console.log(
      `wrote ${out}: ${(result.params / 1e6).toFixed(1)}M params (embd ${nEmbd}, layers ${nLayer}, ` +
        `heads ${nHead}/${nHeadKv}, ffn ${nFf}, vocab ${nVocab}), ${(result.bytes / 1e6).toFixed(1)} MB`,
    );
  }
  console.log(`in ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
