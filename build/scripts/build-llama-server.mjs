#!/usr/bin/env node
/**
 * Builds llama.cpp's own `llama-server` from the llama.cpp source that node-llama-cpp ships
 * (node_modules/node-llama-cpp/llama/gitRelease.bundle), without the internet, as the reference of
 * `npm run bench -- inference --llama-server <binary>`. Needs git, CMake and a C++ compiler.
 *
 *   node build/scripts/build-llama-server.mjs <output-folder> [--jobs N]
 *
 * The source is cloned into <output-folder>/llama.cpp, built there (Release, native CPU, no curl), and the
 * binary ends up at <output-folder>/llama.cpp/build/bin/llama-server (printed at the end). It is the same
 * llama.cpp revision the server runs through node-llama-cpp, so the comparison is like for like.
 * The compiler runs under `nice` so a shared machine stays usable; on 2 cores it takes tens of minutes.
 * A native build may crash on quantized types on some CPUs: compare F16 models.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bundle = join(root, 'node_modules/node-llama-cpp/llama/gitRelease.bundle');

function main(argv) {
  const args = [...argv];
  const jobsAt = args.indexOf('--jobs');
  const jobs = jobsAt === -1 ? availableParallelism() : Number(args.splice(jobsAt, 2)[1]);
  const [out] = args;
  if (!out || out.startsWith('-')) {
    process.stderr.write('usage: node build/scripts/build-llama-server.mjs <output-folder> [--jobs N]\n');
    process.exit(2);
  }
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm install first`);
  const source = join(resolve(out), 'llama.cpp');
  mkdirSync(resolve(out), { recursive: true });
  const run = (command, commandArgs, cwd) => execFileSync(command, commandArgs, { stdio: 'inherit', cwd });
  if (!existsSync(join(source, 'CMakeLists.txt'))) run('git', ['clone', '--quiet', bundle, source], resolve(out));
  const nice = process.platform === 'win32' ? [] : ['nice', '-n', '5'];
  const cmake = (cmakeArgs) => (nice.length ? run(nice[0], [...nice.slice(1), 'cmake', ...cmakeArgs], source) : run('cmake', cmakeArgs, source));
  cmake(['-B', 'build', '-DLLAMA_BUILD_SERVER=ON', '-DGGML_NATIVE=ON', '-DLLAMA_CURL=OFF', '-DCMAKE_BUILD_TYPE=Release']);
  cmake(['--build', 'build', '--config', 'Release', `-j${jobs}`, '--target', 'llama-server']);
  const binary = join(source, 'build', 'bin', process.platform === 'win32' ? 'Release/llama-server.exe' : 'llama-server');
  if (!existsSync(binary)) throw new Error(`the build finished but ${binary} is missing`);
  process.stdout.write(`${binary}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`build-llama-server: ${error.message}\n`);
  process.exit(1);
}
