// Traces, configured by the standard OTEL_* variables and off when no OTLP endpoint is set:
// Temporal's OpenTelemetry plugin (client start, workflow and activity spans, context carried in
// Temporal headers) plus our Atlas HTTP spans (atlas-spans.ts), exported over OTLP/HTTP (JSON).
import { createRequire } from 'node:module';
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import { tracesUrl } from './otel-env.js';
import { processEnv } from '../config.js';

export { tracesUrl } from './otel-env.js';

/**
 * The workflow interceptors the plugin adds to a bundle it builds. A prebuilt bundle must include
 * them itself: bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [TRACING_WORKFLOW_MODULE] }).
 */
export const TRACING_WORKFLOW_MODULE = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

export interface Tracing {
  /** For Worker.create and Client (plugins: [plugin]). */
  plugin: OpenTelemetryPlugin;
  /** Where spans go (for the start-up line): the traces URL without credentials or query. */
  endpoint: string;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
  /**
   * Runs `fn` inside one active span: every span made meanwhile (a start, each poll's describe and
   * query) joins its trace, so a command is one trace, not one per client call.
   */
  inSpan<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

type Env = Record<string, string | undefined>;

/**
 * Starts tracing when OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT) is set; undefined otherwise.
 * Registers the global tracer provider (with async context, so Atlas spans nest under their
 * activity's span). OTEL_SERVICE_NAME names the service (default atlas-backup-worker); the
 * exporter reads OTEL_EXPORTER_OTLP_HEADERS / _TIMEOUT itself.
 */
export function startTracingFromEnv(
  env: Env = processEnv(),
  defaultService = 'atlas-backup-worker',
): Tracing | undefined {
  const url = tracesUrl(env);
  if (!url) return undefined;
  const resource = Resource.default().merge(
    new Resource({ 'service.name': env.OTEL_SERVICE_NAME?.trim() || defaultService }),
  );
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const u = new URL(url);
  return {
    plugin: new OpenTelemetryPlugin({ resource, spanProcessor }),
    endpoint: `${u.protocol}//${u.host}${u.pathname}`,
    shutdown: () => provider.shutdown(),
    inSpan: (name, fn) =>
      provider.getTracer('atlas-backup').startActiveSpan(name, async (span) => {
        try {
          return await fn();
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
          throw err;
        } finally {
          span.end();
        }
      }),
  };
}
