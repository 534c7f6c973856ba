/**
 * Flag definitions: a typed value kind, a default, the environment variable that can set
 * it, help text and an optional check. Commands declare a table of these apart from
 * their actions (the k3s pattern), and the same table drives argv parsing, environment
 * and config file lookup, validation and help.
 */
import { formatDuration, parseDuration } from './duration.ts';
import type { Check } from './validate.ts';

/** The value kinds a flag can have. A string-list flag may be repeated. */
export type FlagKind = 'string' | 'bool' | 'int' | 'duration' | 'string-list';

/** The result of reading one value: the typed value, or a phrase saying what was wanted. */
export type Read<T> = { ok: true; value: T } | { ok: false; want: string };

/** A flag before it is placed in a table (the table supplies its name and default env name). */
export interface FlagDef<T> {
  readonly kind: FlagKind;
  readonly default: T;
  readonly help: string;
  /** Environment variable name; defaults to SKIFF_ plus the flag name in upper snake case. */
  readonly env?: string | null;
  /** Allowed values, for string flags with a fixed set. */
  readonly choices?: readonly string[];
  /** An example value for error messages when the default is empty. */
  readonly example?: string;
  /** Help text for a default computed later (e.g. "this machine's host name"). */
  readonly defaultText?: string;
  /** Whether the config file may set it; false for per-invocation flags such as --ttl. */
  readonly inConfig?: boolean;
  /** Reads a command-line or environment value. */
  readText(text: string): Read<T>;
  /** Reads a value from the YAML config file. */
  readConfig(value: unknown): Read<T>;
  /** Renders a value back as flag text (help and examples). */
  show(value: T): string;
  /** Returns undefined when a read value is acceptable, else what was wanted. */
  check?(value: T): string | undefined;
}

/** A flag in a table: a definition with its name and environment variable. */
export interface Flag<T> extends FlagDef<T> {
  readonly name: string;
  readonly envName: string | undefined;
}

/** A command's flags, keyed by flag name (also the config file key). */
export type FlagTable = Readonly<Record<string, Flag<unknown>>>;

/** The typed settings a flag table resolves to, keyed by flag name. */
export type SettingsOf<F> = { readonly [K in keyof F]: F[K] extends Flag<infer T> ? T : never };

type Options<T> = {
  default: T;
  help: string;
  env?: string | null;
  example?: string;
  defaultText?: string;
  inConfig?: boolean;
  check?: Check<T>;
};

/** Names each definition after its key and fills in the SKIFF_* environment variable. */
export function defineFlags<D extends Record<string, FlagDef<unknown>>>(
  defs: D,
): { readonly [K in keyof D]: D[K] & Flag<D[K] extends FlagDef<infer T> ? T : never> } {
  const out: Record<string, Flag<unknown>> = {};
  for (const [name, def] of Object.entries(defs)) {
    const envName = def.env === null ? undefined : (def.env ?? `SKIFF_${name.toUpperCase().replaceAll('-', '_')}`);
    out[name] = { ...def, name, envName };
  }
  return out as { readonly [K in keyof D]: D[K] & Flag<D[K] extends FlagDef<infer T> ? T : never> };
}

/** A free-form string flag. */
export function stringFlag(options: Options<string>): FlagDef<string> {
  return {
    kind: 'string',
    ...options,
    readText: (text) => ({ ok: true, value: text }),
    readConfig: (value) =>
      typeof value === 'string' || typeof value === 'number'
        ? { ok: true, value: String(value) }
        : { ok: false, want: 'want a string' },
    show: (value) => value,
  };
}

/** A string flag limited to a fixed set of values. */
export function choiceFlag<C extends string>(choices: readonly C[], options: Options<C>): FlagDef<C> {
  const want = `want one of ${choices.join(', ')}`;
  const read = (text: string): Read<C> => {
    const found = choices.find((c) => c === text);
    return found === undefined ? { ok: false, want } : { ok: true, value: found };
  };
  return {
    kind: 'string',
    ...options,
    choices,
    readText: read,
    readConfig: (value) => (typeof value === 'string' ? read(value) : { ok: false, want }),
    show: (value) => value,
  };
}

const boolWords: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
};

/** A switch: `--name` sets it, `--name=false` clears it. */
export function boolFlag(options: Omit<Options<boolean>, 'default'> & { default?: boolean }): FlagDef<boolean> {
  const want = 'want true or false';
  return {
    kind: 'bool',
    ...options,
    default: options.default ?? false,
    readText: (text) => {
      const value = boolWords[text.toLowerCase()];
      return value === undefined ? { ok: false, want } : { ok: true, value };
    },
    readConfig: (value) => (typeof value === 'boolean' ? { ok: true, value } : { ok: false, want }),
    show: (value) => String(value),
  };
}

/** A whole number. */
export function intFlag(options: Options<number>): FlagDef<number> {
  const want = 'want a whole number';
  const read = (text: string): Read<number> => {
    if (!/^-?\d+$/.test(text)) return { ok: false, want };
    const value = Number(text);
    return Number.isSafeInteger(value) ? { ok: true, value } : { ok: false, want };
  };
  return {
    kind: 'int',
    ...options,
    readText: read,
    readConfig: (value) =>
      typeof value === 'number' ? read(String(value)) : typeof value === 'string' ? read(value) : { ok: false, want },
    show: (value) => String(value),
  };
}

/** A duration such as 30s, 5m, 12h or 1h30m, carried in milliseconds. */
export function durationFlag(options: Omit<Options<number>, 'default'> & { default: string }): FlagDef<number> {
  const want = 'want a duration such as 30s, 5m, 12h or 1h30m';
  const read = (text: string): Read<number> => {
    const value = parseDuration(text);
    return value === undefined ? { ok: false, want } : { ok: true, value };
  };
  const defaultMillis = parseDuration(options.default);
  if (defaultMillis === undefined) throw new Error(`Cannot define a duration flag with default "${options.default}"`);
  return {
    kind: 'duration',
    ...options,
    default: defaultMillis,
    readText: read,
    readConfig: (value) =>
      typeof value === 'string' ? read(value) : value === 0 ? { ok: true, value: 0 } : { ok: false, want },
    show: formatDuration,
  };
}

/**
 * A list of strings: the flag may be repeated and each value may hold several items
 * separated by commas; the environment variable is comma-separated; the config file
 * takes a YAML list or a single string. A higher source replaces a lower one whole.
 */
export function listFlag(options: Omit<Options<readonly string[]>, 'check'> & { check?: Check<string> }): FlagDef<readonly string[]> {
  const { check, ...rest } = options;
  const split = (text: string): string[] =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return {
    kind: 'string-list',
    ...rest,
    readText: (text) => ({ ok: true, value: split(text) }),
    readConfig: (value) => {
      if (typeof value === 'string') return { ok: true, value: split(value) };
      if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
        return { ok: true, value: value.map(String) };
      }
      return { ok: false, want: 'want a list of strings' };
    },
    show: (value) => value.join(','),
    ...(check === undefined
      ? {}
      : {
          check: (values: readonly string[]) => {
            for (const item of values) {
              const problem = check(item);
              if (problem !== undefined) return `${problem} (bad item "${item}")`;
            }
            return undefined;
          },
        }),
  };
}
