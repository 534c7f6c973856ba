/**
 * Labels on every sandbox and container the runtime creates. They are the only state a
 * restarted agent needs to find its pods again, so their names are part of the on-disk format.
 */

import { RuntimeError } from './errors.ts';

export const podUidLabel = 'io.skiff.pod-uid';
export const podNamespaceLabel = 'io.skiff.pod-namespace';
export const podNameLabel = 'io.skiff.pod-name';
export const containerNameLabel = 'io.skiff.container-name';
/** On a pod container: the id of its sandbox. */
export const sandboxLabel = 'io.skiff.sandbox';
export const restartCountLabel = 'io.skiff.restart-count';
export const attemptLabel = 'io.skiff.attempt';
/** "sandbox" or "container": tells the two apart and marks objects skiff owns. */
export const typeLabel = 'io.skiff.type';
/** On networks skiff created for pods. */
export const networkLabel = 'io.skiff.network';

const reserved = [podUidLabel, podNamespaceLabel, podNameLabel, containerNameLabel, sandboxLabel,
  restartCountLabel, attemptLabel, typeLabel];

/** Caller labels, refused when one would impersonate the runtime's own. */
export function userLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const taken = Object.keys(labels ?? {}).find((key) => reserved.includes(key));
  if (taken !== undefined) {
    throw new RuntimeError('InvalidArgument', `Cannot use label ${taken} as it is reserved for the runtime`);
  }
  return { ...labels };
}

/** Docker's `filters` query value for "has every one of these labels" (and each of `keys`, any value). */
export function labelFilters(labels: Record<string, string>, keys: string[] = []): string {
  return JSON.stringify({ label: labelFilterValues(labels, keys) });
}

/** The `label` entries of a Docker filter: key=value for each label, the bare key for each of `keys`. */
export function labelFilterValues(labels: Record<string, string>, keys: string[] = []): string[] {
  return [...Object.entries(labels).map(([key, value]) => `${key}=${value}`), ...keys];
}

/** Parses a non-negative integer label, 0 when absent or malformed. */
export function intLabel(labels: Record<string, string>, key: string): number {
  const value = Number(labels[key]);
  return Number.isInteger(value) && value >= 0 ? value : 0;
}
