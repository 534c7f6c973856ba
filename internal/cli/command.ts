/**
 * A command: its flag table and positional arguments (declarations), and the action
 * that runs once they have been resolved. defineCommand ties the two together so an
 * action receives settings typed after its own table.
 */
import { parseArgv } from './argv.ts';
import { readConfigFile, type ConfigSource } from './config-file.ts';
import type { FlagTable, SettingsOf } from './flag.ts';
import { checkConfigKeys, resolveFlag, resolveSettings, type Env, type LoadedConfig } from './settings.ts';
import { UsageError } from './usage-error.ts';

/** What the CLI reads and writes, passed in so tests can run it in-process. */
export interface CliIo {
  readonly env: Env;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The config file used when neither --config nor SKIFF_CONFIG names one. */
  readonly defaultConfigPath: string;
}

/** A positional argument, e.g. the <token> of `skiff agent join <token>`. */
export interface ArgSpec {
  readonly name: string;
  readonly required: boolean;
  /** Takes all remaining arguments (only the last one may). */
  readonly variadic?: boolean;
}

/** How a command was reached, for its messages and config checks. */
export interface Call {
  /** The command as typed, e.g. "skiff token create". */
  readonly command: string;
  readonly io: CliIo;
  /** Every key the config file may hold (flag names of all commands that read it). */
  readonly configKeys: ReadonlySet<string>;
}

/** What an action receives. */
export interface Invocation<F extends FlagTable> {
  readonly command: string;
  readonly settings: SettingsOf<F>;
  readonly args: readonly string[];
  readonly io: CliIo;
}

/** A command or subcommand of the skiff binary. */
export interface Command {
  readonly name: string;
  /** One line for command lists. */
  readonly summary: string;
  /** Paragraphs for the command's own help page. */
  readonly description: string | undefined;
  readonly flags: FlagTable;
  readonly args: readonly ArgSpec[];
  /** Whether settings also come from the config file (the table then has a `config` flag). */
  readonly readsConfig: boolean;
  readonly subcommands: readonly Command[];
  /** Whether the command does nothing without one of its subcommands. */
  readonly subcommandRequired: boolean;
  /** Whether arguments are left unparsed for the command's own parser. */
  readonly passThrough: boolean;
  /** Parses `args` (what follows the command's name), resolves settings and runs the action. */
  run(args: readonly string[], call: Call): Promise<number>;
}

/** The declaration half of a command, plus its action. */
export interface CommandSpec<F extends FlagTable> {
  readonly name: string;
  readonly summary: string;
  readonly description?: string;
  readonly flags: F;
  readonly args?: readonly ArgSpec[];
  readonly readsConfig?: boolean;
  readonly subcommands?: readonly Command[];
  readonly subcommandRequired?: boolean;
  readonly passThrough?: boolean;
  action(invocation: Invocation<F>): Promise<number>;
}

/** Builds a command whose action gets settings typed after its flag table. */
export function defineCommand<F extends FlagTable>(spec: CommandSpec<F>): Command {
  const readsConfig = spec.readsConfig ?? false;
  const configFlag = spec.flags['config'];
  if (readsConfig && configFlag === undefined) {
    throw new Error(`Cannot define command ${spec.name} as reading the config file: it has no config flag`);
  }
  const args = spec.args ?? [];
  return {
    name: spec.name,
    summary: spec.summary,
    description: spec.description,
    flags: spec.flags,
    args,
    readsConfig,
    subcommands: spec.subcommands ?? [],
    subcommandRequired: spec.subcommandRequired ?? false,
    passThrough: spec.passThrough ?? false,
    async run(rest, call) {
      if (spec.passThrough === true) {
        const settings = resolveSettings(spec.flags, { argv: emptyArgv, env: call.io.env, command: call.command });
        return spec.action({ command: call.command, settings, args: rest, io: call.io });
      }
      const argv = parseArgv(rest, spec.flags, call.command);
      checkPositionals(argv.positionals, args, call.command);
      let config: LoadedConfig | undefined;
      if (readsConfig && configFlag !== undefined) {
        const { value, origin } = resolveFlag(configFlag, { argv, env: call.io.env, command: call.command });
        const source: ConfigSource = origin === 'flag' ? 'flag' : origin === 'env' ? 'env' : 'default';
        const path = source === 'default' ? call.io.defaultConfigPath : String(value);
        config = { path, values: readConfigFile(path, source) };
        checkConfigKeys(config, call.configKeys, call.command);
      }
      const sources = { argv, env: call.io.env, command: call.command, ...(config === undefined ? {} : { config }) };
      const settings = resolveSettings(spec.flags, sources);
      return spec.action({ command: call.command, settings, args: argv.positionals, io: call.io });
    },
  };
}

const emptyArgv = { values: new Map<string, readonly string[]>(), positionals: [] };

function checkPositionals(given: readonly string[], specs: readonly ArgSpec[], command: string): void {
  const variadic = specs.at(-1)?.variadic === true;
  const missing = specs.filter((s) => s.required).slice(given.length)[0];
  if (missing !== undefined) {
    throw new UsageError(`"${command}" needs <${missing.name}>, e.g. '${command} <${missing.name}>'; run '${command} --help' for usage`);
  }
  if (!variadic && given.length > specs.length) {
    const extra = given[specs.length] ?? '';
    throw new UsageError(`unexpected argument "${extra}" for "${command}"; run '${command} --help' for usage`);
  }
}
