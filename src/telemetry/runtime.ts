// The worker's telemetry set-up, in one place: the Temporal Runtime with our JSON logger (the SDK's
// core logs forwarded to it too) and, when WORKER_METRICS_ADDRESS is set, the SDK's own Prometheus
// exporter. Our metrics go through the SDK's meters, so everything is served from that one endpoint.
import { asyncLocalStorage } from '@temporalio/activity';
import { IllegalStateError, type LogLevel, type Logger, type MetricMeter } from '@temporalio/common';
import { makeTelemetryFilterString, Runtime, type RuntimeOptions } from '@temporalio/worker';
import type { AtlasExchange, AtlasObserver } from '../atlas/index.js';
import { JsonLogger } from './logging.js';
import { HISTOGRAM_BUCKETS, METRICS } from '../contract/index.js';

export interface TelemetryConfig {
  /** host:port for the Prometheus endpoint (/metrics); undefined: no metrics served. */
  metricsAddress?: string;
  logLevel: LogLevel;
  /** How often the last-success gauges are re-read from visibility, seconds. */
  rpoRefreshSeconds: number;
  /** How often the gauges read every cluster Atlas lists, seconds; undefined: only clusters our runs name. */
  estateRefreshSeconds?: number;
  /** The pace of those reads, Atlas requests per minute per project (ATLAS_PROJECT_REQUESTS_PER_MINUTE). */
  projectRequestsPerMinute?: number;
}

export const DEFAULT_TELEMETRY: TelemetryConfig = { logLevel: 'INFO', rpoRefreshSeconds: 60 };

/**
 * Installs the process's Temporal Runtime. Must run before any NativeConnection or Worker is made
 * (the SDK creates a default Runtime on first use and it cannot be replaced afterwards): returns
 * false, changing nothing, when the process already has one.
 */
export function installRuntime(
  config: TelemetryConfig,
  logger: Logger = new JsonLogger({ level: config.logLevel }),
): boolean {
  try {
    Runtime.install(runtimeOptions(config, logger));
    return true;
  } catch (err) {
    if (err instanceof IllegalStateError) return false;
    throw err;
  }
}

function runtimeOptions(config: TelemetryConfig, logger: Logger): RuntimeOptions {
  // Core's DEBUG is a firehose of workflow-machine internals: our DEBUG gets its INFO, TRACE gets all.
  const core = config.logLevel === 'TRACE' ? 'TRACE' : config.logLevel === 'DEBUG' ? 'INFO' : 'WARN';
  const prometheus = config.metricsAddress
    ? { bindAddress: config.metricsAddress, histogramBucketOverrides: HISTOGRAM_BUCKETS }
    : undefined;
  return {
    logger,
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core, other: 'ERROR' }), forward: {} },
      ...(prometheus ? { metrics: { prometheus } } : {}),
    },
  };
}

/** Labels stay low-cardinality and id-free: operation ids, status codes and Atlas error codes only. */
function labels(e: AtlasExchange): Record<string, string> {
  return {
    operation: e.operation,
    http_status: e.httpStatus !== undefined ? String(e.httpStatus) : 'none',
    error_code: e.errorCode ?? 'none',
  };
}

/**
 * The Atlas client's observer: request metrics on the Runtime's meter, and one log line per call
 * through the activity's logger when inside an activity (it adds workflow id, run id, activity).
 */
export function atlasObserver(meter: MetricMeter = Runtime.instance().metricMeter): AtlasObserver {
  const requests = meter.createCounter(METRICS.atlasRequests, '1', 'Atlas Admin API requests');
  const latency = meter.createHistogram(METRICS.atlasRequestSeconds, 'float', 's', 'Atlas request latency');
  const limited = meter.createCounter(METRICS.atlasRateLimited, '1', 'Atlas 429 answers');
  const waits = meter.createCounter(METRICS.atlasRetryAfterSeconds, 's', 'Seconds Atlas asked us to wait');
  return (e) => {
    const tags = labels(e);
    requests.add(1, tags);
    latency.record(e.durationMs / 1000, { operation: e.operation });
    if (e.httpStatus === 429) limited.add(1, { operation: e.operation });
    // Counters take whole numbers; Retry-After is whole seconds in practice.
    if (e.retryAfterSeconds !== undefined) waits.add(Math.ceil(e.retryAfterSeconds), { operation: e.operation });
    const ctx = asyncLocalStorage.getStore();
    const log = ctx?.log ?? Runtime.instance().logger;
    const outcome = e.errorCode ? 'error' : 'ok';
    const meta = {
      event: 'atlas.request',
      // The same run key as workflow lines (the SDK's activity logger calls it workflowRunId).
      ...(ctx?.info.workflowExecution ? { runId: ctx.info.workflowExecution.runId } : {}),
      atlasOperation: e.operation,
      route: e.route,
      httpStatus: e.httpStatus,
      errorCode: e.errorCode,
      durationMs: Math.round(e.durationMs),
      outcome,
    };
    if (outcome === 'ok') log.debug(`Atlas ${e.operation} ${e.httpStatus ?? ''}`.trim(), meta);
    else log.warn(`Atlas ${e.operation} failed: ${e.httpStatus ?? ''} ${e.errorCode}`.trim(), meta);
  };
}
