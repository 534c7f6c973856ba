/**
 * Reading kubeconfig files: the current context's cluster and user become a
 * ClientConfig. Supports embedded `*-data` fields and file paths relative to the
 * kubeconfig's directory, as kubectl does.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ClientConfig } from './config.ts';

/** A kubeconfig that cannot be turned into a connection; the message says which field. */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

type Fields = Record<string, unknown>;

export interface LoadKubeconfigOptions {
  /** Use this context instead of `current-context`. */
  context?: string;
  /** Directory relative file paths resolve against when `source.text` is given (default cwd). */
  baseDir?: string;
}

/**
 * Reads a kubeconfig from `{ path }` or `{ text }` and returns the connection of its
 * current context. Throws KubeconfigError when the context, cluster or user is missing.
 */
export function loadKubeconfig(source: { path: string } | { text: string }, options: LoadKubeconfigOptions = {}): ClientConfig {
  const text = 'path' in source ? readFileSync(source.path, 'utf8') : source.text;
  const baseDir = 'path' in source ? dirname(resolve(source.path)) : resolve(options.baseDir ?? '.');
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new KubeconfigError(`Cannot read the kubeconfig as YAML: ${(error as Error).message}`);
  }
  if (!isFields(doc)) throw new KubeconfigError('Cannot read the kubeconfig: it is not a YAML mapping');
  const contextName = options.context ?? stringField(doc, 'current-context');
  if (contextName === undefined || contextName === '') {
    throw new KubeconfigError('Cannot pick a context from the kubeconfig: current-context is not set');
  }
  const context = named(doc, 'contexts', 'context', contextName);
  const clusterName = stringField(context, 'cluster') ?? '';
  const cluster = named(doc, 'clusters', 'cluster', clusterName);
  const userName = stringField(context, 'user');
  const user = userName === undefined || userName === '' ? {} : named(doc, 'users', 'user', userName);

  const server = stringField(cluster, 'server');
  if (server === undefined || server === '') {
    throw new KubeconfigError(`Cannot connect through cluster "${clusterName}": its server is not set`);
  }
  const config: ClientConfig = { server: server.replace(/\/+$/, '') };
  const ca = pem(cluster, 'certificate-authority', baseDir);
  if (ca !== undefined) config.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) config.insecureSkipTlsVerify = true;
  const serverName = stringField(cluster, 'tls-server-name');
  if (serverName) config.tlsServerName = serverName;
  const cert = pem(user, 'client-certificate', baseDir);
  const key = pem(user, 'client-key', baseDir);
  if ((cert === undefined) !== (key === undefined)) {
    throw new KubeconfigError(`Cannot use user "${userName}": it has a client certificate or key but not both`);
  }
  if (cert !== undefined && key !== undefined) {
    config.cert = cert;
    config.key = key;
  }
  const token = stringField(user, 'token') ?? fileText(user, 'tokenFile', baseDir)?.trim();
  if (token) config.token = token;
  return config;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' ? value : undefined;
}

/** The inner map of the entry called `name` in a list like `contexts: [{name, context: {...}}]`. */
function named(doc: Fields, list: string, inner: string, name: string): Fields {
  const entries = doc[list];
  const entry = Array.isArray(entries) ? entries.find((e: unknown) => isFields(e) && e.name === name) : undefined;
  if (!isFields(entry)) throw new KubeconfigError(`Cannot find ${inner} "${name}" in the kubeconfig's ${list}`);
  const fields = entry[inner];
  return isFields(fields) ? fields : {};
}

/** `<field>-data` (base64) wins over `<field>` (a path), as kubectl decides. */
function pem(fields: Fields, field: string, baseDir: string): string | undefined {
  const data = stringField(fields, `${field}-data`);
  if (data !== undefined && data !== '') return Buffer.from(data, 'base64').toString('utf8');
  return fileText(fields, field, baseDir);
}

function fileText(fields: Fields, field: string, baseDir: string): string | undefined {
  const path = stringField(fields, field);
  if (path === undefined || path === '') return undefined;
  const full = isAbsolute(path) ? path : resolve(baseDir, path);
  try {
    return readFileSync(full, 'utf8');
  } catch (error) {
    throw new KubeconfigError(`Cannot read ${field} ${full}: ${(error as Error).message}`);
  }
}
