/**
 * Builds the server once before the cluster test when dist/ is missing or older than the sources: replicas then
 * start from the build in a second or two, instead of compiling the sources through tsx on every (re)start.
 */
import { buildIsStale } from '../../build/scripts/build-state.mjs';
import { build } from '../../build/scripts/build.mjs';

export default function setup(): void {
  if (buildIsStale()) build();
}
