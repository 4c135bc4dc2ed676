// SleepAwareSlots with no Temporal (unit test of the slot arithmetic; the activity context is a stub
// whose sleep ends when the test says): sleepers free working places, woken sleepers go first.
import type { Context } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { SLEEPERS_PER_SLOT, SleepAwareSlots } from '../../src/activities/sleep-slots.js';

function stubContext() {
  let wake: () => void = () => undefined;
  const ctx = { sleep: () => new Promise<void>((r) => (wake = r)) } as unknown as Context;
  return { ctx, wake: () => wake() };
}
const never = new AbortController().signal;
const tick = () => new Promise((r) => setImmediate(r));
const info = { type: 'activity', activityType: 'awaitRestore' } as const;
/** The worker marks a reserved slot used when a task arrives for it. */
const used = { slotInfo: info, permit: {} };

describe('SleepAwareSlots (unit, stub activity context)', () => {
  it('hands out `limit` working slots, and one more for each activity asleep', async () => {
    const slots = new SleepAwareSlots(2);
    const s = slots.supplier() as ReturnType<SleepAwareSlots['supplier']>;
    const ctx = { slotType: 'activity' } as never;
    await s.reserveSlot(ctx, never);
    await s.reserveSlot(ctx, never);
    s.markSlotUsed(used);
    s.markSlotUsed(used);
    expect(s.tryReserveSlot(ctx)).toBeNull();
    let third = false;
    void s.reserveSlot(ctx, never).then(() => (third = true));
    await tick();
    expect(third).toBe(false);
    const a = stubContext();
    let awake = false;
    void slots.sleep(a.ctx, 1000).then(() => (awake = true));
    await tick();
    expect(third).toBe(true); // the sleeper's place went to a new task
    s.markSlotUsed(used);
    // It wakes with both working places taken: it waits, and goes before any new task.
    a.wake();
    await tick();
    expect(awake).toBe(false);
    let fourth = false;
    void s.reserveSlot(ctx, never).then(() => (fourth = true));
    s.releaseSlot({ permit: {}, slotInfo: info });
    await tick();
    expect(awake).toBe(true);
    expect(fourth).toBe(false);
    s.releaseSlot({ permit: {}, slotInfo: info });
    await tick();
    expect(fourth).toBe(true);
  });

  it('wakes a sleeper at once when the other places are only reserved by polls waiting for a task', async () => {
    const slots = new SleepAwareSlots(2);
    const s = slots.supplier();
    const ctx = { slotType: 'activity' } as never;
    await s.reserveSlot(ctx, never);
    s.markSlotUsed(used); // the task that will sleep
    await s.reserveSlot(ctx, never); // an open poll, no task yet
    const a = stubContext();
    let awake = false;
    void slots.sleep(a.ctx, 1000).then(() => (awake = true));
    await tick();
    await s.reserveSlot(ctx, never); // its place went to another open poll
    expect(s.tryReserveSlot(ctx)).toBeNull();
    a.wake();
    await tick();
    // Both other places are polls: waiting for them to time out would read about a minute late.
    expect(awake).toBe(true);
  });

  it('holds at most limit × SLEEPERS_PER_SLOT activities however many sleep', async () => {
    const slots = new SleepAwareSlots(1);
    const s = slots.supplier();
    const ctx = { slotType: 'activity' } as never;
    for (let i = 0; i < SLEEPERS_PER_SLOT; i++) {
      expect(s.tryReserveSlot(ctx)).not.toBeNull();
      void slots.sleep(stubContext().ctx, 1000);
    }
    expect(s.tryReserveSlot(ctx)).toBeNull();
  });

  it('rejects an aborted reservation with AbortError', async () => {
    const slots = new SleepAwareSlots(1);
    const s = slots.supplier();
    const ctx = { slotType: 'activity' } as never;
    await s.reserveSlot(ctx, never);
    const abort = new AbortController();
    const pending = s.reserveSlot(ctx, abort.signal);
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
