export { Kubelet } from './kubelet.ts';
export { podChanged } from './pod-changes.ts';
export type { BackoffTimings, ContainerStatusV1, KubeletEvent, KubeletOptions, ObjectLookup, PodCondition, PodPhase, PodStatus } from './types.ts';
export { CachedLookup, type CachedLookupOptions, type ObjectFetcher } from './object-cache.ts';
export { StatusManager, type StatusManagerOptions, type StatusWriter } from './status-manager.ts';
