export { ApiClient, type ApiClientOptions, type QueryValue, type RequestOptions } from './api-client.ts';
export { Backoff, type BackoffOptions } from './backoff.ts';
export { realClock, sleep, type Clock, type TimerHandle } from './clock.ts';
export type { ClientConfig } from './config.ts';
export { ApiStatusError, isExpired, type KubeStatus, type StatusCause, type StatusDetails } from './errors.ts';
export { FakeClock } from './fake-clock.ts';
export { Informer, type InformerHandlers, type InformerOptions } from './informer.ts';
export { KubeconfigError, loadKubeconfig, type LoadKubeconfigOptions } from './kubeconfig.ts';
export {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
} from './rate-limiter.ts';
export {
  ResourceClient,
  resourceSpecOfKind,
  type CallOptions,
  type DeleteOptions,
  type KubeList,
  type ListOptions,
  type PatchOptions,
  type PatchType,
  type ResourceSpec,
  type WatchOptions,
  type WriteOptions,
} from './resource.ts';
export { NAMESPACE_INDEX, objectKey, Store, type IndexFunc } from './store.ts';
export { TokenBucket } from './token-bucket.ts';
export { parseWatchLine, splitLines, watchEvents, type WatchEvent } from './watch-stream.ts';
export { WorkQueue, type WorkQueueOptions } from './work-queue.ts';
export { InformerFactory, type InformerScope } from './informer-factory.ts';
export { fieldManager, forComponent, userAgent } from './user-agent.ts';
