export { serverSideApply, BEFORE_FIRST_APPLY, type ApplyOptions } from './apply.ts';
export { trackUpdate, type TrackUpdateOptions } from './update.ts';
export { FieldSet } from './field-set.ts';
export { decodeManagedFields, encodeManagedFields, type ManagerEntry } from './managed-fields.ts';
export { pathString, serializeElement, type Path, type PathElement } from './path-element.ts';
export { ApplyConflictError, type Conflict } from './conflict.ts';
