// Whether tracing is on, from the standard OTEL_* variables alone: light enough for every CLI start
// (the OpenTelemetry SDK is only loaded when it is on).
type Env = Record<string, string | undefined>;

/** The OTLP/HTTP traces URL from the standard variables, or undefined when tracing is off. */
export function tracesUrl(env: Env): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (env.OTEL_TRACES_EXPORTER?.split(',').some((e) => e.trim() === 'none')) return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}
