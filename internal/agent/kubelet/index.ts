export { Kubelet } from './kubelet.ts';
export type { BackoffTimings, ContainerStatusV1, KubeletOptions, ObjectLookup, PodCondition, PodPhase, PodStatus } from './types.ts';
