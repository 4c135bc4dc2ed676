// The worker's memory knobs: which workflow bundle it loads and how many runs it caches.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, inject } from 'vitest';
import { ConfigError } from '../src/config.js';
import {
  bundlesAtStart,
  checkoutBundle,
  workflowThreadHeapFlags,
  WORKFLOW_THREAD_V8_FLAGS,
  WORKER_THREAD_LIMITS,
  workerThreadLimits,
  DEFAULT_MAX_CACHED_WORKFLOWS,
  maxCachedWorkflowsFromEnv,
  prebuiltBundlePath,
  workflowBundleFromEnv,
} from '../src/worker-memory.js';

const memoryModule = fileURLToPath(new URL('../src/worker-memory.ts', import.meta.url));

describe('worker memory knobs', () => {
  it('loads the bundle ATLAS_BACKUP_WORKFLOW_BUNDLE names, and bundles at start with "none"', () => {
    const codePath = inject('workflowBundlePath');
    expect(workflowBundleFromEnv({ ATLAS_BACKUP_WORKFLOW_BUNDLE: codePath })).toEqual({ codePath });
    expect(workflowBundleFromEnv({ ATLAS_BACKUP_WORKFLOW_BUNDLE: 'none' })).toBeUndefined();
  });

  it('never loads a prebuilt bundle when running from src/, so tests and tsx run fresh workflow code', () => {
    expect(prebuiltBundlePath).toBeUndefined();
    expect(workflowBundleFromEnv({})).toBeUndefined();
  });

  it('from a checkout, bundles in a child process once per code version and reuses that bundle', async () => {
    const dirs = [fileURLToPath(new URL('../src/workflows', import.meta.url))];
    const cacheDir = mkdtempSync(join(tmpdir(), 'atlas-backup-cache-'));
    const first = await checkoutBundle(dirs, cacheDir);
    expect(first.codePath.startsWith(cacheDir)).toBe(true);
    expect(readFileSync(first.codePath, 'utf8')).toContain('backupPipeline');
    const made = statSync(first.codePath).mtimeMs;
    const again = await checkoutBundle(dirs, cacheDir);
    expect(again).toEqual(first);
    expect(statSync(again.codePath).mtimeMs).toBe(made);
    // Other code, another bundle.
    const other = await checkoutBundle([fileURLToPath(new URL('../src/contract', import.meta.url))], cacheDir);
    expect(other.codePath).not.toBe(first.codePath);
    // The same code bundled with other options (another preload list), another bundle.
    const otherRecipe = await checkoutBundle(dirs, cacheDir, JSON.stringify({ preloadModules: ['x'] }));
    expect(otherRecipe.codePath).not.toBe(first.codePath);
    expect(bundlesAtStart({ ATLAS_BACKUP_WORKFLOW_BUNDLE: 'none' })).toBe(true);
    expect(bundlesAtStart({})).toBe(false);
  }, 240_000);

  it('runs the worker in a thread with heap limits unless the process was started with heap flags', () => {
    expect(workerThreadLimits({}, [])).toEqual(WORKER_THREAD_LIMITS);
    expect(workerThreadLimits({ NODE_OPTIONS: '--require x.cjs' }, ['--enable-source-maps'])).toEqual(
      WORKER_THREAD_LIMITS,
    );
    expect(workerThreadLimits({ NODE_OPTIONS: '--max-old-space-size=512' }, [])).toBeUndefined();
    expect(workerThreadLimits({}, ['--max-semi-space-size=8'])).toBeUndefined();
    // 12 MB of young generation is three 4 MB semi-spaces, the Docker image's --max-semi-space-size.
    expect(WORKER_THREAD_LIMITS.maxYoungGenerationSizeMb / 3).toBe(4);
  });

  it("gives workflow threads the image's heap limits unless the process was started with its own", () => {
    expect(workflowThreadHeapFlags({}, [])).toEqual(WORKFLOW_THREAD_V8_FLAGS);
    expect(workflowThreadHeapFlags({ NODE_OPTIONS: '--max-old-space-size=512' }, [])).toEqual([]);
    expect(workflowThreadHeapFlags({}, ['--max-semi-space-size=8'])).toEqual([]);
    // In a process of its own: a worker thread made after the call has the capped heap, the main one not.
    const threadScript =
      "import v8 from 'node:v8'; import { parentPort } from 'node:worker_threads'; " +
      'parentPort.postMessage(v8.getHeapStatistics().heap_size_limit / 1048576);';
    const script = [
      `const { capWorkflowThreadHeaps } = await import(${JSON.stringify(memoryModule)});`,
      "const { Worker } = await import('node:worker_threads');",
      'const mb = () => require("node:v8").getHeapStatistics().heap_size_limit / 1048576;',
      'capWorkflowThreadHeaps({}, []);',
      `const w = new Worker(new URL(${JSON.stringify(`data:text/javascript,${encodeURIComponent(threadScript)}`)}));`,
      "w.on('message', (m) => { console.log(JSON.stringify({ thread: m, main: mb() })); process.exit(0); });",
    ].join('\n');
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);\n${script}`,
      ],
      { encoding: 'utf8' },
    );
    const { thread, main } = JSON.parse(out.trim().split('\n').at(-1)!) as { thread: number; main: number };
    expect(thread).toBeLessThan(256);
    expect(main).toBeGreaterThan(256);
  }, 60_000);

  it('refuses a bundle path that does not exist, naming the variable and not the value', () => {
    const env = { ATLAS_BACKUP_WORKFLOW_BUNDLE: '/nowhere/secret-ish/bundle.js' };
    expect(() => workflowBundleFromEnv(env)).toThrow(ConfigError);
    expect(() => workflowBundleFromEnv(env)).toThrow(/ATLAS_BACKUP_WORKFLOW_BUNDLE: no such file/);
    expect(() => workflowBundleFromEnv(env)).not.toThrow(/nowhere/);
  });

  it('caches WORKER_MAX_CACHED_WORKFLOWS runs (default 1000) and refuses anything but a whole number', () => {
    expect(maxCachedWorkflowsFromEnv({})).toBe(DEFAULT_MAX_CACHED_WORKFLOWS);
    expect(maxCachedWorkflowsFromEnv({ WORKER_MAX_CACHED_WORKFLOWS: '40' })).toBe(40);
    for (const bad of ['0', '1.5', 'lots'])
      expect(() => maxCachedWorkflowsFromEnv({ WORKER_MAX_CACHED_WORKFLOWS: bad })).toThrow(
        /WORKER_MAX_CACHED_WORKFLOWS: must be a whole number/,
      );
  });
});
