/**
 * Creating and starting one container instance: image, config, create, start, postStart. An
 * image that need not be pulled first is not looked up: the create fails when it is missing.
 */
import type { KubeObject } from '../../apiserver/objects.ts';
import type { Clock } from '../../client/clock.ts';
import { isRuntimeError } from '../runtime/errors.ts';
import type { ContainerRuntime, ContainerSpec, ContainerStatus, SandboxStatus } from '../runtime/types.ts';
import { containerConfig } from './container-config.ts';
import type { SourceCache } from './env.ts';
import { ConfigError, type PodAddresses } from './field-ref.ts';
import { runHandler } from './handlers.ts';
import { imagePresent, missingImage, prepareImage, pullPolicy, type Waiting } from './images.ts';
import { noEvents, type EventSink } from './pod-events.ts';
import { instancesOf } from './pod-status.ts';
import type { ContainerSpecV1 } from './pod-types.ts';
import type { RestartBackoff } from './restart-backoff.ts';
import type { PreparedVolume } from './volumes.ts';

export interface StartContext {
  runtime: ContainerRuntime;
  clock: Clock;
  pullBackoff: RestartBackoff;
  pod: KubeObject;
  sandbox: SandboxStatus;
  volumes: ReadonlyMap<string, PreparedVolume>;
  addresses: PodAddresses;
  sources: SourceCache;
  graceSeconds: number;
  scopeLabels: Record<string, string>;
  /** Events about a container of the pod. */
  events?: (container: string) => EventSink;
  /** Told the id of each container created, at once (before it is started). */
  created?: (id: string) => void;
}

/** Starts an instance; resolves with a Waiting when it could not, else undefined. */
export async function startContainer(
  context: StartContext,
  container: ContainerSpecV1,
  restartCount: number,
): Promise<Waiting | undefined> {
  const { runtime, pod } = context;
  const uid = pod.metadata.uid ?? '';
  const now = context.clock.now();
  const events = context.events?.(container.name) ?? noEvents;
  const pullKey = `${uid}/${container.image}`;
  const pulled = await prepareImage(runtime, container, context.pullBackoff, pullKey, now, events);
  if (pulled) return pulled;
  const failed = (waiting: Waiting): Waiting => {
    events.repeat('Warning', 'Failed', `Error: ${waiting.message}`);
    return waiting;
  };
  let config: ContainerSpec;
  try {
    config = { ...await containerConfig(pod, container, context.volumes, context.addresses, context.sources, restartCount), labels: context.scopeLabels };
  } catch (error) {
    if (error instanceof ConfigError) return failed({ reason: 'CreateContainerConfigError', message: error.message });
    throw error;
  }
  const policy = pullPolicy(container);
  const create = async (): Promise<{ id: string } | { waiting: Waiting } | { missing: string }> => {
    try {
      const id = await runtime.createContainer(context.sandbox, config);
      context.created?.(id);
      return { id };
    } catch (error) {
      if (isRuntimeError(error, 'ImageNotFound')) return { missing: error.message };
      if (isRuntimeError(error)) return { waiting: failed({ reason: 'CreateContainerError', message: error.message }) };
      throw error;
    }
  };
  let made = await create();
  if ('missing' in made && policy !== 'Always') {
    // Never waits for someone to load the image; IfNotPresent pulls it now and creates again.
    const waiting = await missingImage(runtime, container, context.pullBackoff, pullKey, now, events);
    if (waiting) return waiting;
    made = await create();
  } else if ('id' in made && policy !== 'Always') {
    imagePresent(container, events);
  }
  if ('missing' in made) {
    // Gone again between the pull and the create.
    return failed({ reason: 'ErrImageNeverPull', message: `Container image "${container.image}" is not present: ${made.missing}` });
  }
  if ('waiting' in made) return made.waiting;
  const { id } = made;
  events.emit('Normal', 'Created', `Created container ${container.name}`);
  try {
    await runtime.startContainer(id);
  } catch (error) {
    if (isRuntimeError(error)) return failed({ reason: 'RunContainerError', message: error.message });
    throw error;
  }
  events.emit('Normal', 'Started', `Started container ${container.name}`);
  const postStart = container.lifecycle?.postStart;
  if (postStart) {
    const target = { runtime, containerId: id, podIP: context.addresses.podIP, ports: container.ports, clock: context.clock };
    const result = await runHandler(postStart, target, context.graceSeconds * 1000);
    if (!result.ok) {
      // As in Kubernetes: a failed postStart kills the container, and the restart policy decides.
      events.emit('Warning', 'FailedPostStartHook', `PostStartHook failed: ${result.message}`);
      events.emit('Normal', 'Killing', `FailedPostStartHook`);
      await runtime.stopContainer(id, context.graceSeconds);
      return undefined;
    }
  }
  return undefined;
}

/**
 * Removes dead instances of a container beyond the newest two: the current one and the
 * previous one, which `logs --previous` reads. Resolves with the ids removed.
 */
export async function pruneDead(runtime: ContainerRuntime, instances: ContainerStatus[], names: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const name of names) {
    for (const old of instancesOf(instances, name).slice(2)) {
      if (old.state === 'running') continue;
      await runtime.removeContainer(old.id);
      removed.push(old.id);
    }
  }
  return removed;
}
