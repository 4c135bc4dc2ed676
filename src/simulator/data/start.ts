// Starts the data plane for a simulator, or explains once why it runs without data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '../model/model.js';
import type { DataFaults, DataOptions, SeedData } from '../options.js';
import { dataPlaneUnavailable, findFerretDb } from './ferretdb-binary.js';
import { collectionRestoreWork } from './collection-loader.js';
import { DataPlane } from './plane.js';
import { seedCluster } from './seed-data.js';

export interface StartedDataPlane {
  plane: DataPlane;
  stop(): Promise<void>;
}

let warned = false;

/** The data plane, or undefined (with one warning per process) when FerretDB is not installed. */
export async function startDataPlane(
  model: Model,
  options: DataOptions,
  faults: DataFaults | undefined,
  seed: SeedData | undefined,
): Promise<StartedDataPlane | undefined> {
  const binary = findFerretDb(options.ferretdbPath);
  if (!binary) {
    if (!warned)
      console.error(`[simulator] data: clusters hold no data: ${dataPlaneUnavailable(options.ferretdbPath)}.`);
    warned = true;
    return undefined;
  }
  const temporary = options.dir ? undefined : mkdtempSync(join(tmpdir(), 'atlas-sim-data-'));
  const plane = new DataPlane(model, binary, options.dir ?? temporary!, faults, options.auth ?? false);
  model.data = plane;
  plane.extraWork.push(collectionRestoreWork);
  await plane.start();
  for (const c of Object.values(model.state.clusters)) {
    const spec = seed?.[c.name];
    if (spec && plane.holds(c)) await seedCluster(await plane.client(c), spec, plane.ttlOf(c));
  }
  plane.saveTtl();
  return {
    plane,
    stop: async () => {
      await plane.stop();
      model.data = undefined;
      if (temporary) rmSync(temporary, { recursive: true, force: true });
    },
  };
}
