/**
 * The one way model tests get a `Llama`: CPU only, the installed prebuilt binaries, never a download or a
 * source build (a local llama.cpp build crashes on the machines this project runs on), and at most 2 threads
 * (node-llama-cpp's default of 4 on a 2-vCPU machine makes generation dramatically slower).
 * Dispose the returned instance in afterAll.
 */
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';

/**
 * Threads for contexts of the tiny test models (`createContext({ threads: TEST_THREADS })`). One thread: for a
 * 64-dim model ggml's thread synchronisation costs more than it saves, and on a busy 2-core machine a second
 * spinning thread made the model tests 3x slower.
 */
export const TEST_THREADS = 1;

export function getTestLlama(): Promise<Llama> {
  return getLlama({
    gpu: false,
    build: 'never',
    skipDownload: true,
    usePrebuiltBinaries: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.error,
    maxThreads: TEST_THREADS,
  });
}
