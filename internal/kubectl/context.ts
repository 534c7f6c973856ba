/**
 * What every verb works with: the API client built from the chosen kubeconfig, the
 * namespace to use, and the output streams.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../cli/command.ts';
import { ApiClient, loadKubeconfig } from '../client/index.ts';
import { KubectlError } from './errors.ts';
import { stringFlag, type ParsedFlags } from './flags.ts';

/** The server's admin kubeconfig, written by `skiff server`. */
export const serverKubeconfig = '/etc/skiff/skiff.yaml';

/** The field manager server-side apply records. */
export const fieldManager = 'skiff-kubectl';

/**
 * The field manager of the other writes: one per verb, so that a label change (an
 * Update) never shares a manager with apply and make the next apply conflict.
 */
export function managerFor(verb: 'create' | 'label' | 'scale'): string {
  return `${fieldManager}-${verb}`;
}

/** A verb's view of the cluster and the terminal. */
export interface KubectlContext {
  readonly api: ApiClient;
  /** -n, else "default". */
  readonly namespace: string;
  /** Whether -n was given (apply checks manifests against it). */
  readonly namespaceGiven: boolean;
  readonly io: CliIo;
  /** Stops long waits and watches (Ctrl-C, tests). */
  readonly signal: AbortSignal;
}

/** --kubeconfig, else the first file of $KUBECONFIG, else the server's admin kubeconfig, else ~/.kube/config. */
export function kubeconfigPath(flag: string | undefined, env: CliIo['env']): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = (env.KUBECONFIG ?? '').split(':').find((p) => p !== '');
  if (fromEnv !== undefined) return fromEnv;
  if (existsSync(serverKubeconfig)) return serverKubeconfig;
  const home = env.HOME;
  if (home === undefined || home === '') {
    throw new KubectlError(`Cannot find a kubeconfig: ${serverKubeconfig} does not exist and HOME is not set; pass --kubeconfig`);
  }
  return join(home, '.kube', 'config');
}

/** Builds the context from the global flags; throws when the kubeconfig cannot be read. */
export function openContext(parsed: ParsedFlags, io: CliIo, signal: AbortSignal): KubectlContext {
  const path = kubeconfigPath(stringFlag(parsed, 'kubeconfig'), io.env);
  if (!existsSync(path)) throw new KubectlError(`Cannot read kubeconfig ${path}: the file does not exist; pass --kubeconfig or set KUBECONFIG`);
  const config = loadKubeconfig({ path });
  config.userAgent = 'skiff-kubectl';
  const namespace = stringFlag(parsed, 'namespace');
  return {
    api: new ApiClient(config),
    namespace: namespace === undefined || namespace === '' ? 'default' : namespace,
    namespaceGiven: namespace !== undefined && namespace !== '',
    io,
    signal,
  };
}
