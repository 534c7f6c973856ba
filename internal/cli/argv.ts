/**
 * Splits a command's arguments into flag values and positional arguments, against the
 * command's flag table. Values stay text here; settings.ts types and checks them so
 * that flags, environment variables and the config file share one set of rules.
 */
import type { FlagTable } from './flag.ts';
import { UsageError } from './usage-error.ts';

/** Flags found on the command line, as text, in the order given. */
export interface ParsedArgv {
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
}

/** True when the arguments ask for help (`--help` or `-h` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/**
 * Parses `--name value`, `--name=value` and bare `--name` for switches; `--` ends the
 * flags. A value that itself looks like a flag must be written `--name=-value`, so that
 * a forgotten value is reported instead of swallowing the next flag.
 * Throws UsageError for unknown flags and missing values; `command` is e.g. "skiff server".
 */
export function parseArgv(args: readonly string[], flags: FlagTable, command: string): ParsedArgv {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const add = (name: string, text: string): void => {
    const list = values.get(name);
    if (list === undefined) values.set(name, [text]);
    else list.push(text);
  };
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
    const eq = arg.indexOf('=');
    const spelled = eq < 0 ? arg : arg.slice(0, eq);
    const name = spelled.startsWith('--') ? spelled.slice(2) : undefined;
    const flag = name === undefined ? undefined : flags[name];
    if (name === undefined || flag === undefined) {
      throw new UsageError(`unknown flag ${spelled} for "${command}"; run '${command} --help' to list flags`);
    }
    if (eq >= 0) {
      add(name, arg.slice(eq + 1));
      continue;
    }
    if (flag.kind === 'bool') {
      add(name, 'true');
      continue;
    }
    const next = args[i + 1];
    if (next === undefined || (next.startsWith('-') && next !== '-')) {
      const example = flag.example ?? exampleOf(flag.show(flag.default), flag.kind);
      throw new UsageError(
        `flag --${name} for "${command}" needs a value, e.g. --${name}=${example}` +
          (next === undefined ? '' : ` (a value starting with "-" must be written --${name}=${next})`),
      );
    }
    add(name, next);
    i++;
  }
  return { values, positionals };
}

function exampleOf(shownDefault: string, kind: string): string {
  if (shownDefault !== '') return shownDefault;
  return kind === 'int' ? '1' : kind === 'duration' ? '5m' : 'VALUE';
}
