/** What `skiff token create|list|delete` do: bootstrap-token Secrets through the local server's API. */
import { existsSync } from 'node:fs';
import { ApiClient, loadKubeconfig } from '../../client/index.ts';
import { caHash } from '../../pki/index.ts';
import { adminKubeconfigPath } from '../../server/run.ts';
import { hostIpv4Addresses } from '../../util/ip.ts';
import { alignCells } from '../../kubectl/table.ts';
import { formatJoinToken, generateJoinToken } from '../../join/token.ts';
import { deleteToken, listTokens, storeToken } from '../../join/token-store.ts';
import type { Invocation } from '../command.ts';
import type { tokenCreateFlags, tokenFlags } from './token.ts';

export class TokenCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenCommandError';
  }
}

function connect(dataDir: string): { api: ApiClient; ca: string; server: URL } {
  const path = adminKubeconfigPath(dataDir);
  if (!existsSync(path)) {
    throw new TokenCommandError(`Cannot reach the cluster as ${path} does not exist: run this on a server machine after 'skiff server' has started, or pass its --data-dir`);
  }
  const config = loadKubeconfig({ path });
  if (config.ca === undefined) throw new TokenCommandError(`Cannot use ${path} as it has no certificate-authority-data`);
  return { api: new ApiClient({ ...config, userAgent: 'skiff-token' }), ca: config.ca, server: new URL(config.server) };
}

/** The address other machines reach this server at: its first non-loopback IPv4 when it serves on loopback. */
function joinAddress(server: URL): string {
  const port = server.port || '6443';
  if (server.hostname !== '127.0.0.1' && server.hostname !== 'localhost') return `${server.hostname}:${port}`;
  return `${hostIpv4Addresses()[0] ?? server.hostname}:${port}`;
}

export async function createTokenAction({ settings, io }: Invocation<typeof tokenCreateFlags>): Promise<number> {
  const { api, ca, server } = connect(settings['data-dir']);
  try {
    const token = { ...generateJoinToken(caHash(ca)), server: joinAddress(server) };
    await storeToken(api, token, { ttlMs: settings.ttl, description: settings.description, now: Date.now() });
    const text = formatJoinToken(token);
    io.stdout(settings['print-join-command'] ? `skiff agent join ${text}\n` : `${text}\n`);
    return 0;
  } finally {
    api.close();
  }
}

export async function listTokensAction({ settings, io }: Invocation<typeof tokenFlags>): Promise<number> {
  const { api } = connect(settings['data-dir']);
  try {
    const tokens = await listTokens(api);
    const rows = [['TOKEN ID', 'EXPIRES', 'DESCRIPTION'], ...tokens.map((t) => [t.id, t.expires === undefined ? '<forever>' : new Date(t.expires).toISOString().replace(/\.\d+Z$/, 'Z'), t.description || '<none>'])];
    io.stdout(alignCells(rows));
    return 0;
  } finally {
    api.close();
  }
}

export async function deleteTokensAction({ settings, args, io }: Invocation<typeof tokenFlags>): Promise<number> {
  const { api } = connect(settings['data-dir']);
  let code = 0;
  try {
    for (const id of args) {
      if (await deleteToken(api, id)) io.stdout(`token ${id} deleted\n`);
      else {
        io.stderr(`skiff: token ${id} not found; 'skiff token list' shows the tokens\n`);
        code = 1;
      }
    }
    return code;
  } finally {
    api.close();
  }
}
