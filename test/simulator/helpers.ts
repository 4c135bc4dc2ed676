// Test helpers: a tiny Atlas caller over real HTTP that validates every response it receives.
import { catalog, type OperationId } from '../../src/atlas/catalog.js';
import {
  DEFAULT_SERVICE_ACCOUNT,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';
import { validateResponse } from './openapi-validator.js';

export const FAST: Partial<SimulatorOptions> = {
  durations: {
    snapshotQueued: 100,
    snapshotInProgress: 150,
    exportQueued: 30,
    exportPerCollection: 20,
    exportTotalCollections: 4,
    restoreAutomated: 120,
    restoreDownload: 60,
    restorePointInTime: 120,
    serverlessSnapshot: 40,
    serverlessRestore: 60,
    flexPending: 20,
    flexQueued: 20,
    flexRunning: 40,
  },
};

// Response bodies are checked against the OpenAPI schemas, then read field by field in tests.
export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
  text: string;
}

export async function fetchToken(url: string, creds = DEFAULT_SERVICE_ACCOUNT): Promise<Reply> {
  const res = await fetch(`${url}/api/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const text = await res.text();
  const body = JSON.parse(text);
  validateResponse('oauthToken', res.status, body);
  return { status: res.status, body, headers: res.headers, text };
}

export class Atlas {
  constructor(
    readonly sim: RunningSimulator,
    readonly token?: string,
  ) {}

  static async connect(sim: RunningSimulator): Promise<Atlas> {
    return new Atlas(sim, (await fetchToken(sim.url)).body.access_token);
  }

  path(op: OperationId, params: Record<string, string>): string {
    return catalog[op].path.replace(/\{(\w+)\}/g, (_, k: string) => {
      if (params[k] === undefined) throw new Error(`missing path param ${k}`);
      return encodeURIComponent(params[k]);
    });
  }

  async call(
    op: OperationId,
    params: Record<string, string>,
    o: {
      body?: unknown;
      query?: Record<string, string>;
      version?: string | null;
      headers?: Record<string, string>;
      signal?: AbortSignal;
    } = {},
  ): Promise<Reply> {
    const info = catalog[op];
    const qs = o.query ? `?${new URLSearchParams(o.query)}` : '';
    const headers: Record<string, string> = {
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      ...o.headers,
    };
    if (o.version !== null) headers.accept = `application/vnd.atlas.${o.version ?? info.version}+json`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.sim.url}${this.path(op, params)}${qs}`, {
      method: info.method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      signal: o.signal,
    });
    const text = await res.text();
    const body = text ? JSON.parse(text) : undefined;
    // Every response a test receives is checked against the spec (envelopes unwrapped first).
    if (o.query?.envelope === 'true') {
      const inner = info.list && body.status < 400 ? (({ status: _s, ...rest }) => rest)(body) : body.content;
      validateResponse(op, body.status, inner);
    } else {
      validateResponse(op, res.status, body);
    }
    return { status: res.status, body, headers: res.headers, text };
  }
}

export async function startFast(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({
    serverlessLegacy: true,
    ...FAST,
    ...opts,
    durations: { ...FAST.durations, ...opts.durations },
  });
}

/** Polls `fn` until `done` holds, bounded. */
export async function until<T>(fn: () => Promise<T>, done: (v: T) => boolean, maxMs = 5_000): Promise<T> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const v = await fn();
    if (done(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${maxMs} ms: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
