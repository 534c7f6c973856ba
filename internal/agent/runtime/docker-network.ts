/** The node's pod network as a Docker bridge network. */
import type Docker from 'dockerode';
import { RuntimeError, fromEngine } from './errors.ts';
import { networkLabel } from './labels.ts';
import type { NetworkConfig } from './types.ts';

/**
 * Creates the bridge network, or accepts an existing one with the same subnet; resolves with
 * its id. A pod network of skiff's under the same name with another subnet and nothing
 * attached (the node was given a new subnet, or an earlier cluster left it) is replaced.
 */
export async function ensureNetwork(docker: Docker, config: NetworkConfig): Promise<string> {
  const existing = await inspect(docker, config.name);
  if (existing) {
    const unused = Object.keys(existing.Containers ?? {}).length === 0;
    if (!hasSubnet(existing, config) && unused && existing.Labels?.[networkLabel] === 'pod') {
      await removeNetwork(docker, config.name);
    } else {
      return matching(existing, config);
    }
  }
  try {
    const created = await docker.createNetwork({
      Name: config.name,
      Driver: 'bridge',
      CheckDuplicate: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: config.subnet, Gateway: config.gateway }] },
      Labels: { [networkLabel]: 'pod' },
    });
    return created.id;
  } catch (error) {
    const code = (error as { statusCode?: number }).statusCode;
    if (code === 409) {
      // Another agent process created it first.
      const raced = await inspect(docker, config.name);
      if (raced) return matching(raced, config);
    }
    const engine = fromEngine(error, `create network ${config.name} with subnet ${config.subnet}`);
    // The daemon answers 403 when the subnet overlaps another network's.
    if (code === 403) throw new RuntimeError('Conflict', engine.message, { cause: error });
    throw engine;
  }
}

/** Removes the network; a missing one is not an error. */
export async function removeNetwork(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getNetwork(name).remove();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw fromEngine(error, `remove network ${name}`);
  }
}

async function inspect(docker: Docker, name: string): Promise<Docker.NetworkInspect | undefined> {
  try {
    const info = await docker.getNetwork(name).inspect();
    // Inspect also matches id prefixes; only an exact name counts.
    return info.Name === name ? info : undefined;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw fromEngine(error, `inspect network ${name}`);
  }
}

function hasSubnet(info: Docker.NetworkInspect, config: NetworkConfig): boolean {
  return (info.IPAM.Config ?? []).some((c) => c.Subnet === config.subnet);
}

function matching(info: Docker.NetworkInspect, config: NetworkConfig): string {
  const subnets = (info.IPAM.Config ?? []).map((c) => c.Subnet);
  if (!hasSubnet(info, config)) {
    throw new RuntimeError('Conflict',
      `Cannot use network ${config.name} for subnet ${config.subnet}: it exists with subnet ${subnets.join(', ') || 'none'} and containers are still attached; remove them (docker network inspect ${config.name}) or the network`);
  }
  return info.Id;
}
