// deploy/k8s/worker.yaml, validated against the Kubernetes API's OpenAPI schemas (kubernetes-models'
// generated validators: types, required fields, enums, formats; like kubeconform without -strict,
// unknown fields pass, so the fields that matter are asserted by value below), and checked against
// what the worker and docker-compose.yml expect.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../src/config.js';
import { ROOT } from './helpers.js';

const docs = parseAllDocuments(readFileSync(join(ROOT, 'deploy/k8s/worker.yaml'), 'utf8')).map(
  (d) => d.toJS() as { kind: string },
);
const deployment = new Deployment(docs.find((d) => d.kind === 'Deployment') as object);
const pdb = new PodDisruptionBudget(docs.find((d) => d.kind === 'PodDisruptionBudget') as object);
const pod = deployment.spec!.template;
const container = pod.spec!.containers[0]!;
const composeWorker = (
  parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { environment: Record<string, string>; stop_grace_period: string }>;
  }
).services.worker!;

describe('deploy/k8s/worker.yaml', () => {
  it('holds a Deployment and a PodDisruptionBudget that validate against the Kubernetes schemas', () => {
    expect(docs.map((d) => d.kind)).toEqual(['Deployment', 'PodDisruptionBudget']);
    expect(() => deployment.validate()).not.toThrow();
    expect(() => pdb.validate()).not.toThrow();
  });

  it('the validator rejects a malformed Deployment (it is not a no-op)', () => {
    const broken = structuredClone(docs[0]) as unknown as { spec: { template: { spec: Record<string, unknown> } } };
    broken.spec.template.spec.terminationGracePeriodSeconds = '60s';
    expect(() => new Deployment(broken as object).validate()).toThrow(/terminationGracePeriodSeconds must be integer/);
  });

  it('names the build once: image tag = name suffix = version label, which the worker reads as its build id', () => {
    const build = deployment.metadata!.labels!['app.kubernetes.io/version']!;
    expect(container.image!.endsWith(`:${build}`)).toBe(true);
    expect(deployment.metadata!.name).toBe(`atlas-backup-worker-${build}`);
    expect(pod.metadata!.labels!['app.kubernetes.io/version']).toBe(build);
    const buildEnv = container.env!.find((e) => e.name === 'ATLAS_BACKUP_BUILD_ID');
    expect(buildEnv?.valueFrom?.fieldRef?.fieldPath).toBe("metadata.labels['app.kubernetes.io/version']");
    expect(container.env!.find((e) => e.name === 'ATLAS_BACKUP_DEPLOYMENT_NAME')?.value).toBe('atlas-backup');
  });

  it("shuts down gracefully: the pod's grace period is the compose stack's stop grace", () => {
    expect(container.args).toEqual(['worker']);
    expect(pod.spec!.terminationGracePeriodSeconds).toBe(Number.parseInt(composeWorker.stop_grace_period, 10));
    expect(deployment.spec!.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
  });

  it('exposes the metrics port the worker serves, with scrape annotations, and a liveness probe on it', () => {
    const metrics = container.ports!.find((p) => p.name === 'metrics')!;
    const address = container.env!.find((e) => e.name === 'WORKER_METRICS_ADDRESS')?.value;
    expect(address).toBe(`0.0.0.0:${metrics.containerPort}`);
    expect(pod.metadata!.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(metrics.containerPort),
      'prometheus.io/path': '/metrics',
    });
    expect(container.livenessProbe?.httpGet).toMatchObject({ path: '/metrics', port: 'metrics' });
    expect(container.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources?.limits?.memory).toBeDefined();
  });

  it("guards the build's pods with its PodDisruptionBudget", () => {
    expect(pdb.spec!.selector!.matchLabels).toEqual(deployment.spec!.selector.matchLabels);
    expect(pod.metadata!.labels).toMatchObject(deployment.spec!.selector.matchLabels!);
    expect(pdb.spec!.maxUnavailable).toBe(1);
    expect(deployment.spec!.replicas).toBeGreaterThan(1);
  });

  it("sets only variables the compose worker sets, secrets from a Secret, and the worker's loader accepts it", () => {
    const names = container.env!.map((e) => e.name);
    for (const n of names) expect(Object.keys(composeWorker.environment), n).toContain(n);
    for (const secret of ['MONGODB_ATLAS_CLIENT_SECRET', 'MONGODB_ATLAS_PRIVATE_KEY', 'ATLAS_BACKUP_CODEC_KEYS'])
      expect(container.env!.find((e) => e.name === secret)?.valueFrom?.secretKeyRef?.name, secret).toBe('atlas-backup');
    // With the Secret's service-account keys filled in, the plain values make a valid worker config.
    const env = Object.fromEntries(container.env!.flatMap((e) => (e.value !== undefined ? [[e.name, e.value]] : [])));
    const config = loadWorkerConfig({ ...env, MONGODB_ATLAS_CLIENT_ID: 'id', MONGODB_ATLAS_CLIENT_SECRET: 'secret' });
    expect(config.atlas.auth.kind).toBe('serviceAccount');
    expect(config.taskQueue).toBe(composeWorker.environment.TEMPORAL_TASK_QUEUE);
  });
});
