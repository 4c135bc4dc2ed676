// `npm run bench`: every benchmark in bench/ (each *.ts beside this file, found at run time), one
// after another so they never compete for the machine's two cores. Not part of `npm test`.
//
//   npm run bench [-- [--json] [--quick] [name ...]]
//
// --json   each bench prints JSON; this prints one object keyed by bench name ({ error } for a bench
//          that failed, { output } for one without --json).
// --quick  smaller runs, for a smoke check that every bench still works (figures are rougher).
// name     run only these benches (file names without .ts).
// Exits 1 if any bench failed, after running the rest.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const SELF = basename(fileURLToPath(import.meta.url));

/** Smaller runs per bench for --quick, in flags that bench parses; a new bench may read --quick itself. */
const QUICK_ARGS: Record<string, string[]> = {
  'atlas-client': ['--n', '1000', '--concurrency', '8'],
  'fault-storm': ['--pipelines', '5'],
  pipeline: ['--runs', '1'],
  simulator: [],
};

interface Options {
  json: boolean;
  quick: boolean;
  only: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { json: false, quick: false, only: [] };
  for (const a of argv) {
    if (a === '--json') options.json = true;
    else if (a === '--quick') options.quick = true;
    else if (a.startsWith('-')) throw new Error(`bench/run.ts: unknown flag ${a}; use --json, --quick and bench names`);
    else options.only.push(a.replace(/\.ts$/, ''));
  }
  return options;
}

/** The bench files in bench/ (not lib/, not this runner), sorted by name. */
function discover(only: string[]): { name: string; path: string; source: string }[] {
  const all = readdirSync(BENCH_DIR, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && e.name !== SELF && !e.name.endsWith('.d.ts'))
    .map((e) => ({ name: e.name.slice(0, -3), path: join(BENCH_DIR, e.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const unknown = only.filter((n) => !all.some((b) => b.name === n));
  if (unknown.length > 0) {
    throw new Error(`bench/run.ts: no bench named ${unknown.join(', ')}; have ${all.map((b) => b.name).join(', ')}`);
  }
  return all
    .filter((b) => only.length === 0 || only.includes(b.name))
    .map((b) => ({ ...b, source: readFileSync(b.path, 'utf8') }));
}

/** Flags this bench understands: --json and --quick only where its source reads them. */
function argsFor(name: string, source: string, options: Options): string[] {
  const args: string[] = [];
  if (options.json && source.includes("'--json'")) args.push('--json');
  if (options.quick) args.push(...(QUICK_ARGS[name] ?? (source.includes("'--quick'") ? ['--quick'] : [])));
  return args;
}

/** Runs one bench under tsx; in JSON mode its stdout is captured, otherwise shown as it comes. */
function runBench(path: string, args: string[], capture: boolean): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], {
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout }));
  });
}

/** A bench's JSON: its whole output, or else the last line that parses. */
function parseJson(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    for (const line of stdout.trim().split('\n').reverse()) {
      try {
        return JSON.parse(line);
      } catch {
        // not this line
      }
    }
    return { output: stdout };
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const benches = discover(options.only);
  const results: Record<string, unknown> = {};
  let failed = 0;
  for (const bench of benches) {
    const args = argsFor(bench.name, bench.source, options);
    if (!options.json) console.log(`\n=== bench/${bench.name}.ts ${args.join(' ')}`.trimEnd());
    const started = performance.now();
    const { code, stdout } = await runBench(bench.path, args, options.json);
    const seconds = +((performance.now() - started) / 1000).toFixed(1);
    if (code !== 0) {
      failed++;
      results[bench.name] = { error: `exited with code ${code}`, seconds };
      process.stderr.write(`bench/run.ts: ${bench.name} exited with code ${code}\n`);
    } else if (options.json) {
      results[bench.name] = parseJson(stdout);
    } else {
      console.log(`=== ${bench.name}: ${seconds} s`);
    }
  }
  if (options.json) console.log(JSON.stringify(results, null, 2));
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  },
);
