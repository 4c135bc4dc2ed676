// Types of bin/worker-thread.js (plain JavaScript, so the bin's main thread loads no TypeScript).
import type { ResourceLimits } from 'node:worker_threads';

export declare const WORKER_THREAD_LIMITS: Readonly<{ maxOldGenerationSizeMb: 256; maxYoungGenerationSizeMb: 12 }>;
export declare const GLOBAL_SWITCHES: readonly string[];
export declare function workerThreadLimits(env: NodeJS.ProcessEnv, execArgv?: string[]): ResourceLimits | undefined;
export declare function ownThreadLimits(): ResourceLimits | undefined;
export declare function commandOf(args: readonly string[]): string | undefined;
export declare function threadEntry(module: string, options?: { tsxApi?: string; call?: string }): URL;
export declare function runInThread(
  entry: URL,
  options: { env: NodeJS.ProcessEnv; limits: ResourceLimits; argv?: string[]; onMessage?: (message: unknown) => void },
): Promise<number>;
export declare function shutdownRequested(): Promise<void>;
