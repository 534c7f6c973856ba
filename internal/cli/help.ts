/** Help pages, generated from the command and flag tables. */
import type { Command } from './command.ts';
import type { Flag } from './flag.ts';

/** The page of `skiff --help`. */
export function rootHelp(commands: readonly Command[]): string {
  const rows = commands.map((c): [string, string] => [c.name, c.summary]);
  rows.push(['help', "show help for a command, e.g. 'skiff help server'"]);
  return [
    'skiff: a single-binary, Kubernetes-compatible container orchestrator for edge machines',
    '',
    'Usage:',
    '  skiff <command> [subcommand] [flags]',
    '',
    'Commands:',
    ...table(rows),
    '',
    "Run 'skiff <command> --help' for a command's flags.",
    settingsNote,
    '',
  ].join('\n');
}

/** The page of `skiff <command...> --help`; `path` is e.g. ["token", "create"]. */
export function commandHelp(command: Command, path: readonly string[]): string {
  const typed = ['skiff', ...path].join(' ');
  const usage: string[] = [];
  if (!command.subcommandRequired) {
    const args = command.args.map((a) => {
      const name = `<${a.name}>${a.variadic === true ? '...' : ''}`;
      return a.required ? name : `[${name}]`;
    });
    const tail = command.passThrough ? '[arguments and flags of kubectl]' : '[flags]';
    usage.push(`  ${[typed, ...args, tail].join(' ')}`);
  }
  for (const sub of command.subcommands) {
    const args = sub.args.map((a) => `<${a.name}>${a.variadic === true ? '...' : ''}`);
    usage.push(`  ${[typed, sub.name, ...args, sub.passThrough ? '...' : '[flags]'].join(' ')}`);
  }
  const lines = [`${typed}: ${command.summary}`];
  if (command.description !== undefined) lines.push('', command.description);
  lines.push('', 'Usage:', ...usage);
  if (command.subcommands.length > 0) {
    lines.push('', 'Subcommands:', ...table(command.subcommands.map((s): [string, string] => [s.name, s.summary])));
  }
  const flags = Object.values(command.flags);
  if (!command.subcommandRequired) {
    lines.push('', 'Flags:', ...table([...flags.map(flagRow), ['-h, --help', 'show this help']]));
    if (command.readsConfig) lines.push('', settingsNote);
  } else {
    lines.push('', `Run '${typed} <subcommand> --help' for a subcommand's flags.`);
  }
  lines.push('');
  return lines.join('\n');
}

const settingsNote =
  'Each setting comes from its flag, else its SKIFF_* environment variable, else the same key\n' +
  'in the config file (/etc/skiff/config.yaml, or --config / SKIFF_CONFIG), else its default.';

function flagRow(flag: Flag<unknown>): [string, string] {
  const type =
    flag.choices !== undefined
      ? flag.choices.join('|')
      : { string: 'string', bool: '', int: 'int', duration: 'duration', 'string-list': 'strings' }[flag.kind];
  const shown = flag.defaultText ?? (flag.kind === 'bool' && flag.default === false ? '' : flag.show(flag.default));
  const notes = [
    shown === '' ? '' : ` (default ${flag.defaultText === undefined && flag.kind === 'string' ? JSON.stringify(shown) : shown})`,
    flag.envName === undefined ? '' : ` [$${flag.envName}]`,
  ].join('');
  return [`--${flag.name}${type === '' ? '' : ` ${type}`}`, `${flag.help}${notes}`];
}

const pageWidth = 100;

function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const room = Math.max(40, pageWidth - 2 - width);
  return rows.flatMap(([left, right]) =>
    wrap(right, room).map((line, i) => `  ${(i === 0 ? left : '').padEnd(width)}${line}`),
  );
}

function wrap(text: string, room: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}
