/**
 * Child process of the datastore crash test: writes to the store as fast as it can
 * from several concurrent writers and prints one line per acknowledged write:
 *   create <key> <revision>
 *   update <key> <revision>
 * It never exits by itself; the test kills it with SIGKILL.
 */
import { MvccStore } from '../../internal/datastore/mvcc/store.ts';

const [file, label, writersArg] = process.argv.slice(2);
if (file === undefined || label === undefined) {
  process.stderr.write('usage: crash-writer.ts FILE LABEL [WRITERS]\n');
  process.exit(2);
}
const writers = Number(writersArg ?? '8');
const store = MvccStore.open({ file, compactIntervalMs: 0 });
const encoder = new TextEncoder();

async function writer(w: number): Promise<void> {
  const counter = `/crash/${label}/counter-${w}`;
  let counterRevision = 0;
  for (let i = 0; ; i++) {
    const key = `/crash/${label}/${w}/${i}`;
    const revision = await store.create(key, encoder.encode(`${label}:${w}:${i}`));
    process.stdout.write(`create ${key} ${revision}\n`);
    const result = await store.update(counter, encoder.encode(String(i)), counterRevision);
    if (!result.succeeded) throw new Error(`counter ${counter} changed under its only writer`);
    counterRevision = result.revision;
    process.stdout.write(`update ${counter} ${counterRevision}\n`);
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
