/**
 * `/stats/summary`: the node's and its pods' resource use in the shape of the kubelet's
 * Summary API (what metrics collectors read through `nodes/{name}/proxy/stats/summary`).
 * Node figures come from /proc and the data directory's filesystem, container figures
 * from the runtime; CPU is cumulative core-nanoseconds, memory in bytes.
 */
import { readFileSync, statfsSync } from 'node:fs';
import { podNameLabel, podNamespaceLabel, podUidLabel } from '../runtime/labels.ts';
import type { ContainerRuntime, ContainerUsage } from '../runtime/types.ts';

/** Linux reports CPU time in ticks of 1/100 s to user space. */
const NANOSECONDS_PER_TICK = 10_000_000;

interface CpuStats {
  time: string;
  usageCoreNanoSeconds: number;
}

interface MemoryStats {
  time: string;
  usageBytes: number;
  workingSetBytes: number;
  availableBytes?: number;
}

/** Reads the summary for this node's pods (`scope` marks its containers). */
export async function statsSummary(runtime: ContainerRuntime, scope: Record<string, string>, nodeName: string, dataDir: string): Promise<object> {
  const now = new Date().toISOString();
  const containers = (await runtime.listContainers({ labels: scope })).filter((c) => c.state === 'running');
  const usages = await Promise.all(containers.map(async (c) => ({ status: c, usage: await runtime.containerUsage?.(c.id).catch(() => undefined) })));
  const pods = new Map<string, { podRef: object; startTime: string; containers: object[]; cpu: CpuStats; memory: MemoryStats }>();
  for (const { status, usage } of usages) {
    if (usage === undefined) continue;
    const uid = status.labels[podUidLabel] ?? status.podUid;
    let pod = pods.get(uid);
    if (pod === undefined) {
      pod = {
        podRef: { name: status.labels[podNameLabel] ?? status.podName, namespace: status.labels[podNamespaceLabel] ?? status.namespace, uid },
        startTime: (status.startedAt ?? status.createdAt).toISOString(),
        containers: [],
        cpu: { time: now, usageCoreNanoSeconds: 0 },
        memory: { time: now, usageBytes: 0, workingSetBytes: 0 },
      };
      pods.set(uid, pod);
    }
    const { cpu, memory } = containerStats(usage);
    pod.containers.push({ name: status.name, startTime: (status.startedAt ?? status.createdAt).toISOString(), cpu, memory });
    pod.cpu.usageCoreNanoSeconds += cpu.usageCoreNanoSeconds;
    pod.memory.usageBytes += memory.usageBytes;
    pod.memory.workingSetBytes += memory.workingSetBytes;
  }
  return { node: nodeStats(nodeName, dataDir, now), pods: [...pods.values()] };
}

function containerStats(usage: ContainerUsage): { cpu: CpuStats; memory: MemoryStats } {
  const time = usage.time.toISOString();
  return {
    cpu: { time, usageCoreNanoSeconds: usage.cpuUsageNanoSeconds },
    memory: { time, usageBytes: usage.memoryUsageBytes, workingSetBytes: usage.memoryWorkingSetBytes },
  };
}

function nodeStats(nodeName: string, dataDir: string, time: string): object {
  const stat = readFileSync('/proc/stat', 'utf8');
  const cpuLine = stat.split('\n').find((line) => line.startsWith('cpu ')) ?? 'cpu';
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is use.
  const ticks = cpuLine.split(/\s+/).slice(1).map(Number);
  const busy = ticks.reduce((sum, value, index) => (index === 3 || index === 4 || Number.isNaN(value) ? sum : sum + value), 0);
  const bootSeconds = Number(/^btime (\d+)$/m.exec(stat)?.[1] ?? 0);
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(meminfo)?.[1] ?? 0) * 1024;
  const total = kib('MemTotal');
  const available = kib('MemAvailable');
  const fs = statfsSync(dataDir);
  return {
    nodeName,
    startTime: new Date(bootSeconds * 1000).toISOString(),
    cpu: { time, usageCoreNanoSeconds: busy * NANOSECONDS_PER_TICK },
    memory: { time, availableBytes: available, usageBytes: total - kib('MemFree'), workingSetBytes: total - available },
    fs: { time, availableBytes: fs.bavail * fs.bsize, capacityBytes: fs.blocks * fs.bsize, usedBytes: (fs.blocks - fs.bfree) * fs.bsize },
  };
}
