/**
 * Runs the host tools the proxy drives (iptables-restore, iptables, sysctl, ipvsadm).
 * A runner may prefix every command, e.g. with `nsenter --net=…` to program another
 * network namespace.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command with optional stdin; never throws for a non-zero exit (the caller decides). */
export interface CommandRunner {
  run(command: string, args: readonly string[], input?: string): Promise<CommandResult>;
}

/** A runner spawning commands on this machine, each behind `prefix` (e.g. `['nsenter', '--net=/var/run/netns/x']`). */
export function hostRunner(prefix: readonly string[] = []): CommandRunner {
  return {
    run(command, args, input) {
      const [file, ...rest] = prefix.length > 0 ? [...prefix, command, ...args] : [command, ...args];
      return new Promise((resolve, reject) => {
        const child = spawn(file ?? command, rest, {
          stdio: ['pipe', 'pipe', 'pipe'],
          env: { ...process.env, PATH: `/usr/sbin:/sbin:${process.env.PATH ?? '/usr/bin:/bin'}` },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.once('error', (error: NodeJS.ErrnoException) => {
          reject(new Error(`Cannot run ${command}: ${error.code === 'ENOENT' ? `${file ?? command} is not installed` : error.message}`));
        });
        child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
        // A tool that exits before reading stdin must not crash the agent with EPIPE.
        child.stdin.on('error', () => undefined);
        child.stdin.end(input ?? '');
      });
    },
  };
}

/** Runs and throws "Cannot <what>: …" with the tool's own message unless it exits 0. */
export async function runChecked(runner: CommandRunner, what: string, command: string, args: readonly string[], input?: string): Promise<string> {
  const result = await runner.run(command, args, input);
  if (result.code !== 0) {
    const detail = (result.stderr.trim() || result.stdout.trim() || `exit code ${result.code}`).split('\n').slice(0, 5).join('; ');
    throw new Error(`Cannot ${what}: ${command} ${args.join(' ')} failed: ${detail}`);
  }
  return result.stdout;
}
