/**
 * Benchmark entry: `npm run bench -- <name>` (no name: all of them). Every figure is
 * printed as a `name=value` line, next to a baseline measured in the same run.
 */
import { requirePinnedNode } from '../build/runtime.ts';

requirePinnedNode('npm run bench');

const benches: Record<string, () => Promise<void>> = {
  store: async () => (await import('./store.ts')).runStoreBench(),
  api: async () => (await import('./api.ts')).runApiBench(),
  pods: async () => (await import('./pods.ts')).runPodsBench(),
  scheduler: async () => (await import('./scheduler.ts')).runSchedulerBench(),
  proxy: async () => (await import('./proxy.ts')).runProxyBench(),
  raft: async () => (await import('./raft.ts')).runRaftBench(),
};

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const names = requested.length > 0 ? requested : Object.keys(benches);
for (const name of names) {
  const bench = benches[name];
  if (bench === undefined) {
    process.stderr.write(`bench: unknown benchmark ${JSON.stringify(name)}; choose one of: ${Object.keys(benches).join(', ')}\n`);
    process.exit(2);
  }
}
for (const name of names) await benches[name]?.();
