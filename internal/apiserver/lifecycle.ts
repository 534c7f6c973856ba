/**
 * What happens to an object on its way into storage, beyond the generic REST rules:
 * defaulting, validation, managed fields, allocations that commit in the same
 * transaction (cluster IPs, node ports) and follow-up work after a create.
 */
import type { ResourceType } from '../api/resources.ts';
import type { Backend, Compare, Op } from '../datastore/types.ts';
import type { KubeObject } from './objects.ts';

export type WriteOperation = 'create' | 'update' | 'patch' | 'apply';

export interface WriteContext {
  type: ResourceType;
  operation: WriteOperation;
  /** "status", "scale", … for writes through a subresource. */
  subresource: string | undefined;
  fieldManager: string;
  fieldValidation: 'Strict' | 'Warn' | 'Ignore';
  /** Warnings for the client (sent as Warning headers). */
  warnings: string[];
  dryRun: boolean;
  store: Backend;
  now: number;
}

/** Datastore conditions and operations that commit (or fail) together with the object's write. */
export interface TxnExtras {
  compare: Compare[];
  ops: Op[];
  /** Called when the transaction failed although the object's own condition held: a lost allocation race. */
  retryable?: boolean;
}

export const noExtras: TxnExtras = { compare: [], ops: [] };

export interface ObjectLifecycle {
  /**
   * Defaults, validates and records managed fields on the object about to be stored
   * (`previous` is null on create). Throws an ApiError (usually 422) to refuse it.
   */
  admit(object: KubeObject, previous: KubeObject | null, ctx: WriteContext): void | Promise<void>;
  /** Allocations the write needs; may set fields on the object (e.g. spec.clusterIP). */
  allocate(object: KubeObject, previous: KubeObject | null, ctx: WriteContext): TxnExtras | Promise<TxnExtras>;
  /** Operations that release what `object` held, committed with its final deletion. */
  release(object: KubeObject, type: ResourceType): Op[];
  /** Runs after a create is stored (not on dry runs). */
  created(object: KubeObject, type: ResourceType): void | Promise<void>;
}

/** Stores objects exactly as given: the generic REST rules only. */
export const plainLifecycle: ObjectLifecycle = {
  admit: () => undefined,
  allocate: () => noExtras,
  release: () => [],
  created: () => undefined,
};
