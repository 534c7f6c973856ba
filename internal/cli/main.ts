/**
 * The skiff command line: finds the command (and subcommand) named in argv, handles
 * help, and runs it. Every mistake in the invocation ends as one line on stderr and
 * exit code 2; commands return their own exit codes.
 */
import type { Call, CliIo, Command } from './command.ts';
import {
  agentCommand,
  checkCommand,
  imageCommand,
  kubectlCommand,
  serverCommand,
  snapshotCommand,
  tokenCommand,
  versionCommand,
} from './commands/index.ts';
import { defaultConfigPath } from './commands/common-flags.ts';
import { wantsHelp } from './argv.ts';
import { commandHelp, rootHelp } from './help.ts';
import { UsageError, exitUsage } from './usage-error.ts';
import { DataFileError } from '../datastore/errors.ts';
import { CertificateFileError } from '../pki/errors.ts';
import { TokenFileError } from '../server/tokens.ts';
import { TokenCommandError } from './commands/token-actions.ts';
import { JoinError } from '../agent/join.ts';
import { ImageArchiveError } from '../agent/image-archive.ts';
import { RuntimeError } from '../agent/runtime/errors.ts';
import { JoinTokenError } from '../join/token.ts';
import { NativeAddonError } from '../util/native-addon.ts';
import { KubeconfigError } from '../client/index.ts';
import { SnapshotError } from '../server/snapshots/errors.ts';

/** Exit code for a problem the operator has to fix in the host's setup (sysexits EX_CONFIG). */
export const exitConfig = 78;

/** The commands of the skiff binary, in the order help lists them. */
export const commands: readonly Command[] = [
  serverCommand,
  agentCommand,
  kubectlCommand,
  tokenCommand,
  imageCommand,
  snapshotCommand,
  checkCommand,
  versionCommand,
];

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    defaultConfigPath,
  };
}

/** Runs skiff with `argv` (without the node and script paths) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`skiff: ${error.message}\n`);
      return exitUsage;
    }
    if (error instanceof NativeAddonError || error instanceof DataFileError || error instanceof CertificateFileError || error instanceof TokenFileError || error instanceof TokenCommandError || error instanceof JoinError || error instanceof JoinTokenError || error instanceof ImageArchiveError || error instanceof RuntimeError || error instanceof KubeconfigError || error instanceof SnapshotError) {
      io.stderr(`skiff: ${error.message}\n`);
      return exitConfig;
    }
    io.stderr(`skiff: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError("missing command; run 'skiff --help' to list commands");
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest : [];
    if (topic.length === 0) {
      io.stdout(rootHelp(commands));
      return 0;
    }
    const { command, path, remaining } = findCommand(topic);
    if (remaining.length > 0) {
      throw new UsageError(`unknown subcommand "${remaining[0]}" for "skiff ${path.join(' ')}"; run 'skiff ${path.join(' ')} --help' to list subcommands`);
    }
    io.stdout(commandHelp(command, path));
    return 0;
  }
  if (first === '--version') return dispatch(['version', ...rest], io);
  if (first.startsWith('-')) {
    throw new UsageError(`unknown flag ${first.split('=')[0]} for "skiff"; flags go after the command, run 'skiff --help' to list commands`);
  }

  const { command, path, remaining } = findCommand(argv);
  const typed = `skiff ${path.join(' ')}`;
  if (wantsHelp(remaining)) {
    io.stdout(commandHelp(command, path));
    return 0;
  }
  if (command.subcommandRequired) {
    const names = command.subcommands.map((s) => s.name).join(', ');
    const next = remaining[0];
    if (next === undefined || next.startsWith('-')) {
      throw new UsageError(`"${typed}" needs a subcommand first (${names}); run '${typed} --help' for usage`);
    }
    throw new UsageError(`unknown subcommand "${next}" for "${typed}"; run '${typed} --help' to list subcommands`);
  }
  const call: Call = { command: typed, io, configKeys };
  return command.run(remaining, call);
}

/** Walks argv down the command tree as far as names match. Throws UsageError for an unknown command. */
function findCommand(argv: readonly string[]): { command: Command; path: string[]; remaining: readonly string[] } {
  const [name = '', ...rest] = argv;
  let command = commands.find((c) => c.name === name);
  if (command === undefined) {
    throw new UsageError(`unknown command "${name}"; run 'skiff --help' to list commands`);
  }
  const path = [name];
  let remaining: readonly string[] = rest;
  for (;;) {
    const sub: Command | undefined = command.subcommands.find((s) => s.name === remaining[0]);
    if (sub === undefined) break;
    command = sub;
    path.push(sub.name);
    remaining = remaining.slice(1);
  }
  return { command, path, remaining };
}

function collectConfigKeys(list: readonly Command[], into: Set<string>): Set<string> {
  for (const command of list) {
    if (command.readsConfig) {
      for (const flag of Object.values(command.flags)) if (flag.name !== 'config' && flag.inConfig !== false) into.add(flag.name);
    }
    collectConfigKeys(command.subcommands, into);
  }
  return into;
}

const configKeys: ReadonlySet<string> = collectConfigKeys(commands, new Set());
