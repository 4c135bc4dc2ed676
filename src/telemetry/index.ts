// The worker's telemetry, called from one place in src/worker.ts: install the Runtime (JSON logs,
// Prometheus exporter) before any connection exists, then start the visibility-derived gauges.
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Runtime, type NativeConnection } from '@temporalio/worker';
import { LastSuccessGauges } from './last-success.js';
import type { TelemetryConfig } from './runtime.js';

export { JsonLogger, LOG_LEVELS, redact, redactText } from './logging.js';
export { atlasObserver, DEFAULT_TELEMETRY, installRuntime, type TelemetryConfig } from './runtime.js';
export { LastSuccessGauges } from './last-success.js';

export interface WorkerTelemetry {
  stop(): void;
}

/** With metrics on: the last-success (RPO) gauges, read from visibility now and every refresh. */
export function startWorkerTelemetry(
  config: { telemetry?: TelemetryConfig; temporal: { namespace: string } },
  connection: NativeConnection,
  dataConverter?: DataConverter,
): WorkerTelemetry {
  const t = config.telemetry;
  if (!t?.metricsAddress) return { stop() {} };
  const runtime = Runtime.instance();
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    ...(dataConverter ? { dataConverter } : {}),
  });
  const gauges = new LastSuccessGauges({
    client,
    meter: runtime.metricMeter,
    logger: runtime.logger,
    refreshSeconds: t.rpoRefreshSeconds,
  });
  gauges.start();
  runtime.logger.info(`metrics: Prometheus endpoint on http://${t.metricsAddress}/metrics`, {
    event: 'metrics.started',
  });
  return { stop: () => gauges.stop() };
}
