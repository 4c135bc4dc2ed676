// Activity slots a wait does not hold while it sleeps before its first read. A wait's first attempt
// after the run's own create sleeps one polling interval in the attempt (poll-once.ts), so that every
// activity task still makes one Atlas request (the project's pace counts tasks). Sleeping in a fixed
// slot, though, keeps the worker's slots full of waits that do nothing: with many runs started
// together, reads and creates queue behind sleepers. This supplier hands out slots while fewer than
// `limit` activities are working (not sleeping); a sleeper that wakes works again only when one of
// the `limit` places is free (before any new task), so `limit` still bounds the Atlas requests in
// flight, and at most `limit × SLEEPERS_PER_SLOT` activities are held at once. A place counts as
// taken for a woken sleeper only once a task uses it: the worker reserves a slot for each poll it
// has open, and an idle poll gives its slot back only when it times out (about a minute), so a
// sleeper waiting on idle polls' reservations would read a minute late on a quiet worker. It may
// then briefly run beside tasks those polls bring: at most one per open poll over `limit`.
import { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory, ActivitySlotInfo, CustomSlotSupplier, SlotPermit } from '@temporalio/worker';

/** How many sleeping activities each working slot may have beside it: they cost a timer and a promise. */
export const SLEEPERS_PER_SLOT = 10;

const slotsOf = new WeakMap<Context, SleepAwareSlots>();

export class SleepAwareSlots {
  private held = 0;
  /** Reserved slots a task is using (the rest are reserved for polls still waiting for a task). */
  private used = 0;
  private sleeping = 0;
  private readonly waiting: { grant: () => void }[] = [];
  /** Sleepers that woke while every working place was taken: they go before new tasks. */
  private readonly waking: (() => void)[] = [];

  constructor(readonly limit: number) {}

  private working(): number {
    return this.held - this.sleeping;
  }

  /** A woken sleeper may work again: fewer than `limit` tasks work (idle polls' reservations aside). */
  private mayResume(): boolean {
    return this.used - this.sleeping < this.limit;
  }

  private free(): boolean {
    return this.working() < this.limit && this.waking.length === 0 && this.held < this.limit * SLEEPERS_PER_SLOT;
  }

  private grantWaiting(): void {
    while (this.waking.length > 0 && this.mayResume()) {
      this.sleeping--;
      this.waking.shift()!();
    }
    while (this.waiting.length > 0 && this.free()) {
      this.held++;
      this.waiting.shift()!.grant();
    }
  }

  /** The worker's activity slot supplier (WorkerOptions.tuner.activityTaskSlotSupplier). */
  supplier(): CustomSlotSupplier<ActivitySlotInfo> {
    return {
      type: 'custom',
      reserveSlot: (_ctx, abort) =>
        new Promise<SlotPermit>((resolve, reject) => {
          if (this.free()) {
            this.held++;
            return resolve({});
          }
          const entry = { grant: () => resolve({}) };
          this.waiting.push(entry);
          abort.addEventListener('abort', () => {
            const i = this.waiting.indexOf(entry);
            if (i < 0) return;
            this.waiting.splice(i, 1);
            const err = new Error('slot reservation aborted');
            err.name = 'AbortError';
            reject(err);
          });
        }),
      tryReserveSlot: () => {
        if (!this.free()) return null;
        this.held++;
        return {};
      },
      markSlotUsed: () => {
        this.used++;
      },
      releaseSlot: (ctx) => {
        this.held--;
        if (ctx.slotInfo) this.used--;
        this.grantWaiting();
      },
    };
  }

  /** Registers each activity's context with these slots (WorkerOptions.interceptors.activity). */
  interceptor(): ActivityInterceptorsFactory {
    return (ctx) => {
      slotsOf.set(ctx, this);
      return {};
    };
  }

  /** Sleeps `ms` in the current activity without counting against the working slots. */
  async sleep(ctx: Context, ms: number): Promise<void> {
    this.sleeping++;
    this.grantWaiting();
    try {
      await ctx.sleep(ms);
    } catch (err) {
      this.sleeping--;
      this.grantWaiting();
      throw err;
    }
    // Awake: back to work once a working place is free (the waking sleeper counts as sleeping till then).
    if (this.waking.length === 0 && this.mayResume()) {
      this.sleeping--;
      return;
    }
    await new Promise<void>((resume) => this.waking.push(resume));
  }
}

/** Sleeps in the current activity; off its worker's working slots when the worker uses SleepAwareSlots. */
export function sleepOffSlot(ms: number): Promise<void> {
  const ctx = Context.current();
  const slots = slotsOf.get(ctx);
  return slots ? slots.sleep(ctx, ms) : ctx.sleep(ms);
}
