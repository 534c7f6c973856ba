export * from './types.ts';
export { RawNode } from './raw-node.ts';
export type { RaftStatus } from './raw-node.ts';
export { MemoryStorage } from './memory-storage.ts';
export { bootstrapEntries } from './bootstrap.ts';
