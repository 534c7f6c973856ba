/**
 * The built-in kubectl: finds the verb among the arguments (global flags may come
 * first), parses the verb's flags, connects with the chosen kubeconfig and runs it.
 * Failures are one line on stderr: usage mistakes throw UsageError (exit 2), server
 * and client errors print kubectl's `Error from server (...)`/`error:` line (exit 1).
 */
import type { CliIo } from '../cli/command.ts';
import { UsageError } from '../cli/usage-error.ts';
import { applyFlags, createFlags, runApply, runCreate } from './apply.ts';
import { openContext, type KubectlContext } from './context.ts';
import { deleteFlags, runDelete } from './delete.ts';
import { describeFlags, runDescribe } from './describe.ts';
import { errorLine } from './errors.ts';
import { parseFlags, type FlagSpec, type ParsedFlags } from './flags.ts';
import { getFlags, runGet } from './get.ts';
import { labelFlags, runLabel } from './label.ts';
import { rolloutFlags, runRollout } from './rollout.ts';
import { runScale, scaleFlags } from './scale.ts';

/** One verb: its flags and what it does once connected. */
export interface Verb {
  readonly flags: readonly FlagSpec[];
  run(ctx: KubectlContext, parsed: ParsedFlags): Promise<number>;
}

/** Verbs that need the node agent, which answer with a note instead. */
export const agentVerbs: Readonly<Record<string, string>> = {
  logs: 'not available yet: pod logs come with the agent',
  exec: 'not available yet: exec comes with the agent',
};

/** The verbs this kubectl runs against the API. */
export const verbs: Readonly<Record<string, Verb>> = {
  get: { flags: getFlags, run: runGet },
  describe: { flags: describeFlags, run: runDescribe },
  apply: { flags: applyFlags, run: runApply },
  create: { flags: createFlags, run: runCreate },
  delete: { flags: deleteFlags, run: runDelete },
  scale: { flags: scaleFlags, run: runScale },
  label: { flags: labelFlags, run: runLabel },
  rollout: { flags: rolloutFlags, run: runRollout },
};

const valueFlags = new Set(['--kubeconfig', '--namespace', '-n']);

/** The verb and the other arguments: the first argument that is neither a flag nor a global flag's value. */
export function splitVerb(args: readonly string[]): { verb: string | undefined; rest: string[] } {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (valueFlags.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return { verb: arg, rest: [...args.slice(0, i), ...args.slice(i + 1)] };
  }
  return { verb: undefined, rest: [...args] };
}

/** Runs `skiff kubectl <args>`; resolves to the exit code, throws UsageError for usage mistakes. */
export async function runKubectl(args: readonly string[], io: CliIo, signal: AbortSignal = new AbortController().signal): Promise<number> {
  const { verb, rest } = splitVerb(args);
  const known = [...Object.keys(verbs), ...Object.keys(agentVerbs)].join(', ');
  if (verb === undefined) {
    throw new UsageError(`"skiff kubectl" needs a subcommand first (${known}); run 'skiff kubectl --help' for usage`);
  }
  const note = agentVerbs[verb];
  if (note !== undefined) {
    io.stderr(`${note}\n`);
    return 1;
  }
  const spec = verbs[verb];
  if (spec === undefined) {
    throw new UsageError(`unknown subcommand "${verb}" for "skiff kubectl"; run 'skiff kubectl --help' to list subcommands`);
  }
  const parsed = parseFlags(rest, spec.flags, verb);
  let ctx: KubectlContext | undefined;
  try {
    ctx = openContext(parsed, io, signal);
    return await spec.run(ctx, parsed);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.stderr(`${errorLine(error)}\n`);
    return 1;
  } finally {
    ctx?.api.close();
  }
}
