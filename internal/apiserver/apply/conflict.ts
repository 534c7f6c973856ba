/** The 409 an apply gets when it would change fields another manager owns. */
import { ApiError, type StatusCause } from '../status.ts';
import type { ManagerEntry } from './managed-fields.ts';
import { pathString, type Path } from './path-element.ts';

export interface Conflict {
  readonly entry: ManagerEntry;
  readonly path: Path;
}

/** How messages name a manager: `"kubectl-edit" using apps/v1`, `"ctl" with subresource "status"`. */
export function describeManager(e: ManagerEntry): string {
  let text = JSON.stringify(e.manager);
  if (e.subresource !== '') text += ` with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === 'Update' ? `${text} using ${e.apiVersion}` : text;
}

/** A 409 that also carries the conflicts as paths, for callers that may resolve them. */
export class ApplyConflictError extends ApiError {
  readonly conflicts: readonly Conflict[];
  constructor(message: string, causes: StatusCause[], conflicts: readonly Conflict[]) {
    super(409, 'Conflict', message, { causes });
    this.conflicts = conflicts;
  }
}

export function conflictError(conflicts: readonly Conflict[]): ApplyConflictError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(c.entry)}`,
    field: pathString(c.path),
  }));
  let message: string;
  const first = conflicts[0];
  if (conflicts.length === 1 && first) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(first.entry)}: ${pathString(first.path)}`;
  } else {
    const byManager = new Map<string, { entry: ManagerEntry; paths: string[] }>();
    for (const c of conflicts) {
      const id = describeManager(c.entry);
      const group = byManager.get(id) ?? { entry: c.entry, paths: [] };
      group.paths.push(pathString(c.path));
      byManager.set(id, group);
    }
    const lines: string[] = [];
    for (const id of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${id}:`);
      for (const p of byManager.get(id)?.paths ?? []) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApplyConflictError(message, causes, conflicts);
}
