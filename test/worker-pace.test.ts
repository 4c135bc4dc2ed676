// Unit tests of the workflows' pacing sink with a stand-in pacer (no server, no Atlas): a workflow
// task waits for its project's buckets, but never past LEARN_WAIT_MS, and without a pacer not at all.
import type { WorkflowInfo } from '@temporalio/workflow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BucketPacer } from '../src/client/bucket-pace.js';
import { LEARN_WAIT_MS, paceSinks } from '../src/worker-pace.js';

const info = {} as WorkflowInfo;
const pacerWith = (ensure: (groupId: string) => Promise<void>) => ({ ensure }) as unknown as BucketPacer;

afterEach(() => vi.useRealTimers());

describe('paceSinks (stand-in pacer)', () => {
  it('completes the workflow task once the project is learned', async () => {
    let learned!: () => void;
    const ensure = vi.fn(() => new Promise<void>((r) => (learned = r)));
    let done = false;
    const call = Promise.resolve(paceSinks(pacerWith(ensure)).atlasPacing.project.fn(info, 'g1')).then(
      () => (done = true),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(ensure).toHaveBeenCalledWith('g1');
    expect(done).toBe(false);
    learned();
    await call;
    expect(done).toBe(true);
  });

  it('stops waiting after LEARN_WAIT_MS when learning hangs, inside the workflow task timeout', async () => {
    vi.useFakeTimers();
    let done = false;
    const hanging = pacerWith(() => new Promise<void>(() => undefined));
    const call = Promise.resolve(paceSinks(hanging).atlasPacing.project.fn(info, 'g1')).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(LEARN_WAIT_MS - 1);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await call;
    expect(done).toBe(true);
    expect(LEARN_WAIT_MS).toBeLessThan(10_000);
  });

  it('does nothing without a pacer, and is never called in replay', async () => {
    const sink = paceSinks().atlasPacing.project;
    await expect(Promise.resolve(sink.fn(info, 'g1'))).resolves.toBeUndefined();
    expect(sink.callDuringReplay).toBe(false);
  });
});
