// Throughput of getClusterBackupSnapshot on loopback (bearer auth), bounded. Prints figures only;
// `--json` prints one JSON object instead. Target: >= 5,000 requests/s.
import { Agent, request } from 'undici';
import { catalog } from '../src/atlas/catalog.js';
import { spawn } from 'node:child_process';
import { DEMO_IDS, SimulatorAdmin } from '../src/simulator/index.js';

const TOTAL = 20_000;
const CONCURRENCY = 32;
const json = process.argv.includes('--json');

// The simulator runs in its own process so the load generator does not share its event loop.
const child = spawn(process.execPath, ['--import', 'tsx', new URL('../src/simulator/cli.ts', import.meta.url).pathname, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
// The simulator prints its URL and the service account it made up for this run.
const [url, clientId, clientSecret] = await new Promise<[string, string, string]>((resolve, reject) => {
  let buf = '';
  const timer = setTimeout(() => reject(new Error('simulator did not start within 20 s')), 20_000);
  child.stdout!.on('data', (d: Buffer) => {
    buf += d;
    const m = /listening on (\S+)[\s\S]*MONGODB_ATLAS_CLIENT_ID=(\S+) MONGODB_ATLAS_CLIENT_SECRET=(\S+)/.exec(buf);
    if (m) { clearTimeout(timer); resolve([m[1]!, m[2]!, m[3]!]); }
  });
});
const sim = { url, admin: new SimulatorAdmin(url) };
try {
  const tokenRes = await fetch(`${sim.url}/api/oauth/token`, {
    method: 'POST', body: 'grant_type=client_credentials',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  const { id } = await sim.admin.addScheduledSnapshot({ groupId: DEMO_IDS.projectId, clusterName: DEMO_IDS.replicaSet });
  const path = catalog.getClusterBackupSnapshot.path.replace('{groupId}', DEMO_IDS.projectId)
    .replace('{clusterName}', DEMO_IDS.replicaSet).replace('{snapshotId}', id);
  const dispatcher = new Agent({ connections: CONCURRENCY, pipelining: 1 });
  const headers = { authorization: `Bearer ${token}`, accept: `application/vnd.atlas.${catalog.getClusterBackupSnapshot.version}+json` };
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
  for (let i = 0; i < 500; i++) { const r = await request(`${sim.url}${path}`, { headers, dispatcher }); await r.body.text(); } // warm-up
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  const result = {
    operation: 'getClusterBackupSnapshot', requests: latencies.length, concurrency: CONCURRENCY, failures,
    seconds: +seconds.toFixed(3), requestsPerSecond: Math.round(latencies.length / seconds),
    p50ms: +pct(0.5).toFixed(3), p99ms: +pct(0.99).toFixed(3), targetRequestsPerSecond: 5000,
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`getClusterBackupSnapshot on loopback, bearer auth, ${result.requests} requests, concurrency ${CONCURRENCY}`);
    console.log(`  throughput ${result.requestsPerSecond} req/s (target >= 5000), p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, failures ${failures}`);
  }
  await dispatcher.close();
} finally {
  child.kill('SIGTERM');
}
