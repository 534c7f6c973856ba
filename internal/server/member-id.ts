/**
 * This server's datastore member id, kept in `<server>/db/member-id`: made once from the
 * node name and a random suffix, so a machine that reuses a name never reuses an id, and
 * the node name can be read back out of it (server-removal.ts memberNodeName).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The id stored in `dbDir`, made and stored first if there is none. */
export function memberId(dbDir: string, nodeName: string): string {
  const file = join(dbDir, 'member-id');
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored !== '') return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const id = `${nodeName}-${randomBytes(4).toString('hex')}`;
  mkdirSync(dbDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}
