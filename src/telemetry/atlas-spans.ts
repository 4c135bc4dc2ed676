// One OpenTelemetry client span per Atlas HTTP round trip: method, route template, status and
// Atlas errorCode. The route is the operation's template ({groupId}…), never the filled path or a
// query string, so no id, token or signed URL reaches a trace. Without a tracer provider (tracing
// off) @opentelemetry/api hands out no-op spans.
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = () => trace.getTracer('atlas-backup-orchestrator/atlas');

/** Atlas errors carry `errorCode` in their JSON body; only a code-shaped value is kept. */
function errorCodeOf(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { errorCode?: unknown } | null)?.errorCode;
    return typeof code === 'string' && /^[A-Z0-9_]{1,80}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

export async function traceAtlasCall<R extends { status: number; text: string }>(
  operation: string,
  method: string,
  route: string,
  call: () => Promise<R>,
): Promise<R> {
  return tracer().startActiveSpan(
    `${method} ${route}`,
    {
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': method, 'url.template': route, 'atlas.operation': operation },
    },
    async (span) => {
      try {
        const res = await call();
        span.setAttribute('http.response.status_code', res.status);
        const errorCode = res.status >= 400 ? errorCodeOf(res.text) : undefined;
        if (errorCode) span.setAttribute('atlas.error_code', errorCode);
        if (res.status >= 400)
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode ?? `HTTP ${res.status}` });
        return res;
      } catch (err) {
        // Transport failures (AtlasApiError NETWORK_ERROR / TIMEOUT): the code, not the message.
        const errorCode = (err as { errorCode?: unknown }).errorCode;
        if (typeof errorCode === 'string') span.setAttribute('atlas.error_code', errorCode);
        span.setStatus({ code: SpanStatusCode.ERROR, message: typeof errorCode === 'string' ? errorCode : 'error' });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
