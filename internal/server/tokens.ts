/**
 * Static bearer tokens, in kube-apiserver's token file format: one `token,user,uid[,"group1,group2"]`
 * line per token; `#` starts a comment.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Identity } from '../apiserver/app.ts';

export class TokenFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenFileError';
  }
}

/** Whether two secrets are equal, in time that does not depend on where they differ. */
export function sameSecret(a: string | Buffer, b: string | Buffer): boolean {
  const left = typeof a === 'string' ? Buffer.from(a) : a;
  const right = typeof b === 'string' ? Buffer.from(b) : b;
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Looks bearer tokens up in constant time per candidate. */
export class TokenAuthenticator {
  readonly #entries: Array<{ token: Buffer; identity: Identity }>;

  constructor(entries: Array<{ token: string; identity: Identity }>) {
    this.#entries = entries.map((e) => ({ token: Buffer.from(e.token), identity: e.identity }));
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The identity of `token`, or null when no entry has it. */
  authenticate(token: string): Identity | null {
    const given = Buffer.from(token);
    let found: Identity | null = null;
    for (const entry of this.#entries) if (sameSecret(entry.token, given)) found = entry.identity;
    return found;
  }
}

/** Parses a token file's text; errors name the line. */
export function parseTokenFile(text: string, source: string): Array<{ token: string; identity: Identity }> {
  const entries: Array<{ token: string; identity: Identity }> = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = splitCsv(line);
    const [token, user, , groups] = fields;
    if (fields.length < 3 || !token || !user) {
      throw new TokenFileError(`${source}:${index + 1}: a token line needs token,user,uid[,"groups"]`);
    }
    entries.push({ token, identity: { user, groups: groups ? groups.split(',').filter((g) => g !== '') : [] } });
  });
  return entries;
}

/** Reads the token file at `path`; a missing file means no tokens. */
export async function loadTokenFile(path: string): Promise<TokenAuthenticator> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new TokenAuthenticator([]);
    throw error;
  }
  return new TokenAuthenticator(parseTokenFile(text, path));
}

function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      fields.push(current.trim());
      current = '';
    } else current += char;
  }
  fields.push(current.trim());
  return fields;
}
