// The flags every command that starts a run shares (--id, --wait, --json) and its action's first
// steps: the globals, and the caller's id checked before anything starts.
import type { Command } from 'commander';
import type { GlobalFlags } from './connect.js';
import { act } from './errors.js';
import { checkIdFlag } from './ids.js';

export interface StartFlags {
  id?: string;
  wait?: boolean;
  json?: boolean;
}

/** What a start command says about its flags: the id's default, what --wait follows, and examples. */
export interface StartTexts {
  /** The id's placeholder in help (default workflowId). */
  idName?: string;
  id: string;
  wait: string;
  json: string;
  examples: string;
}

/** Adds --id/--wait/--json and the examples to `cmd`; `start` runs with the flags and the globals. */
export function startCommand<F extends StartFlags>(
  cmd: Command,
  texts: StartTexts,
  start: (flags: F, globals: GlobalFlags) => Promise<number>,
): Command {
  return cmd
    .option(`--id <${texts.idName ?? 'workflowId'}>`, texts.id)
    .option('-w, --wait', texts.wait)
    .option('--json', texts.json)
    .addHelpText('after', texts.examples)
    .action(
      act(async (flags: F, c: Command) => {
        checkIdFlag(flags.id);
        return start(flags, c.optsWithGlobals<GlobalFlags>());
      }),
    );
}
