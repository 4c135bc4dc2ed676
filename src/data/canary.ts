// The canary: one small document the run writes into its own database right before the
// snapshot, so the restore can prove it holds data from that moment. The only write in this room;
// written by run id, so a retried attempt replaces its own canary instead of adding another.
import type { MongoClient } from 'mongodb';
import { CANARY_COLLECTION, CANARY_DATABASE, type Canary } from '../contract/verification.js';
import { scrubbed } from './connect.js';

interface CanaryDocument {
  _id: string;
  at: Date;
}

export async function writeCanary(client: MongoClient, canary: Canary): Promise<void> {
  try {
    await client
      .db(CANARY_DATABASE)
      .collection<CanaryDocument>(CANARY_COLLECTION)
      .replaceOne(
        { _id: canary.runId },
        { at: new Date(canary.at) },
        { upsert: true, writeConcern: { w: 'majority' } },
      );
  } catch (e) {
    throw scrubbed(e, 'writing the canary');
  }
}

/** The canary of `runId` as the cluster holds it, or undefined. Reads only. */
export async function readCanary(client: MongoClient, runId: string): Promise<Canary | undefined> {
  const doc = await client
    .db(CANARY_DATABASE)
    .collection<CanaryDocument>(CANARY_COLLECTION)
    .find({ _id: runId }, { limit: 1 })
    .next();
  return doc ? { runId: doc._id, at: doc.at.toISOString() } : undefined;
}
