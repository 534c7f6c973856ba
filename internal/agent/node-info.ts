/**
 * What a Node reports about its machine: capacity and allocatable (cpu, memory, pods,
 * ephemeral-storage), addresses and nodeInfo, read from the host.
 */
import { readFileSync, statfsSync } from 'node:fs';
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import { hostIpv4Addresses } from '../util/ip.ts';

export interface NodeResources {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
}

export interface NodeInfo {
  architecture: string;
  operatingSystem: string;
  osImage: string;
  kernelVersion: string;
  containerRuntimeVersion: string;
  kubeletVersion: string;
  kubeProxyVersion: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
}

export interface HostFacts {
  cpus: number;
  memoryBytes: number;
  /** Size of the filesystem holding the data directory. */
  diskBytes: number;
  maxPods: number;
}

/** Memory the node keeps for the system and skiff itself, as kubelet's reservations do. */
const reservedMemoryBytes = 100 * 2 ** 20;

/** Reads this machine's facts (`dataDir` names the filesystem pods' data lives on). */
export function hostFacts(dataDir: string, maxPods = 110): HostFacts {
  const fs = statfsSync(dataDir);
  return { cpus: cpus().length, memoryBytes: totalmem(), diskBytes: fs.blocks * fs.bsize, maxPods };
}

/** Capacity as the machine has it; allocatable minus what the system keeps. */
export function nodeResources(facts: HostFacts): NodeResources {
  const memoryKi = Math.floor(facts.memoryBytes / 1024);
  const allocatableKi = Math.max(0, Math.floor((facts.memoryBytes - reservedMemoryBytes) / 1024));
  const capacity = {
    cpu: String(facts.cpus),
    memory: `${memoryKi}Ki`,
    pods: String(facts.maxPods),
    'ephemeral-storage': `${Math.floor(facts.diskBytes / 1024)}Ki`,
  };
  // Like kubelet's eviction threshold of 10% disk, allocatable storage leaves some free.
  const allocatable = { ...capacity, memory: `${allocatableKi}Ki`, 'ephemeral-storage': String(Math.floor(facts.diskBytes * 0.9)) };
  return { capacity, allocatable };
}

/** Node addresses: this machine's host name and its first non-loopback IPv4 (or `ip` when given). */
export function nodeAddresses(ip?: string): Array<{ type: string; address: string }> {
  const internal = ip ?? hostIpv4Addresses()[0];
  return [...(internal === undefined ? [] : [{ type: 'InternalIP', address: internal }]), { type: 'Hostname', address: hostname() }];
}

/** nodeInfo of this machine; `runtimeVersion` is e.g. "docker://28.2.2". */
export function nodeInfo(runtimeVersion: string, kubeletVersion: string): NodeInfo {
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      // Absent on some systems (containers, non-systemd hosts): reported empty, as kubelet does.
      return '';
    }
  };
  const osRelease = read('/etc/os-release');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'Linux';
  return {
    architecture: arch() === 'x64' ? 'amd64' : arch(),
    operatingSystem: 'linux',
    osImage: pretty,
    kernelVersion: release(),
    containerRuntimeVersion: runtimeVersion,
    kubeletVersion,
    kubeProxyVersion: kubeletVersion,
    machineID: read('/etc/machine-id'),
    systemUUID: read('/sys/class/dmi/id/product_uuid'),
    bootID: read('/proc/sys/kernel/random/boot_id'),
  };
}
