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
import { endpointsComponent, serviceLbComponent } from '../controllers/endpoints/index.ts';

export interface ComponentContext {
  /** Loopback client acting as `system:<identity>`. */
  api: ApiClient;
  /** In-process storage, for loops that must not go through HTTP (bulk reads at start-up). */
  registry: StorageRegistry;
  log: Logger;
  /** This server's Node name (its embedded agent's). */
  nodeName: string;
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
  serviceLbComponent,
];
