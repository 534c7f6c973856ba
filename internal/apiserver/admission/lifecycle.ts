/**
 * The API server's object lifecycle for built-in kinds: field shape checks, defaults,
 * validation and managed fields on every write; Service allocations in the write's
 * transaction; a default ServiceAccount in each new namespace.
 */
import { applyDefaults, defaultJobSelector } from '../../api/defaults/index.ts';
import { apiVersionOf } from '../../api/resources.ts';
import { kindDefinition } from '../../api/schema/registry.ts';
import { validateCreate, validateUpdate } from '../../api/validation/index.ts';
import { timestamp } from '../../api/meta.ts';
import { trackUpdate } from '../apply/index.ts';
import { noExtras, type ObjectLifecycle, type WriteContext } from '../lifecycle.ts';
import type { JsonObject, KubeObject } from '../objects.ts';
import type { StorageRegistry } from '../registry.ts';
import { ApiError, invalid } from '../status.ts';
import { checkShape, dropFields } from './field-shape.ts';
import { allocateService, releaseService, type ServiceNetwork } from './service-allocation.ts';

export interface LifecycleOptions {
  network: ServiceNetwork;
  /** The registry, for follow-up objects (default ServiceAccounts). */
  registry: () => StorageRegistry;
}

export function createLifecycle(options: LifecycleOptions): ObjectLifecycle {
  return {
    admit(object, previous, ctx) {
      checkFields(object, ctx);
      if (previous === null) {
        applyDefaults(ctx.type, object);
        // A new pod has not been scheduled yet, whatever status the client sent.
        if (ctx.type.kind === 'Pod' && ctx.type.group === '') object.status = { phase: 'Pending' };
        if (ctx.type.kind === 'Job' && ctx.type.group === 'batch') defaultJobSelector(object);
      } else if (ctx.subresource === undefined) {
        applyDefaults(ctx.type, object);
      }
      // A binding sets spec.nodeName, which a pod update may not change: it is not validated as one (as upstream's BindingREST).
      const causes = previous === null ? validateCreate(ctx.type, object) : ctx.subresource === 'binding' ? [] : validateUpdate(ctx.type, object, previous);
      if (causes.length > 0) throw invalid(ctx.type.kind, ctx.type.group, object.metadata.name ?? '', causes);
      if (ctx.operation !== 'apply') recordManager(object, previous, ctx);
    },
    allocate(object, previous, ctx) {
      if (ctx.type.kind === 'Service' && ctx.type.group === '') return allocateService(object, previous, options.network, ctx.store);
      return noExtras;
    },
    release(object, type) {
      return type.kind === 'Service' && type.group === '' ? releaseService(object) : [];
    },
    async created(object, type) {
      if (type.kind !== 'Namespace' || type.group !== '') return;
      try {
        await options.registry().get('', 'v1', 'serviceaccounts').create(object.metadata.name ?? '', { metadata: { name: 'default' } }, { fieldManager: 'skiff-serviceaccount' });
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 409)) throw error;
      }
    },
  };
}

/** Wrong types are always refused; unknown fields per fieldValidation (Strict refuses, Warn warns, Ignore drops). */
function checkFields(object: KubeObject, ctx: WriteContext): void {
  const def = kindDefinition(ctx.type.group, ctx.type.version, ctx.type.kind);
  if (def === undefined) return;
  const { unknown, wrongType } = checkShape(def, object);
  const handled = `${ctx.type.kind} in version "${ctx.type.version}" cannot be handled as a ${ctx.type.kind}`;
  if (wrongType.length > 0) {
    const first = wrongType[0];
    throw new ApiError(400, 'BadRequest', `${handled}: ${first ? `json: cannot unmarshal ${first.got} into field ${first.path} of type ${first.expected}` : ''}`, {
      kind: ctx.type.kind,
      group: ctx.type.group,
      causes: wrongType.map((p) => ({ reason: 'FieldValueTypeInvalid', message: `Invalid value: expected ${p.expected}, got ${p.got}`, field: p.path })),
    });
  }
  if (unknown.length === 0) return;
  if (ctx.fieldValidation === 'Strict') {
    const list = unknown.map((path) => `unknown field "${path}"`).join(', ');
    throw new ApiError(400, 'BadRequest', `${handled}: strict decoding error: ${list}`, {
      kind: ctx.type.kind,
      group: ctx.type.group,
      causes: unknown.map((path) => ({ reason: 'FieldValueUnknown', message: `unknown field "${path}"`, field: path })),
    });
  }
  if (ctx.fieldValidation === 'Warn') for (const path of unknown) ctx.warnings.push(`unknown field "${path}"`);
  dropFields(object, unknown);
}

function recordManager(object: KubeObject, previous: KubeObject | null, ctx: WriteContext): void {
  const tracked = trackUpdate({
    previous: previous as JsonObject | null,
    next: object as JsonObject,
    manager: ctx.fieldManager || 'unknown',
    operation: 'Update',
    def: kindDefinition(ctx.type.group, ctx.type.version, ctx.type.kind),
    now: timestamp(ctx.now),
    apiVersion: apiVersionOf(ctx.type),
    subresource: ctx.subresource,
  });
  object.metadata.managedFields = (tracked.metadata as KubeObject['metadata']).managedFields;
}
