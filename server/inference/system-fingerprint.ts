/**
 * OpenAI's `system_fingerprint`: names the backend configuration that produced a completion, so a client can
 * tell when results may differ for the same request. Here that is the server's version and the model id:
 * `fp_` and the first 10 hex digits of their SHA-256 (the length of OpenAI's own fingerprints).
 */
import { createHash } from 'node:crypto';

/** The fingerprint of a model on this server. */
export type Fingerprinter = (modelId: string) => string;

export function systemFingerprint(serverVersion: string, modelId: string): string {
  return `fp_${createHash('sha256').update(`${serverVersion}\n${modelId}`).digest('hex').slice(0, 10)}`;
}

/** Fingerprints for one server version, computed once per model. */
export function fingerprinter(serverVersion: string): Fingerprinter {
  const known = new Map<string, string>();
  return (modelId) => {
    let fingerprint = known.get(modelId);
    if (fingerprint === undefined) {
      fingerprint = systemFingerprint(serverVersion, modelId);
      if (known.size >= 1000) known.clear(); // model ids come from the models folder; bound it anyway
      known.set(modelId, fingerprint);
    }
    return fingerprint;
  };
}
