/**
 * Resource amounts as the scheduler counts them: cpu in millicores, memory and
 * ephemeral storage in bytes, other resources (extended, hugepages) by name. A pod's
 * effective request follows Kubernetes: app containers (and sidecars) add up, each
 * ordinary init container runs alone beside the sidecars started before it, the pod
 * needs the larger of the two, plus its overhead.
 */
import { parseQuantity } from '../api/validation/quantity.ts';
import type { Container, Pod, ResourceList } from './types.ts';

/** An amount of each resource in the scheduler's units. */
export interface Resources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Everything else by resource name (only non-zero amounts). */
  scalar: Record<string, number>;
}

/** What scoring assumes for a container that states no cpu request (100m). */
export const defaultMilliCpuRequest = 100;
/** What scoring assumes for a container that states no memory request (200 MiB). */
export const defaultMemoryRequest = 200 * 1024 * 1024;

/** Names counted elsewhere than in `scalar`. */
const notScalar = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods', 'storage']);

/** A new zero amount. */
export function emptyResources(): Resources {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: {} };
}

/** Rounds up as resource.Quantity does, without turning 0.1 × 1000 into 101. */
function roundUp(value: number): number {
  return Math.ceil(value - Math.abs(value) * 1e-12);
}

/** The amount of one quantity in the scheduler's unit for `name` (millicores for cpu); 0 when malformed. */
export function quantityOf(name: string, value: string | number | undefined): number {
  const parsed = parseQuantity(value);
  if (parsed === undefined) return 0;
  return roundUp(name === 'cpu' ? parsed * 1000 : parsed);
}

/** A resource list (requests, allocatable) as Resources. */
export function resourcesOf(list: ResourceList | undefined): Resources {
  const result = emptyResources();
  if (list === undefined) return result;
  for (const [name, value] of Object.entries(list)) add(result, name, quantityOf(name, value));
  return result;
}

function add(target: Resources, name: string, amount: number): void {
  if (name === 'cpu') target.milliCpu += amount;
  else if (name === 'memory') target.memory += amount;
  else if (name === 'ephemeral-storage') target.ephemeralStorage += amount;
  else if (!notScalar.has(name) && amount !== 0) target.scalar[name] = (target.scalar[name] ?? 0) + amount;
}

/** Adds `b` into `a`, scaled by `sign` (1 or -1). */
export function addInto(a: Resources, b: Resources, sign = 1): void {
  a.milliCpu += sign * b.milliCpu;
  a.memory += sign * b.memory;
  a.ephemeralStorage += sign * b.ephemeralStorage;
  for (const [name, amount] of Object.entries(b.scalar)) {
    const next = (a.scalar[name] ?? 0) + sign * amount;
    if (next === 0) delete a.scalar[name];
    else a.scalar[name] = next;
  }
}

function maxInto(a: Resources, b: Resources): void {
  a.milliCpu = Math.max(a.milliCpu, b.milliCpu);
  a.memory = Math.max(a.memory, b.memory);
  a.ephemeralStorage = Math.max(a.ephemeralStorage, b.ephemeralStorage);
  for (const [name, amount] of Object.entries(b.scalar)) a.scalar[name] = Math.max(a.scalar[name] ?? 0, amount);
}

function copy(r: Resources): Resources {
  return { milliCpu: r.milliCpu, memory: r.memory, ephemeralStorage: r.ephemeralStorage, scalar: { ...r.scalar } };
}

/** One container's requests; with `defaults`, a missing cpu or memory request counts as the scoring default. */
function containerRequests(container: Container, defaults: boolean): Resources {
  const requests = container.resources?.requests;
  const result = resourcesOf(requests);
  if (defaults) {
    if (requests?.cpu === undefined) result.milliCpu = defaultMilliCpuRequest;
    if (requests?.memory === undefined) result.memory = defaultMemoryRequest;
  }
  return result;
}

/**
 * The pod's effective request. With `defaults` (what resource scoring uses), containers
 * that state no cpu or memory request count as 100m and 200 MiB.
 */
export function podRequests(pod: Pod, defaults = false): Resources {
  const spec = pod.spec ?? {};
  const total = emptyResources();
  for (const container of spec.containers ?? []) addInto(total, containerRequests(container, defaults));
  const sidecars = emptyResources();
  const initPeak = emptyResources();
  for (const container of spec.initContainers ?? []) {
    const own = containerRequests(container, defaults);
    if (container.restartPolicy === 'Always') {
      // A sidecar keeps running beside the app containers and every later init container.
      addInto(total, own);
      addInto(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const whileRunning = copy(own);
      addInto(whileRunning, sidecars);
      maxInto(initPeak, whileRunning);
    }
  }
  maxInto(total, initPeak);
  if (spec.overhead !== undefined) addInto(total, resourcesOf(spec.overhead));
  return total;
}

/** True when the pod requests nothing at all (Kubernetes skips the fit check's resource part then). */
export function isZero(r: Resources): boolean {
  return r.milliCpu === 0 && r.memory === 0 && r.ephemeralStorage === 0 && Object.keys(r.scalar).length === 0;
}
