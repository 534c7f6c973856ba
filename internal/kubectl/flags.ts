/**
 * Flag parsing the way kubectl reads its command line: `--name=value`, `--name value`,
 * `-n value`, `-nvalue`, bundled switches, and flags anywhere among the positionals.
 */
import { UsageError } from '../cli/usage-error.ts';

/** One flag a verb accepts. `list` flags may repeat; `bool` flags take no separate value. */
export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly kind: 'bool' | 'string' | 'list';
  /** Default for a bool flag (most are false; `--wait` is true). */
  readonly default?: boolean;
}

/** What the parser found: values by long name, and the positionals in order. */
export interface ParsedFlags {
  readonly strings: ReadonlyMap<string, string>;
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly bools: ReadonlyMap<string, boolean>;
  readonly positionals: readonly string[];
}

/** Flags every verb accepts. */
export const globalFlags: readonly FlagSpec[] = [
  { name: 'kubeconfig', kind: 'string' },
  { name: 'namespace', short: 'n', kind: 'string' },
];

/** Parses `args` against `specs` (plus the global flags); unknown flags are usage errors. */
export function parseFlags(args: readonly string[], specs: readonly FlagSpec[], verb: string): ParsedFlags {
  const all = [...globalFlags, ...specs];
  const strings = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const bools = new Map<string, boolean>();
  const positionals: string[] = [];
  for (const spec of all) if (spec.kind === 'bool') bools.set(spec.name, spec.default ?? false);

  const store = (spec: FlagSpec, value: string, spelled: string): void => {
    if (spec.kind === 'bool') {
      if (value !== 'true' && value !== 'false') {
        throw new UsageError(`invalid value "${value}" for ${spelled} of "kubectl ${verb}": want true or false`);
      }
      bools.set(spec.name, value === 'true');
    } else if (spec.kind === 'list') {
      lists.set(spec.name, [...(lists.get(spec.name) ?? []), value]);
    } else {
      strings.set(spec.name, value);
    }
  };
  const unknown = (spelled: string): UsageError =>
    new UsageError(`unknown flag ${spelled} for "kubectl ${verb}"; run 'skiff kubectl ${verb} --help' for usage`);

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const eq = arg.indexOf('=');
    const body = long ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1, 2);
    const spelled = long ? `--${body}` : `-${body}`;
    const spec = all.find((s) => (long ? s.name === body : s.short === body));
    if (spec === undefined) throw unknown(spelled);
    let inline: string | undefined;
    if (long) inline = eq < 0 ? undefined : arg.slice(eq + 1);
    else if (arg.length > 2) inline = arg[2] === '=' ? arg.slice(3) : arg.slice(2);

    if (spec.kind === 'bool') {
      if (inline !== undefined && long) {
        store(spec, inline, spelled);
        continue;
      }
      bools.set(spec.name, true);
      // Bundled short switches such as -Aw.
      if (inline !== undefined) expandBundle(inline, all, bools, unknown);
      continue;
    }
    if (inline !== undefined) {
      store(spec, inline, spelled);
      continue;
    }
    const next = args[i + 1];
    if (next === undefined) {
      throw new UsageError(`flag ${spelled} of "kubectl ${verb}" needs a value`);
    }
    store(spec, next, spelled);
    i++;
  }
  return { strings, lists, bools, positionals };
}

function expandBundle(
  rest: string,
  all: readonly FlagSpec[],
  bools: Map<string, boolean>,
  unknown: (spelled: string) => UsageError,
): void {
  for (const letter of rest) {
    const spec = all.find((s) => s.short === letter && s.kind === 'bool');
    if (spec === undefined) throw unknown(`-${letter}`);
    bools.set(spec.name, true);
  }
}

/** The value of a string flag, or undefined when not given. */
export function stringFlag(parsed: ParsedFlags, name: string): string | undefined {
  return parsed.strings.get(name);
}

/** The value of a switch (its default when not given). */
export function boolFlag(parsed: ParsedFlags, name: string): boolean {
  return parsed.bools.get(name) ?? false;
}

/** Every value of a repeatable flag, in order. */
export function listFlag(parsed: ParsedFlags, name: string): readonly string[] {
  return parsed.lists.get(name) ?? [];
}
