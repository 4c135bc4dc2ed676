// The step recorder both workflows fill their run status with. Workflow-side state, not contract.
import type { StepRecord } from '../contract/index.js';
import { recordStep } from './run-metrics.js';

/** A tiny mutable timeline the workflows use to record steps; `now` is injected (workflow time). */
export class Timeline {
  readonly steps: StepRecord[] = [];
  constructor(private readonly now: () => Date) {}

  start(name: string): StepRecord {
    const step: StepRecord = { name, startedAt: this.now().toISOString() };
    this.steps.push(step);
    return step;
  }

  end(step: StepRecord, outcome: StepRecord['outcome'], atlasState?: string, attempts?: number): void {
    step.endedAt = this.now().toISOString();
    step.outcome = outcome;
    if (atlasState !== undefined) step.atlasState = atlasState;
    if (attempts !== undefined) step.attempts = attempts;
    recordStep(step.name, outcome ?? 'ok', step.startedAt, step.endedAt);
  }

  /**
   * Runs one step of a run, recording it: ended ok with the Atlas state and attempts, or failed /
   * cancelled (as `isCancel` says) when it throws. The run's last Atlas state follows the step's.
   */
  async record<T extends { attempts: number }>(
    name: string,
    status: { lastAtlasState?: string },
    run: (step: StepRecord) => Promise<T>,
    state: (r: T) => string | undefined,
    isCancel: (err: unknown) => boolean,
  ): Promise<T> {
    const record = this.start(name);
    try {
      const r = await run(record);
      this.end(record, 'ok', state(r), r.attempts);
      status.lastAtlasState = state(r) ?? status.lastAtlasState;
      return r;
    } catch (err) {
      this.end(record, isCancel(err) ? 'cancelled' : 'failed');
      throw err;
    }
  }

  totalAttempts(): number {
    return this.steps.reduce((n, s) => n + (s.attempts ?? 0), 0);
  }
}
