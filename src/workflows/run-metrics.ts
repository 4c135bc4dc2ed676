// Run and step metrics, emitted from workflow code through the SDK's workflow meter: the SDK adds
// namespace, task queue and workflow type, skips them during replay, and serves them from the
// worker's Prometheus endpoint. Emitting commands nothing, so old histories replay unchanged.
import { log, metricMeter } from '@temporalio/workflow';
import { METRICS } from '../contract/index.js';

export function recordRunStarted(): void {
  metricMeter.createCounter(METRICS.runsStarted, '1', 'Runs started').add(1);
  log.info('run started', { event: 'run.started' });
}

export function recordStep(name: string, outcome: string, startedAt: string, endedAt: string): void {
  const seconds = Math.max(0, (Date.parse(endedAt) - Date.parse(startedAt)) / 1000);
  metricMeter
    .createHistogram(METRICS.stepSeconds, 'float', 's', 'Step duration, start to end')
    .record(seconds, { step: name, outcome });
  const meta = { event: 'step.ended', step: name, outcome, seconds };
  if (outcome === 'failed') log.warn(`step ${name} ${outcome}`, meta);
  else log.info(`step ${name} ${outcome}`, meta);
}

export function recordRunEnded(outcome: string, recoverySeconds?: number): void {
  metricMeter.createCounter(METRICS.runsEnded, '1', 'Runs ended, by outcome').add(1, { outcome });
  if (recoverySeconds !== undefined) {
    metricMeter
      .createHistogram(METRICS.drRecoverySeconds, 'float', 's', 'DR trigger to end of run')
      .record(recoverySeconds, { outcome });
  }
  const meta = { event: 'run.ended', outcome, ...(recoverySeconds !== undefined ? { recoverySeconds } : {}) };
  if (outcome === 'failed') log.warn(`run ${outcome}`, meta);
  else log.info(`run ${outcome}`, meta);
}
