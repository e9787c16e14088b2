/**
 * The node-llama-cpp implementation of `InferenceRuntime`.
 *
 * node-llama-cpp and its native library are loaded on the first `load()`, never at server start (importing
 * it takes about a second and the server must start fast and run without any model). Only the prebuilt
 * binaries from npm are used: `build: 'never'` and `skipDownload: true`, so a missing binary is a clear error,
 * never a download or a compile (a local build of llama.cpp crashes on some CPUs).
 *
 * Threads: one setting for the whole process (`maxThreads`) and for each context. On small machines more
 * threads than free cores make generation many times slower (threads spin-wait for each other), so the
 * default comes from `defaultThreads()`.
 */
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { readModelFileInfo } from './gguf-metadata.js';
import { ModelLoadError, type InferenceRuntime, type LoadedModel, type LoadOptions, type ModelFileInfo } from './inference-runtime.js';
import { withoutFolder } from './without-folder.js';

type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;

export interface LlamaRuntimeOptions {
  /** CPU threads for evaluation (the process-wide maximum too). */
  threads: number;
  /** `auto` uses a GPU when a prebuilt GPU binary for it is installed; `off` is CPU only. */
  gpu: 'auto' | 'off';
  logger?: Logger;
  /** Called once per batched decode step with the number of generations in it (the metrics). */
  onDecodeStep?: (sequences: number) => void;
}

/**
 * One thread per two cores, at least one. ggml's threads spin-wait for each other at every step, so a thread
 * that loses its core stalls all of them: on a 2-vCPU machine a 55M-parameter F16 model generated 106-176
 * tokens/s with 1 thread, 72 (idle machine) down to 1.5 (busy machine) with 2, and under 0.5 with 4
 * (node-llama-cpp's default). Half the cores leaves room for the HTTP server and everything else.
 */
export function defaultThreads(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

export class LlamaRuntime implements InferenceRuntime {
  private llama: Promise<{ llama: Llama; module: typeof import('./llama-model.js') }> | undefined;
  private closed = false;

  constructor(private readonly options: LlamaRuntimeOptions) {}

  inspect(path: string): Promise<ModelFileInfo> {
    return readModelFileInfo(path);
  }

  async load(path: string, options: LoadOptions): Promise<LoadedModel> {
    if (this.closed) throw new ModelLoadError('The inference runtime is closed.');
    const { llama, module } = await this.native();
    // Threads can be changed in Settings for the next load; the binding's process-wide cap follows them.
    if (llama.maxThreads < options.threads) llama.maxThreads = options.threads;
    try {
      return await module.LlamaLoadedModel.load(llama, path, options, this.options.onDecodeStep);
    } catch (error) {
      // The reason only: the caller names the model by id, and clients never see the server's paths.
      throw new ModelLoadError(withoutFolder((error as Error).message, path));
    }
  }

  private native() {
    if (!this.llama) {
      this.llama = this.loadNative();
      // A failed load is not cached: the next request tries again (and reports the same clear error).
      this.llama.catch(() => (this.llama = undefined));
    }
    return this.llama;
  }

  private async loadNative() {
    const started = performance.now();
    const [nodeLlamaCpp, module] = await Promise.all([import('node-llama-cpp'), import('./llama-model.js')]);
    const logger = this.options.logger;
    let llama: Llama;
    try {
      llama = await nodeLlamaCpp.getLlama({
        gpu: this.options.gpu === 'off' ? false : 'auto',
        build: 'never',
        skipDownload: true,
        progressLogs: false,
        maxThreads: this.options.threads,
        logLevel: nodeLlamaCpp.LlamaLogLevel.warn,
        logger: (level, message) => {
          const text = `llama.cpp: ${message.trim()}`;
          if (level === 'fatal' || level === 'error') logger?.error(text);
          else if (level === 'warn') logger?.warn(text);
          else logger?.debug(text);
        },
      });
    } catch (error) {
      throw new ModelLoadError(
        `The llama.cpp binary for ${process.platform}-${process.arch} is not installed (${(error as Error).message}). ` +
          `Install the prebuilt package: npm install @node-llama-cpp/${process.platform}-${process.arch}. ` +
          'This server never downloads or compiles llama.cpp.',
      );
    }
    logger?.info({ gpu: llama.gpu, threads: this.options.threads, ms: Math.round(performance.now() - started) }, 'llama.cpp loaded');
    return { llama, module };
  }

  async close(): Promise<void> {
    this.closed = true;
    const native = await this.llama?.catch(() => undefined);
    await native?.llama.dispose();
  }
}
