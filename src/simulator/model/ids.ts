import { randomBytes } from 'node:crypto';

// ObjectId-shaped ids (24 hex: seconds, random, counter) like Atlas's, unique within a process.
let counter = randomBytes(3).readUIntBE(0, 3);
const processPart = randomBytes(5).toString('hex');

export function newId(): string {
  counter = (counter + 1) % 0xffffff;
  const secs = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return secs + processPart + counter.toString(16).padStart(6, '0');
}
