// State file persistence: load at start, save (debounced, atomically) on change and at stop.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { emptyState, type SimState } from './model/types.js';

export function loadState(path: string): SimState | undefined {
  if (!existsSync(path)) return undefined;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<SimState> & { version?: number };
  return { ...emptyState(), ...raw };
}

export function saveState(path: string, state: SimState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ version: 1, ...state }));
  renameSync(tmp, path);
}

export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private path: string,
    private state: () => SimState,
  ) {}
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, 50);
    this.timer.unref();
  }
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    saveState(this.path, this.state());
  }
}
