// Replays a Dockerfile stage without Docker: its WORKDIR, ENV/ARG, COPY and RUN instructions
// (parsed with dockerfile-ast), files taken from the build context exactly as `docker build` would
// see it (.dockerignore applied with @balena/dockerignore, Docker's own matching rules), RUN
// commands executed with `sh -c` in the stage's working directory. A dependency install (`npm ci`,
// `npm install ...`) is replaced by a hard-linked copy of the repository's node_modules (only the
// production tree for `--omit=dev`), and `npm cache clean` is skipped (it would empty this
// machine's npm cache); every other command runs.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { basename, dirname, join, posix, relative } from 'node:path';
import { createRequire } from 'node:module';
import { Arg, Cmd, Copy, DockerfileParser, Entrypoint, Env, type Instruction } from 'dockerfile-ast';

// A CommonJS module whose typings declare an ES default export: required, so both agree on its shape.
const ignore = createRequire(import.meta.url)('@balena/dockerignore') as typeof import('@balena/dockerignore').default;

export type Step =
  | { kind: 'workdir'; path: string }
  | { kind: 'env'; vars: Record<string, string> }
  | { kind: 'copy'; sources: string[]; dest: string; from?: string }
  | { kind: 'run'; command: string };

export interface Stage {
  /** The `AS name` of its FROM, if any. */
  name?: string;
  image: string;
  steps: Step[];
  /** ENTRYPOINT and CMD in JSON (exec) form: what `docker run` starts. */
  entrypoint?: string[];
  cmd?: string[];
}

const expand = (v: string, vars: Record<string, string>) =>
  v.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => vars[a ?? b!] ?? '');

function step(i: Instruction): Step | undefined {
  const keyword = i.getKeyword();
  if (keyword === 'WORKDIR') return { kind: 'workdir', path: i.getArgumentsContent()!.trim() };
  if (keyword === 'RUN') return { kind: 'run', command: i.getArgumentsContent()! };
  if (i instanceof Env || i instanceof Arg) {
    const props = i instanceof Env ? i.getProperties() : [i.getProperty()].filter((p) => p !== null);
    return { kind: 'env', vars: Object.fromEntries(props.map((p) => [p.getName(), p.getValue() ?? ''])) };
  }
  if (i instanceof Copy) {
    if (i.getJSONStrings().length > 0) throw new Error(`JSON-form COPY is not replayed: ${i.getTextContent()}`);
    const args = i.getArguments().map((a) => a.getValue());
    const from = i.getFromFlag()?.getValue() ?? undefined;
    return { kind: 'copy', sources: args.slice(0, -1), dest: args.at(-1)!, ...(from ? { from } : {}) };
  }
  return undefined;
}

/** The stages of a Dockerfile, in order. */
export function parseStages(text: string): Stage[] {
  const dockerfile = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  for (const i of dockerfile.getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      const args = i.getArguments().map((a) => a.getValue());
      stages.push({ image: args[0]!, ...(args[2] ? { name: args[2] } : {}), steps: [] });
      continue;
    }
    const current = stages.at(-1)!;
    if (i instanceof Entrypoint || i instanceof Cmd) {
      const exec = i.getJSONStrings().map((a) => a.getJSONValue());
      if (exec.length === 0) throw new Error(`shell-form ${i.getKeyword()} is not replayed: ${i.getTextContent()}`);
      current[i instanceof Entrypoint ? 'entrypoint' : 'cmd'] = exec;
      continue;
    }
    const s = step(i);
    if (s) current.steps.push(s);
  }
  return stages;
}

/** The build context's files as `docker build` sends them: .dockerignore applied. */
export class BuildContext {
  private readonly ig = ignore();
  constructor(readonly root: string) {
    const file = join(root, '.dockerignore');
    if (existsSync(file)) this.ig.add(readFileSync(file, 'utf8'));
  }

  /** Throws as `docker build` does when a COPY source is absent or left out by .dockerignore. */
  check(rel: string): void {
    if (/[*?[]/.test(rel)) throw new Error(`COPY source ${rel}: wildcards are not replayed`);
    const p = posix.normalize(rel).replace(/^\.?\/+/, '');
    if (!existsSync(join(this.root, p)) || (p !== '.' && this.ig.ignores(p)))
      throw new Error(`COPY failed: ${rel} not found in the build context (missing, or excluded by .dockerignore)`);
  }

  /** Copies a context path to `dest` (a directory's contents, minus what .dockerignore excludes). */
  copy(rel: string, dest: string): void {
    const p = posix.normalize(rel).replace(/^\.?\/+/, '');
    const src = join(this.root, p);
    if (!statSync(src).isDirectory()) {
      mkdirSync(join(dest, '..'), { recursive: true });
      cpSync(src, dest);
      return;
    }
    mkdirSync(dest, { recursive: true });
    for (const entry of readdirSync(src)) {
      const child = p === '.' ? entry : `${p}/${entry}`;
      if (!this.ig.ignores(child)) this.copy(child, join(dest, entry));
    }
  }
}

export interface ReplayOptions {
  context: BuildContext;
  /** Where the stage's filesystem root is laid out ("/app" becomes `${rootDir}/app`). */
  rootDir: string;
  /** Filesystem roots of earlier stages, by name, for COPY --from. */
  stages?: Record<string, string>;
  /** node_modules to hard-link in place of a dependency install. */
  nodeModules: string;
}

export interface RunRecord {
  command: string;
  status: number | null;
  output: string;
}

const DEPENDENCY_INSTALL = /^npm (ci|install)(\s|$)/;
const OMIT_DEV = /\s--omit[= ]dev(\s|$)/;
const CACHE_CLEAN = /^npm cache clean(\s|$)/;

/** Hard-links a directory tree (symlinks copied as symlinks), leaving out nested node_modules if asked. */
function linkTree(src: string, dest: string, skipNodeModules: boolean): void {
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(src, { withFileTypes: true })) {
    if (skipNodeModules && entry.name === 'node_modules') continue;
    const from = join(src, entry.name);
    const to = join(dest, entry.name);
    if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (entry.isDirectory()) linkTree(from, to, false);
    else linkSync(from, to);
  }
}

/**
 * Stands in for `npm ci`/`npm install` from the lock: the repository's node_modules hard-linked, all
 * of it, or with `--omit=dev` only the packages `npm ls --omit=dev` lists (the production tree).
 */
function installDependencies(part: string, cwd: string, nodeModules: string): string | undefined {
  if (!existsSync(join(cwd, 'package-lock.json'))) return 'no package-lock.json to install from';
  if (!OMIT_DEV.test(part)) {
    const link = spawnSync('cp', ['-al', nodeModules, join(cwd, 'node_modules')], { encoding: 'utf8' });
    return link.status === 0 ? undefined : `hard-linking node_modules: ${link.stderr}`;
  }
  const root = dirname(nodeModules);
  const ls = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' });
  if (ls.status !== 0) return `npm ls --omit=dev failed: ${ls.stderr}`;
  for (const pkg of ls.stdout.split('\n').filter((p) => p.startsWith(`${nodeModules}/`)))
    linkTree(pkg, join(cwd, relative(root, pkg)), true);
  return undefined;
}

/** Runs one RUN line's `&&`-joined commands, substituting the dependency install. */
function runCommand(command: string, cwd: string, env: Record<string, string>, nodeModules: string): RunRecord {
  const parts = command.split('&&').map((c) => c.trim());
  const outputs: string[] = [];
  for (const part of parts) {
    if (CACHE_CLEAN.test(part)) continue;
    if (DEPENDENCY_INSTALL.test(part)) {
      const problem = installDependencies(part, cwd, nodeModules);
      if (problem) return { command, status: 1, output: problem };
      continue;
    }
    const r = spawnSync('sh', ['-c', part], { cwd, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    outputs.push(`${r.stdout}${r.stderr}`);
    if (r.status !== 0) return { command, status: r.status, output: outputs.join('\n') };
  }
  return { command, status: 0, output: outputs.join('\n') };
}

/** Lays out and runs one stage; stops at the first failing RUN (as `docker build` does). */
export function replayStage(
  stage: Stage,
  opts: ReplayOptions,
): { runs: RunRecord[]; workdir: string; env: Record<string, string> } {
  let workdir = '/';
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' };
  const runs: RunRecord[] = [];
  const host = (p: string) => join(opts.rootDir, posix.resolve(workdir, p));
  for (const s of stage.steps) {
    if (s.kind === 'workdir') {
      workdir = posix.resolve(workdir, s.path);
      mkdirSync(host('.'), { recursive: true });
    } else if (s.kind === 'env') {
      for (const [k, v] of Object.entries(s.vars)) env[k] = expand(v, env);
    } else if (s.kind === 'copy') {
      const intoDir = s.dest.endsWith('/') || s.sources.length > 1;
      for (const src of s.sources) {
        if (s.from) {
          const fromRoot = opts.stages?.[s.from];
          if (!fromRoot) throw new Error(`COPY --from=${s.from}: no such stage replayed`);
          cpSync(join(fromRoot, src), intoDir ? join(host(s.dest), basename(src)) : host(s.dest), { recursive: true });
          continue;
        }
        opts.context.check(src);
        opts.context.copy(
          src,
          intoDir && !statSync(join(opts.context.root, src)).isDirectory()
            ? join(host(s.dest), basename(src))
            : host(s.dest),
        );
      }
    } else {
      const record = runCommand(s.command, host('.'), env, opts.nodeModules);
      runs.push(record);
      if (record.status !== 0) break;
    }
  }
  return { runs, workdir: host('.'), env };
}
