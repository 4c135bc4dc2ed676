// The worker's telemetry, called from one place in src/worker.ts: install the Runtime (JSON logs,
// Prometheus exporter) before any connection exists, then start the visibility-derived gauges.
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Runtime, type NativeConnection } from '@temporalio/worker';
import type { AtlasClient } from '../atlas/index.js';
import { readEstate } from '../client/estate.js';
import { PacedReads } from '../client/paced-reads.js';
import { LastSuccessGauges } from './last-success.js';
import type { TelemetryConfig } from './runtime.js';

export { JsonLogger, LOG_LEVELS, redact, redactText } from './logging.js';
export { atlasObserver, DEFAULT_TELEMETRY, installRuntime, type TelemetryConfig } from './runtime.js';
export { LastSuccessGauges } from './last-success.js';

export interface WorkerTelemetry {
  stop(): void;
}

/**
 * With metrics on: the last-success (RPO) gauges, read from visibility now and every refresh, and,
 * with an estate refresh set and the worker's Atlas client given, from every cluster Atlas lists.
 */
export function startWorkerTelemetry(
  config: { telemetry?: TelemetryConfig; temporal: { namespace: string } },
  connection: NativeConnection,
  dataConverter?: DataConverter,
  atlas?: AtlasClient,
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
    ...(atlas && t.estateRefreshSeconds
      ? {
          estate: {
            refreshSeconds: t.estateRefreshSeconds,
            read: async () => {
              const reads = new PacedReads(atlas, { requestsPerMinute: t.projectRequestsPerMinute });
              return (await readEstate(reads)).clusters;
            },
          },
        }
      : {}),
  });
  gauges.start();
  runtime.logger.info(`metrics: Prometheus endpoint on http://${t.metricsAddress}/metrics`, {
    event: 'metrics.started',
  });
  return { stop: () => gauges.stop() };
}
