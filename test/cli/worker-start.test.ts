// How bin/atlas-backup.js starts `atlas-backup worker` without heap flags: it finds the command with
// commandOf (no CLI loaded) and hands the command line to a worker thread, which runs the CLI with
// only that command, so the process's main thread holds neither the CLI's modules nor tsx. The real
// worker runs in test/cli/worker-thread.test.ts.
import { describe, expect, it } from 'vitest';
import { commandOf, GLOBAL_SWITCHES } from '../../bin/worker-thread.js';
import { buildProgram } from '../../src/cli/main.js';
import { runCli } from './helpers.js';

describe('the bin finds the command without loading the CLI', () => {
  it('skips global options and their values', () => {
    expect(commandOf(['worker'])).toBe('worker');
    expect(commandOf(['--address', 'localhost:7233', '--namespace', 'prod', 'worker', '--build-id', 'b1'])).toBe(
      'worker',
    );
    expect(commandOf(['--address=localhost:7233', '-v', 'worker'])).toBe('worker');
    expect(commandOf(['--verbose', '--task-queue', 'worker', 'backup'])).toBe('backup');
    expect(commandOf(['backup', '-c', 'worker'])).toBe('backup');
    expect(commandOf(['--', 'worker'])).toBe('worker');
    expect(commandOf(['--help'])).toBeUndefined();
    expect(commandOf([])).toBeUndefined();
  });

  it("knows exactly the CLI's global options that take no value", () => {
    const switches = buildProgram()
      .options.filter((o) => !o.required && !o.optional)
      .flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
    // commander adds -h/--help itself, outside the options list.
    expect([...switches, '-h', '--help'].sort()).toEqual([...GLOBAL_SWITCHES].sort());
  });

  it("keeps the CLI and tsx out of the process's main thread (its heap) and exits with the thread's code", async () => {
    // Loaded before the bin in the main thread (and, as the thread inherits the Node options, in the
    // worker thread, where it stays silent): prints the main thread's heap as the process exits.
    const probe =
      "import { isMainThread } from 'node:worker_threads';" +
      'const heap = () => `main heap ${process.memoryUsage().heapUsed}\\n`;' +
      "if (isMainThread) process.on('exit', () => process.stderr.write(heap()));";
    // No heap flags, and no Atlas credentials (an undefined variable is left out of the child's environment).
    const atlas = Object.keys(process.env).filter((name) => name.startsWith('MONGODB_ATLAS_'));
    const env = { NODE_OPTIONS: '', ...Object.fromEntries(atlas.map((name) => [name, undefined])) };
    const nodeArgs = ['--import', `data:text/javascript,${encodeURIComponent(probe)}`];
    const r = await runCli(['worker'], { env, nodeArgs });
    // The CLI, in the thread, refused the missing credentials: exit 2 naming them, as an in-process worker does.
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('MONGODB_ATLAS_CLIENT_ID');
    const used = Number(/main heap (\d+)/.exec(r.stderr)?.[1]) / 2 ** 20;
    // The CLI alone takes over 20 MB of heap under tsx; the bin with the thread's start code about 5.
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(12);
  });
});
