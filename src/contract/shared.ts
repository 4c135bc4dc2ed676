// Schemas built once per workflow context instead of once per workflow run.
//
// The worker runs every workflow in one reusable V8 context, but each run evaluates its own copy of
// the modules it imports. For the contract that would mean building every zod schema again for each
// run, on the workflow thread every run shares, and keeping a copy of every schema per cached run.
//
// Temporal's way to share a module between the runs of a context is the bundle option
// `preloadModules` (WORKFLOW_BUNDLER_OPTIONS in src/worker.ts preloads this module, and with it zod).
// The SDK deep-freezes what a preloaded module exports, and zod schemas cache their parts lazily on
// themselves (a frozen schema throws on its first parse), so the contract cannot be preloaded as it
// is. This module exports only functions (freezing a function does not freeze what it closes over),
// and the contract's schema constants come from `shared`: the first run of a context builds each
// schema, every later run gets the same object.
//
// Safe because the shared values are pure: schemas, built from constants, whose only state is zod's
// memo of their own parts (the same for every run). Nothing here may hold a run's data. Outside a
// workflow context (CLI, activities, tests) this is an ordinary module: each schema is built once.
import { z } from 'zod';

// zod sets its defaults (English messages, a memoizer) in its global config on the first schema it
// builds. A preloaded zod's globals are frozen once preloading ends, so build one now.
z.strictObject({ preload: z.string() });

const built = new Map<string, { source: string; value: unknown }>();

/**
 * The value `build` makes for `key`, built once per module instance (once per worker thread when
 * preloaded). A key names one schema: two different builders under one key is a mistake, and fails.
 */
export function shared<T>(key: string, build: () => T): T {
  const source = build.toString();
  const hit = built.get(key);
  if (hit) {
    if (hit.source !== source) throw new Error(`contract: two different schemas are shared under the key '${key}'`);
    return hit.value as T;
  }
  const value = build();
  built.set(key, { source, value });
  return value;
}
