/**
 * A small Kustomize resolver for the deploy tests: reads a kustomization's resources (files and folders with their
 * own kustomization.yaml), its secretGenerator (from the env file, or its committed `.example` when the real one
 * is absent, as in CI) and the overlay's namespace and image overrides. Enough to check what
 * `kubectl apply -k` would send, without kubectl.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
};

export interface Resolved {
  /** Every resource, in order, with the file it came from. */
  resources: Array<{ file: string; manifest: Manifest }>;
  /** Every file the kustomizations list (to find YAML files left out). */
  files: string[];
}

/** Parses every document of a YAML file; a syntax error throws with the file's name. */
export function readYamlDocuments(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  return docs.map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as unknown;
  }).filter((value) => value !== null);
}

/** `KEY=value` lines, comments and blanks skipped (the format of secretGenerator `envs`). */
export function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 1) throw new Error(`${file}: not KEY=value: ${trimmed}`);
    out[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return out;
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  secretGenerator?: Array<{ name: string; envs?: string[] }>;
  labels?: Array<{ pairs: Record<string, string> }>;
}

export function resolveKustomization(dir: string): Resolved {
  const file = join(dir, 'kustomization.yaml');
  const k = readYamlDocuments(file)[0] as Kustomization | undefined;
  if (!k) throw new Error(`${file}: empty`);
  const resources: Resolved['resources'] = [];
  const files = [file];
  for (const entry of k.resources ?? []) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const inner = resolveKustomization(path);
      resources.push(...inner.resources);
      files.push(...inner.files);
    } else {
      files.push(path);
      for (const manifest of readYamlDocuments(path) as Manifest[]) resources.push({ file: path, manifest });
    }
  }
  for (const generator of k.secretGenerator ?? []) {
    const data: Record<string, string> = {};
    for (const env of generator.envs ?? []) {
      const real = join(dir, env);
      const source = existsSync(real) ? real : `${real}.example`;
      files.push(source);
      Object.assign(data, readEnvFile(source));
    }
    const manifest: Manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: generator.name }, type: 'Opaque', stringData: data };
    resources.push({ file: join(dir, 'kustomization.yaml'), manifest });
  }
  for (const { manifest } of resources) {
    for (const { pairs } of k.labels ?? []) manifest.metadata.labels = { ...manifest.metadata.labels, ...pairs };
    if (k.namespace && manifest.kind !== 'Namespace') manifest.metadata.namespace = k.namespace;
    for (const image of k.images ?? []) replaceImage(manifest, image);
  }
  return { resources, files };
}

function replaceImage(manifest: Manifest, image: { name: string; newName?: string; newTag?: string }) {
  const spec = (manifest.spec as { template?: { spec?: { containers?: Array<{ image: string }> } } } | undefined);
  for (const container of spec?.template?.spec?.containers ?? []) {
    const [name, tag] = container.image.split(':');
    if (name !== image.name) continue;
    container.image = `${image.newName ?? name}:${image.newTag ?? tag}`;
  }
}
