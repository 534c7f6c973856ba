/**
 * The control-plane loops `skiff server` runs besides the API (scheduler, controllers).
 * Each gets a loopback API client under its own identity (loopback.ts) and runs until
 * the server stops; a loop that fails is logged and restarted after a pause.
 */
import type { ApiClient } from '../client/index.ts';
import type { StorageRegistry } from '../apiserver/registry.ts';
import type { Logger } from '../util/log.ts';
import { controllerManager } from '../controllers/controller-manager.ts';
import { scheduler } from '../scheduler/run.ts';
import { endpointsComponent, mirroringComponent, serviceLbComponent } from '../controllers/endpoints/index.ts';
import { nodeLifecycleComponent } from '../controllers/node-lifecycle/index.ts';
import { disruptionComponent } from '../controllers/disruption/index.ts';
import { serviceAccountComponent } from '../controllers/serviceaccounts/index.ts';
import { eventTtlComponent } from '../controllers/event-ttl/index.ts';

/** Tunables of the control-plane loops, from `skiff server` flags. */
export interface ControlPlaneSettings {
  /** How long a node may go without renewing its Lease before it is marked Unknown (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
}

export interface ComponentContext {
  /** Loopback client acting as `system:<identity>`. */
  api: ApiClient;
  /** In-process storage, for loops that must not go through HTTP (bulk reads at start-up). */
  registry: StorageRegistry;
  log: Logger;
  /** This server's Node name (its embedded agent's). */
  nodeName: string;
  settings?: ControlPlaneSettings;
  signal: AbortSignal;
}

export interface ControlPlaneComponent {
  /** For logs, e.g. "scheduler". */
  name: string;
  /** The identity its client acts as, e.g. "kube-scheduler" (user system:kube-scheduler). */
  identity: string;
  run(context: ComponentContext): Promise<void>;
}

/** Every component the server starts, in order. */
export const controlPlaneComponents: ControlPlaneComponent[] = [
  controllerManager,
  scheduler,
  endpointsComponent,
  mirroringComponent,
  serviceLbComponent,
  nodeLifecycleComponent,
  disruptionComponent,
  serviceAccountComponent,
  eventTtlComponent,
];
