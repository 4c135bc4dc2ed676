// The contract's schemas are functions that build their schema on first use and keep it.
//
// The worker runs every workflow in one reusable V8 context. Without help each run evaluates its own
// copy of every module it imports: every zod schema built again on the workflow thread all runs
// share, and a copy of every module kept per cached run. Temporal's way to share modules between the
// runs of a context is the bundle option `preloadModules`: WORKFLOW_BUNDLER_OPTIONS in src/worker.ts
// preloads the workflows, and with them the contract and zod, once per workflow thread.
//
// The SDK then deep-freezes everything reachable from a preloaded module's exports, and a zod schema
// caches its parts lazily on itself: a frozen schema throws on its first parse. So no module of the
// contract exports a schema object. It exports `schema(() => z...)`, a function: freezing a function
// does not freeze what it closes over, so the memo stays writable, and every run of a context gets
// the one schema the first caller built.
//
// Safe because a schema is pure: built from constants, its only state zod's memo of its own parts
// (the same for every run). Nothing in the contract may hold a run's data. Outside a workflow context
// (CLI, activities, tests) this is an ordinary module: each schema is built once, when first used.
import { z } from 'zod';

// zod sets its defaults (English messages, a memoizer) in its global config on the first schema it
// builds. A preloaded zod's globals are frozen once preloading ends, so build one now.
z.strictObject({ preload: z.string() });

/** A schema the contract exports: call it for the schema, built on the first call. */
export type Schema<T extends z.ZodType = z.ZodType> = () => T;

/** `build`'s value, made on the first call of the returned function and kept (a throw keeps nothing). */
export function schema<T extends z.ZodType>(build: () => T): Schema<T> {
  let built: T | undefined;
  return () => (built ??= build());
}

/** What a schema function's schema parses to (defaults applied): `OutputOf<typeof fooSchema>`. */
export type OutputOf<S extends Schema> = z.output<ReturnType<S>>;
/** What a caller may give a schema function's schema (defaults optional): `InputOf<typeof fooSchema>`. */
export type InputOf<S extends Schema> = z.input<ReturnType<S>>;
