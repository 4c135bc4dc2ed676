// Throughput of getClusterBackupSnapshot on loopback (bearer auth), bounded. Prints figures only;
// `--json` prints one JSON object instead. Target: >= 5,000 requests/s.
// `--digest [--calls N]` instead runs a digest client that takes a fresh challenge for every call
// (N calls, default 90,000) and prints req/s per tenth of the run: it must stay flat, since the
// simulator expires nonces rather than scanning every one it ever issued.
import { Agent, request } from 'undici';
import { catalog } from '../src/atlas/catalog.js';
import { chooseChallenge, DigestSession, parseDigestChallenges } from '../src/atlas/digest.js';
import { spawn } from 'node:child_process';
import { DEMO_IDS, SimulatorAdmin } from '../src/simulator/index.js';

const TOTAL = 20_000;
const CONCURRENCY = 32;
const json = process.argv.includes('--json');
const digest = process.argv.includes('--digest');
const callsArg = process.argv.indexOf('--calls');
const CALLS = callsArg > 0 ? Number(process.argv[callsArg + 1]) : 90_000;
if (!Number.isInteger(CALLS) || CALLS < 10) throw new Error('--calls: an integer >= 10');

// The simulator runs in its own process so the load generator does not share its event loop.
const child = spawn(
  process.execPath,
  ['--import', 'tsx', new URL('../src/simulator/cli.ts', import.meta.url).pathname, '--port', '0', '--no-rate-limits'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
// The simulator prints its URL and the service account it made up for this run.
const STARTUP_LINES = new RegExp(
  String.raw`listening on (\S+)[\s\S]*` +
    String.raw`MONGODB_ATLAS_CLIENT_ID=(\S+) MONGODB_ATLAS_CLIENT_SECRET=(\S+)[\s\S]*` +
    String.raw`MONGODB_ATLAS_PUBLIC_KEY=(\S+) MONGODB_ATLAS_PRIVATE_KEY=(\S+)`,
);
const [url, clientId, clientSecret, publicKey, privateKey] = (await new Promise<string[]>((resolve, reject) => {
  let buf = '';
  const timer = setTimeout(() => reject(new Error('simulator did not start within 20 s')), 20_000);
  child.stdout!.on('data', (d: Buffer) => {
    buf += d;
    const m = STARTUP_LINES.exec(buf);
    if (m) {
      clearTimeout(timer);
      resolve(m.slice(1, 6));
    }
  });
})) as [string, string, string, string, string];
const sim = { url, admin: new SimulatorAdmin(url) };
try {
  const tokenRes = await fetch(`${sim.url}/api/oauth/token`, {
    method: 'POST',
    body: 'grant_type=client_credentials',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
  });
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  const { id } = await sim.admin.addScheduledSnapshot({
    groupId: DEMO_IDS.projectId,
    clusterName: DEMO_IDS.replicaSet,
  });
  const path = catalog.getClusterBackupSnapshot.path
    .replace('{groupId}', DEMO_IDS.projectId)
    .replace('{clusterName}', DEMO_IDS.replicaSet)
    .replace('{snapshotId}', id);
  if (digest) {
    await digestRun(url, path, publicKey, privateKey);
    process.exitCode = 0;
  } else {
    const dispatcher = new Agent({ connections: CONCURRENCY, pipelining: 1 });
    const headers = {
      authorization: `Bearer ${token}`,
      accept: `application/vnd.atlas.${catalog.getClusterBackupSnapshot.version}+json`,
    };
    const latencies: number[] = [];
    let next = 0;
    let failures = 0;
    const worker = async () => {
      while (next < TOTAL) {
        next++;
        const t0 = performance.now();
        const res = await request(`${sim.url}${path}`, { headers, dispatcher });
        await res.body.text();
        if (res.statusCode !== 200) failures++;
        latencies.push(performance.now() - t0);
      }
    };
    for (let i = 0; i < 500; i++) {
      const r = await request(`${sim.url}${path}`, { headers, dispatcher });
      await r.body.text();
    } // warm-up
    const start = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
    const result = {
      operation: 'getClusterBackupSnapshot',
      requests: latencies.length,
      concurrency: CONCURRENCY,
      failures,
      seconds: +seconds.toFixed(3),
      requestsPerSecond: Math.round(latencies.length / seconds),
      p50ms: +pct(0.5).toFixed(3),
      p99ms: +pct(0.99).toFixed(3),
      targetRequestsPerSecond: 5000,
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(
        `getClusterBackupSnapshot on loopback, bearer auth, ${result.requests} requests, concurrency ${CONCURRENCY}`,
      );
      console.log(
        `  throughput ${result.requestsPerSecond} req/s (target >= 5000), ` +
          `p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, failures ${failures}`,
      );
    }
    await dispatcher.close();
  }
} finally {
  child.kill('SIGTERM');
}

/** Each call: an unauthenticated request for a fresh challenge, then the digest-authorised one. */
async function digestRun(base: string, path: string, user: string, password: string): Promise<void> {
  const dispatcher = new Agent({ connections: CONCURRENCY, pipelining: 1 });
  const accept = `application/vnd.atlas.${catalog.getClusterBackupSnapshot.version}+json`;
  const slice = Math.max(1, Math.floor(CALLS / 10));
  const slices: number[] = [];
  let next = 0;
  let done = 0;
  let failures = 0;
  let sliceStart = performance.now();
  const call = async () => {
    const first = await request(`${base}${path}`, { headers: { accept }, dispatcher });
    await first.body.text();
    const challenge = chooseChallenge(parseDigestChallenges(String(first.headers['www-authenticate'] ?? '')));
    if (!challenge) throw new Error(`no digest challenge (status ${first.statusCode})`);
    const authorization = new DigestSession(user, password, challenge).authorize('GET', path);
    const res = await request(`${base}${path}`, { headers: { accept, authorization }, dispatcher });
    await res.body.text();
    if (res.statusCode !== 200) failures++;
  };
  const worker = async () => {
    while (next < CALLS) {
      next++;
      await call();
      done++;
      if (done % slice === 0) {
        const now = performance.now();
        slices.push(Math.round(slice / ((now - sliceStart) / 1000)));
        sliceStart = now;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  const result = {
    mode: 'digest, fresh challenge per call',
    calls: CALLS,
    concurrency: CONCURRENCY,
    failures,
    seconds: +seconds.toFixed(1),
    callsPerSecond: Math.round(CALLS / seconds),
    perTenth: slices,
    lastToFirst: +((slices.at(-1) ?? 0) / (slices[0] ?? 1)).toFixed(2),
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(
      'getClusterBackupSnapshot, digest auth with a fresh challenge per call (2 requests each), ' +
        `${CALLS} calls, concurrency ${CONCURRENCY}`,
    );
    console.log(
      `  ${result.callsPerSecond} calls/s overall; per tenth of the run: ${slices.join(', ')} calls/s ` +
        `(last/first ${result.lastToFirst}); failures ${failures}`,
    );
  }
  await dispatcher.close();
}
