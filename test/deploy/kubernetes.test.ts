/**
 * build/deploy/kubernetes: every manifest parses, every built-in resource passes the Kubernetes OpenAPI schema
 * (kubernetes-models' validators), the production overlay resolves to a consistent set (each reference names a
 * resource that exists), the HPA and the resources are the performance guide's numbers, and the ConfigMap and the
 * Secret cover exactly the options of server/config/schema.ts.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { loadConfigWithSources } from '../../server/config/load-config.js';
import { configSchema } from '../../server/config/schema.js';
import { readYamlDocuments, resolveKustomization, type Manifest } from './kustomize.js';

const root = join(import.meta.dirname, '../../build/deploy/kubernetes');
const production = resolveKustomization(join(root, 'overlays/production'));
const all = production.resources.map((r) => r.manifest);

/** The built-in kinds the manifests use, each with its OpenAPI validator. */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
};
/** Custom resources: no schema here, so their apiVersion, kind and the fields this deployment relies on. */
const crds = new Set(['postgresql.cnpg.io/v1/Cluster']);

function find(kind: string, name: string): Manifest {
  const found = all.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the production overlay`);
  return found;
}

type Container = {
  name: string; image: string; command?: string[]; env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  resources?: unknown; securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  startupProbe?: Probe; livenessProbe?: Probe; readinessProbe?: Probe;
};
type Probe = { httpGet?: { path: string; port: string | number }; periodSeconds?: number; failureThreshold?: number };
type PodSpec = {
  containers: Container[]; terminationGracePeriodSeconds?: number; securityContext?: { runAsNonRoot?: boolean };
  affinity?: { podAntiAffinity?: { preferredDuringSchedulingIgnoredDuringExecution?: Array<{ podAffinityTerm: { topologyKey: string } }> } };
  volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
};
const podSpec = (m: Manifest) => (m.spec as { template: { spec: PodSpec } }).template.spec;
const podLabels = (m: Manifest) => (m.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

const api = find('Deployment', 'jan-server');
const apiContainer = podSpec(api).containers[0]!;
const config = find('ConfigMap', 'jan-server-config').data as Record<string, string>;
const secret = find('Secret', 'jan-server-secrets').stringData as Record<string, string>;

describe('the manifests', () => {
  it('every YAML file under build/deploy/kubernetes parses and is part of the production overlay', () => {
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []);
    const yamlFiles = walk(root);
    expect(yamlFiles.length).toBeGreaterThan(5);
    for (const file of yamlFiles) expect(() => readYamlDocuments(file), relative(root, file)).not.toThrow();
    const orphans = yamlFiles.filter((file) => !production.files.includes(file)).map((file) => relative(root, file));
    expect(orphans).toEqual([]);
  });

  it('every built-in resource passes the Kubernetes OpenAPI schema, and no kind is left unchecked', () => {
    for (const manifest of all) {
      const id = `${manifest.apiVersion}/${manifest.kind}`;
      const Model = models[id];
      if (!Model) {
        expect(crds.has(id), `${id} ${manifest.metadata.name}: neither a known built-in kind nor a known CRD`).toBe(true);
        continue;
      }
      expect(() => new Model(manifest as never).validate(), `${id} ${manifest.metadata.name}`).not.toThrow();
    }
    const names = all.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(new Set(names).size, 'duplicate resource').toBe(names.length);
  });

  it('the validator catches a schema error (so the check above can fail)', () => {
    const broken = structuredClone(api);
    (podSpec(broken).containers[0] as unknown as { ports: Array<{ containerPort: unknown }> }).ports[0]!.containerPort = 'http';
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort must be integer/);
  });

  it('the production overlay puts everything in the jan namespace with the pinned image', () => {
    for (const m of all.filter((m) => m.kind !== 'Namespace')) expect(m.metadata.namespace, `${m.kind} ${m.metadata.name}`).toBe('jan');
    expect(apiContainer.image).toBe('registry.example.com/jan-server:0.1.0');
    expect(apiContainer.command).toEqual(['node', 'build/bin/jan-server.mjs', 'serve', '--host', '0.0.0.0']);
  });
});

describe("the guide's numbers", () => {
  it('the HPA is the guide\'s, field for field (Scaling Strategies: Kubernetes Auto-Scaling)', () => {
    const hpa = find('HorizontalPodAutoscaler', 'jan-server-hpa');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'jan-server' },
      minReplicas: 3,
      maxReplicas: 50,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
      behavior: {
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }] },
      },
    });
    // The HPA alone sets the count: a `replicas` in the Deployment would reset it on every apply.
    expect((api.spec as { replicas?: number }).replicas).toBeUndefined();
  });

  it("the API container's resources are the guide's (Vertical Scaling: Resource Requests & Limits)", () => {
    expect(apiContainer.resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2000m', memory: '2Gi' } });
  });
});

describe('the API Deployment', () => {
  it('probes /healthz for startup and liveness, /readyz for readiness', () => {
    expect(apiContainer.startupProbe?.httpGet?.path).toBe('/healthz');
    expect(apiContainer.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(apiContainer.readinessProbe?.httpGet?.path).toBe('/readyz');
  });

  it('is not killed before its drain ends, and the drain outlasts the readiness probe', () => {
    const drainMs = Number(config.JAN_DRAIN_DELAY_MS);
    const shutdownMs = Number(config.JAN_SHUTDOWN_TIMEOUT_MS);
    expect(podSpec(api).terminationGracePeriodSeconds! * 1000).toBeGreaterThan(drainMs + shutdownMs);
    const probe = apiContainer.readinessProbe!;
    expect(drainMs).toBeGreaterThan(probe.periodSeconds! * probe.failureThreshold! * 1000);
  });

  it('spreads across nodes, runs as non-root on a read-only root filesystem', () => {
    const spec = podSpec(api);
    const terms = spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    expect(terms.map((t) => t.podAffinityTerm.topologyKey)).toContain('kubernetes.io/hostname');
    expect(spec.securityContext?.runAsNonRoot).toBe(true);
    expect(apiContainer.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it('has a PodDisruptionBudget and a Service that select its pods', () => {
    const labels = podLabels(api);
    const pdb = find('PodDisruptionBudget', 'jan-server').spec as { selector: { matchLabels: Record<string, string> } };
    expect(matches(pdb.selector.matchLabels, labels)).toBe(true);
    const service = find('Service', 'jan-server').spec as { selector: Record<string, string> };
    expect(matches(service.selector, labels)).toBe(true);
  });

  it('mounts the ReadWriteMany volume where JAN_MEDIA_DIR and JAN_MODELS_DIR point', () => {
    const claim = podSpec(api).volumes!.find((v) => v.persistentVolumeClaim)!.persistentVolumeClaim!.claimName;
    expect((find('PersistentVolumeClaim', claim).spec as { accessModes: string[] }).accessModes).toEqual(['ReadWriteMany']);
    const mounts = (apiContainer as unknown as { volumeMounts: Array<{ name: string; mountPath: string }> }).volumeMounts;
    const shared = mounts.find((m) => m.name === podSpec(api).volumes!.find((v) => v.persistentVolumeClaim)!.name)!;
    expect(config.JAN_MEDIA_DIR!.startsWith(`${shared.mountPath}/`)).toBe(true);
    expect(config.JAN_MODELS_DIR!.startsWith(`${shared.mountPath}/`)).toBe(true);
  });
});

describe('configuration', () => {
  const schemaEnvs = Object.values(configSchema) as Array<{ env: string; secret?: boolean }>;
  const plain = schemaEnvs.filter((s) => !s.secret).map((s) => s.env).sort();
  const secrets = schemaEnvs.filter((s) => s.secret).map((s) => s.env).sort();
  const fromSecretRefs = (apiContainer.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);

  it('the ConfigMap has every non-secret option of the schema, and nothing else', () => {
    expect(Object.keys(config).sort()).toEqual(plain);
  });

  it('every secret option comes from a Secret, never from the ConfigMap', () => {
    expect(secrets).toEqual(expect.arrayContaining(['JAN_API_KEY', 'JAN_DATABASE_URL', 'JAN_REDIS_URL', 'JAN_ENGINE_KEYS', 'JAN_HF_TOKEN']));
    expect(apiContainer.envFrom).toEqual([{ configMapRef: { name: 'jan-server-config' } }, { secretRef: { name: 'jan-server-secrets' } }]);
    for (const env of secrets) expect(env in secret || fromSecretRefs.includes(env), env).toBe(true);
    const secretKeys = Object.keys(secret).filter((k) => k.startsWith('JAN_'));
    expect(secretKeys.every((k) => secrets.includes(k)), `non-secret option in the Secret: ${secretKeys.join(', ')}`).toBe(true);
  });

  it('JAN_DATABASE_URL is the application secret of the CloudNativePG cluster (3 instances)', () => {
    const ref = apiContainer.env!.find((e) => e.name === 'JAN_DATABASE_URL')!.valueFrom!.secretKeyRef!;
    expect(ref.key).toBe('uri');
    const cluster = find('Cluster', ref.name.replace(/-app$/, ''));
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    const spec = cluster.spec as { instances: number; storage: { size: string }; bootstrap: { initdb: { database: string; owner: string } } };
    expect(spec.instances).toBeGreaterThanOrEqual(3);
    expect(spec.storage.size).toMatch(/^\d+(Gi|Ti)$/);
    expect(spec.bootstrap.initdb).toMatchObject({ database: expect.any(String), owner: expect.any(String) });
  });

  it('the server accepts the whole configuration as the pod would see it', () => {
    const env = { ...config, ...secret, JAN_DATABASE_URL: 'postgresql://jan:pw@jan-postgres-rw:5432/jan' };
    const { config: loaded } = loadConfigWithSources({ env, argv: [] });
    expect(loaded).toMatchObject({ role: 'api', host: '0.0.0.0', port: 8080, logFormat: 'json' });
  });

  it('JAN_ENGINES names the engine Service, with its key in JAN_ENGINE_KEYS and the same key on llama-server', () => {
    const [engine] = JSON.parse(config.JAN_ENGINES!) as Array<{ name: string; url: string }>;
    const url = new URL(engine!.url);
    const service = find('Service', url.hostname).spec as { selector: Record<string, string>; ports: Array<{ port: number }> };
    expect(service.ports.map((p) => p.port)).toContain(Number(url.port));
    const deployment = all.find((m) => m.kind === 'Deployment' && matches(service.selector, podLabels(m)))!;
    expect(deployment.metadata.name).toBe('jan-engine');
    const keyRef = podSpec(deployment).containers[0]!.env!.find((e) => e.name === 'LLAMA_API_KEY')!.valueFrom!.secretKeyRef!;
    expect(secret.JAN_ENGINE_KEYS).toBe(`${engine!.name}=${secret[keyRef.key]}`);
  });

  it('every ConfigMap, Secret and claim a pod uses exists (or is made by CloudNativePG)', () => {
    const generated = all.filter((m) => m.kind === 'Cluster').map((m) => `${m.metadata.name}-app`);
    for (const d of all.filter((m) => m.kind === 'Deployment')) {
      const spec = podSpec(d);
      for (const c of spec.containers) {
        for (const from of c.envFrom ?? []) {
          if (from.configMapRef) find('ConfigMap', from.configMapRef.name);
          if (from.secretRef) find('Secret', from.secretRef.name);
        }
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref && !generated.includes(ref.name)) expect(ref.key in (find('Secret', ref.name).stringData as object), `${d.metadata.name} ${ref.key}`).toBe(true);
        }
      }
      for (const v of spec.volumes ?? []) if (v.persistentVolumeClaim) find('PersistentVolumeClaim', v.persistentVolumeClaim.claimName);
    }
  });
});
