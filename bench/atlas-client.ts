// Benchmark: N GETs of getClusterBackupSnapshot against the Atlas simulator on loopback, with
// bearer and with digest auth, beside Node's global fetch making the same calls with the same
// auth headers. Prints requests/s, p50/p99 latency and HTTP round trips per API call.
// The simulator runs in a child process so client and server do not share an event loop.
//
//   node --import tsx bench/atlas-client.ts [--json] [--n 10000] [--concurrency 16]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AtlasClient, chooseChallenge, DigestSession, parseDigestChallenges, catalog } from '../src/atlas/index.js';

// Made up per run and handed to the --serve child through its environment; never committed.
const SA = {
  clientId: 'mdb_sa_id_bench',
  clientSecret: process.env.BENCH_SA_SECRET ?? `mdb_sa_sk_${randomBytes(12).toString('hex')}`,
};
const KEY = { publicKey: 'benchpub', privateKey: process.env.BENCH_KEY_SECRET ?? randomBytes(12).toString('hex') };

interface Target {
  url: string;
  groupId: string;
  clusterName: string;
  snapshotId: string;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1 || v > 1_000_000) throw new Error(`--${name} must be an integer from 1 to 1000000`);
  return v;
}

/** Child mode: start the simulator, seed one completed snapshot, print where it is. */
async function serve(): Promise<void> {
  const { startSimulator } = await import('../src/simulator/index.js');
  const sim = await startSimulator({
    auth: { serviceAccounts: [SA], apiKeys: [KEY] },
    // A throughput bench: Atlas's token buckets would turn most of it into 429s.
    rateLimits: { enabled: false },
  });
  const { id: groupId } = await sim.admin.seedProject();
  await sim.admin.seedCluster({ groupId, name: 'bench0', kind: 'replicaSet' });
  const { id: snapshotId } = await sim.admin.addScheduledSnapshot({ groupId, clusterName: 'bench0' });
  process.stdout.write(`${JSON.stringify({ url: sim.url, groupId, clusterName: 'bench0', snapshotId })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void sim.stop().then(() => process.exit(0)));
}

interface Result {
  name: string;
  calls: number;
  failures: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  roundTripsPerCall: number;
}

/** Runs `n` calls with `concurrency` workers; `call` returns how many HTTP exchanges it made. */
async function measure(name: string, n: number, concurrency: number, call: () => Promise<number>): Promise<Result> {
  const latencies = new Float64Array(n);
  let next = 0;
  let trips = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        try {
          const made = await call(); // read `trips` only after the await, or updates get lost
          trips += made;
        } catch {
          failures += 1;
        }
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return {
    name,
    calls: n,
    failures,
    seconds: round(seconds),
    requestsPerSecond: Math.round(n / seconds),
    p50Ms: round(pct(0.5)),
    p99Ms: round(pct(0.99)),
    roundTripsPerCall: round(trips / n, 4),
  };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

async function viaClient(
  name: string,
  t: Target,
  n: number,
  c: number,
  auth: ConstructorParameters<typeof AtlasClient>[0]['auth'],
) {
  const client = new AtlasClient({ baseUrl: t.url, auth });
  const path = { groupId: t.groupId, clusterName: t.clusterName, snapshotId: t.snapshotId };
  try {
    await client.request('getClusterBackupSnapshot', { path }); // warm-up: token / challenge, sockets
    const before = client.stats.httpRoundTrips;
    const r = await measure(name, n, c, async () => {
      await client.request('getClusterBackupSnapshot', { path });
      return 0;
    });
    r.roundTripsPerCall = round((client.stats.httpRoundTrips - before) / n, 4);
    return r;
  } finally {
    await client.close();
  }
}

async function viaFetch(name: string, t: Target, n: number, c: number, kind: 'bearer' | 'digest') {
  const accept = `application/vnd.atlas.${catalog.getClusterBackupSnapshot.version}+json`;
  const uri = `/api/atlas/v2/groups/${t.groupId}/clusters/${t.clusterName}/backup/snapshots/${t.snapshotId}`;
  let token = '';
  let session: DigestSession | undefined;
  const once = async (): Promise<number> => {
    const headers: Record<string, string> = { accept };
    if (kind === 'bearer') headers.authorization = `Bearer ${token}`;
    else if (session) headers.authorization = session.authorize('GET', uri);
    let res = await fetch(t.url + uri, { headers });
    let trips = 1;
    if (res.status === 401 && kind === 'digest') {
      await res.arrayBuffer();
      const ch = chooseChallenge(
        parseDigestChallenges(res.headers.get('www-authenticate')?.split(/,\s*(?=Digest )/) ?? []),
      );
      if (ch) session = new DigestSession(KEY.publicKey, KEY.privateKey, ch);
      headers.authorization = (session as DigestSession).authorize('GET', uri);
      res = await fetch(t.url + uri, { headers });
      trips += 1;
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    await res.json();
    return trips;
  };
  if (kind === 'bearer') {
    const basic = Buffer.from(`${SA.clientId}:${SA.clientSecret}`).toString('base64');
    const res = await fetch(`${t.url}/api/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  }
  await once();
  return measure(name, n, c, once);
}

async function main(): Promise<void> {
  if (process.argv.includes('--serve')) return serve();
  const n = arg('n', 10_000);
  const concurrency = arg('concurrency', 16);
  const asJson = process.argv.includes('--json');
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_SA_SECRET: SA.clientSecret, BENCH_KEY_SECRET: KEY.privateKey },
  });
  try {
    const lines = createInterface({ input: child.stdout! });
    const [line] = (await once(lines, 'line')) as [string];
    const target = JSON.parse(line) as Target;
    // Untimed calls first, so neither contender pays for the server's JIT warm-up.
    await viaClient('warm-up', target, Math.min(n, 2_000), concurrency, { kind: 'serviceAccount', ...SA });
    const results: Result[] = [];
    for (const kind of ['bearer', 'digest'] as const) {
      results.push(await viaFetch(`fetch ${kind}`, target, n, concurrency, kind));
      results.push(
        await viaClient(
          `AtlasClient ${kind}`,
          target,
          n,
          concurrency,
          kind === 'bearer' ? { kind: 'serviceAccount', ...SA } : { kind: 'apiKey', ...KEY },
        ),
      );
    }
    if (asJson) {
      console.log(JSON.stringify({ n, concurrency, node: process.version, results }, null, 2));
    } else {
      console.log(
        `getClusterBackupSnapshot x ${n}, concurrency ${concurrency}, ${process.version}, simulator on loopback`,
      );
      console.log('name                  req/s    p50 ms   p99 ms   round trips/call  failures');
      for (const r of results) {
        console.log(
          `${r.name.padEnd(20)} ${String(r.requestsPerSecond).padStart(6)} ${r.p50Ms.toFixed(2).padStart(8)} ${r.p99Ms
            .toFixed(2)
            .padStart(8)} ${r.roundTripsPerCall.toFixed(4).padStart(17)} ${String(r.failures).padStart(9)}`,
        );
      }
    }
  } finally {
    child.stdin?.end();
    await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 2_000))]);
    if (child.exitCode === null) child.kill();
  }
}

await main();
