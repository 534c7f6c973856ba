/**
 * The YAML config file (/etc/skiff/config.yaml by default): a mapping whose keys are
 * flag names, e.g. `data-dir: /srv/skiff` or `tls-san: [a, b]`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from './usage-error.ts';

/** Where a config file path came from; only the default location may be absent. */
export type ConfigSource = 'default' | 'flag' | 'env';

/**
 * Reads the config file at `path` and returns its top-level mapping. A missing file at
 * the default location yields an empty mapping; a missing file named by --config or
 * SKIFF_CONFIG, unreadable YAML, or a document that is not a mapping is a UsageError.
 */
export function readConfigFile(path: string, source: ConfigSource): ReadonlyMap<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && source === 'default') return new Map();
    const named = source === 'flag' ? 'named by --config' : source === 'env' ? 'named by SKIFF_CONFIG' : '';
    if (code === 'ENOENT') {
      throw new UsageError(`config file ${path} ${named} does not exist; create it or point ${source === 'flag' ? '--config' : 'SKIFF_CONFIG'} at an existing file`);
    }
    throw new UsageError(`cannot read config file ${path}: ${code ?? String(error)}; fix its permissions or point --config elsewhere`);
  }
  let doc: unknown;
  try {
    doc = parse(text, { uniqueKeys: true });
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.replace(/:\s*$/, '');
    throw new UsageError(`config file ${path} is not valid YAML: ${first}; fix the file`);
  }
  if (doc === null || doc === undefined) return new Map();
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UsageError(`config file ${path} must be a mapping of flag names to values (e.g. "data-dir: /var/lib/skiff"); fix the file`);
  }
  return new Map(Object.entries(doc));
}
