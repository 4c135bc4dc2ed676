// The S3 API that exports land in: moto's server mode (PyPI, pinned, in a venv under .tools/), started
// on 127.0.0.1 on a free port, or an S3-compatible endpoint the caller already runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { ensureVenvTool, provisionFromCli, venvBin, type VenvTool } from '../venv-tool.js';

export const MOTO_VERSION = '5.2.5';
export const MOTO: VenvTool = {
  requirement: `moto[server]==${MOTO_VERSION}`,
  dir: `moto-${MOTO_VERSION}`,
  command: 'moto_server',
};

/** Where an S3 API answers and how to sign for it (moto accepts any key pair). */
export interface S3Endpoint {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RunningS3 extends S3Endpoint {
  stop(): Promise<void>;
}

export const motoInstalled = (): boolean => existsSync(venvBin(MOTO));

export function s3Client(e: S3Endpoint): S3Client {
  return new S3Client({
    endpoint: e.endpoint,
    region: e.region,
    forcePathStyle: true,
    credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey },
  });
}

/** Starts moto's S3 server on 127.0.0.1 (port 0: the OS picks one, which moto prints). */
export async function startMotoS3(opts: { install?: boolean; startTimeoutMs?: number } = {}): Promise<RunningS3> {
  const bin = opts.install ? ensureVenvTool(MOTO) : venvBin(MOTO);
  if (!existsSync(bin)) throw new Error(`moto ${MOTO_VERSION} is not installed (run: npm run pretest)`);
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    const endpoint = await announcedUrl(child, opts.startTimeoutMs ?? 60_000);
    return {
      endpoint,
      region: 'us-east-1',
      accessKeyId: 'simulator',
      secretAccessKey: 'simulator',
      stop: () => stopChild(child, killOnExit),
    };
  } catch (e) {
    await stopChild(child, killOnExit);
    throw e;
  }
}

/** The URL moto prints once it listens ("Running on http://127.0.0.1:PORT"). */
function announcedUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`moto_server did not start in ${timeoutMs} ms: ${seen}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4_000);
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (!m) return;
      clearTimeout(timer);
      resolveUrl(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited (${code ?? signal}) before listening: ${seen}`));
    });
  });
}

function stopChild(child: ChildProcess, killOnExit: () => void): Promise<void> {
  process.removeListener('exit', killOnExit);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

// `node --import tsx src/simulator/data/s3-server.ts` provisions moto (run by scripts/bootstrap.mjs).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) provisionFromCli(MOTO);
