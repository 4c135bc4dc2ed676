// Installs a pinned Python tool from PyPI into its own virtualenv under .tools/: CI machines start
// empty, and a project-local venv keeps the machine's Python untouched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface VenvTool {
  /** The pip requirement, e.g. `moto[server]==5.2.5`. */
  requirement: string;
  /** The venv's folder name under .tools/. */
  dir: string;
  /** The command the tool installs into the venv's bin/. */
  command: string;
}

export function venvPath(tool: VenvTool): string {
  return join(projectRoot, '.tools', tool.dir);
}

export function venvBin(tool: VenvTool): string {
  return join(venvPath(tool), 'bin', tool.command);
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** The tool's command, installing it first unless it is there already. */
export function ensureVenvTool(tool: VenvTool): string {
  const bin = venvBin(tool);
  if (existsSync(bin)) return bin;
  const venv = venvPath(tool);
  mkdirSync(dirname(venv), { recursive: true });
  // A venv left half-made by an interrupted install would otherwise be mistaken for a broken tool.
  rmSync(venv, { recursive: true, force: true });
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'python'), [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--quiet',
    tool.requirement,
  ]);
  if (!existsSync(bin)) throw new Error(`${tool.requirement} did not install ${tool.command} at ${bin}`);
  return bin;
}

/** The body of a provisioning script: install, say so once, or explain how to do it by hand. */
export function provisionFromCli(tool: VenvTool): void {
  try {
    const had = existsSync(venvBin(tool));
    const bin = ensureVenvTool(tool);
    if (!had) console.log(`Installed ${tool.requirement} at ${bin}`);
  } catch (err) {
    const venv = venvPath(tool);
    console.error(
      `${(err as Error).message}\nInstall it by hand: ` +
        `python3 -m venv ${venv} && ${venv}/bin/pip install '${tool.requirement}'`,
    );
    process.exit(1);
  }
}
