/**
 * Resolves a command's settings from its flag table. Each setting comes from the first
 * of these that has it: a command-line flag, its SKIFF_* environment variable, the
 * config file key of the same name, the default. Every value is typed and checked the
 * same way whatever its source, and a bad one is a UsageError naming that source.
 */
import type { ParsedArgv } from './argv.ts';
import type { Flag, FlagTable, Read, SettingsOf } from './flag.ts';
import { UsageError } from './usage-error.ts';

/** Environment variables as read by the CLI (process.env, or a test's own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A loaded config file: its path (for messages) and top-level keys. */
export interface LoadedConfig {
  readonly path: string;
  readonly values: ReadonlyMap<string, unknown>;
}

/** Where the values for one command invocation come from. */
export interface SettingSources {
  readonly argv: ParsedArgv;
  readonly env: Env;
  readonly config?: LoadedConfig;
  /** The command as typed, e.g. "skiff server", for messages. */
  readonly command: string;
}

/** Where a resolved value came from. */
export type Origin = 'flag' | 'env' | 'config' | 'default';

/** Resolves every flag in `flags` to a typed, checked value. Throws UsageError. */
export function resolveSettings<F extends FlagTable>(flags: F, sources: SettingSources): SettingsOf<F> {
  const out: Record<string, unknown> = {};
  for (const flag of Object.values(flags)) {
    out[flag.name] = resolveFlag(flag, sources).value;
  }
  return out as SettingsOf<F>;
}

/** Resolves one flag and reports where its value came from. Throws UsageError. */
export function resolveFlag(flag: Flag<unknown>, sources: SettingSources): { value: unknown; origin: Origin } {
  const texts = sources.argv.values.get(flag.name);
  if (texts !== undefined && texts.length > 0) {
    const described = (text: string): string => `invalid value "${text}" for flag --${flag.name} of "${sources.command}"`;
    const fix = exampleFix(flag, (example) => `--${flag.name}=${example}`);
    if (flag.kind === 'string-list') {
      const items: unknown[] = [];
      for (const text of texts) {
        const read = flag.readText(text);
        if (!read.ok) throw new UsageError(`${described(text)}: ${read.want}${fix}`);
        items.push(...(read.value as readonly unknown[]));
      }
      return { value: checked(flag, items, described(texts.join(',')), fix), origin: 'flag' };
    }
    const text = texts[texts.length - 1] ?? '';
    const value = expect(flag.readText(text), described(text), fix);
    return { value: checked(flag, value, described(text), fix), origin: 'flag' };
  }

  const envText = flag.envName === undefined ? undefined : sources.env[flag.envName];
  if (flag.envName !== undefined && envText !== undefined && envText !== '') {
    const described = `invalid value "${envText}" in environment variable ${flag.envName} (flag --${flag.name})`;
    const fix = `${exampleFix(flag, (example) => `${flag.envName}=${example}`)}; fix or unset ${flag.envName}`;
    return { value: checked(flag, expect(flag.readText(envText), described, fix), described, fix), origin: 'env' };
  }

  const config = sources.config;
  const raw = config?.values.get(flag.name);
  if (config !== undefined && flag.inConfig !== false && raw !== undefined && raw !== null) {
    const described = `invalid value ${JSON.stringify(raw)} for key ${flag.name} in config file ${config.path}`;
    const fix = `${exampleFix(flag, (example) => `"${flag.name}: ${example}"`)}; fix that key in the file`;
    return { value: checked(flag, expect(flag.readConfig(raw), described, fix), described, fix), origin: 'config' };
  }

  return { value: flag.default, origin: 'default' };
}

/**
 * Fails on a config file key that is not a flag of any command reading the file.
 * Keys that belong to other commands (e.g. cluster-cidr when running an agent) are
 * allowed, since one file serves every command on a machine.
 */
export function checkConfigKeys(config: LoadedConfig, knownKeys: ReadonlySet<string>, command: string): void {
  for (const key of config.values.keys()) {
    if (key === 'config') {
      throw new UsageError(`key "config" in config file ${config.path} cannot point to another file; remove it`);
    }
    if (!knownKeys.has(key)) {
      throw new UsageError(
        `unknown key "${key}" in config file ${config.path}; remove it or use a flag name from '${command} --help' as the key`,
      );
    }
  }
}

/** ", e.g. --name=value" from the flag's example or default, when it has one worth showing. */
function exampleFix(flag: Flag<unknown>, form: (example: string) => string): string {
  if (flag.choices !== undefined || flag.kind === 'bool') return '';
  const example = flag.example ?? flag.show(flag.default);
  return example === '' ? '' : `, e.g. ${form(example)}`;
}

function expect(read: Read<unknown>, described: string, fix: string): unknown {
  if (!read.ok) throw new UsageError(`${described}: ${read.want}${fix}`);
  return read.value;
}

function checked(flag: Flag<unknown>, value: unknown, described: string, fix: string): unknown {
  const problem = flag.check?.(value);
  if (problem !== undefined) throw new UsageError(`${described}: ${problem}${fix}`);
  return value;
}
