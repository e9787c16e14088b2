/** Builds the dashboard once before the end-to-end tests, only if it is missing or older than its sources. */
import { rendererIsStale } from '../../build/scripts/build-state.mjs';
import { buildRenderer } from '../../build/scripts/build.mjs';
import { hasChromium } from './support/browser.js';

export default function setup(): void {
  if (hasChromium && rendererIsStale()) buildRenderer();
}
