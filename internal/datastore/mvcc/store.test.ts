import { join } from 'node:path';
import { runBackendCases } from '../backend.case.test.ts';
import { MvccStore } from './store.ts';

runBackendCases('single-node SQLite', async ({ dir, now }) =>
  MvccStore.open({ file: join(dir, 'state.db'), now, leaseCheckIntervalMs: 5, compactIntervalMs: 0 }),
);
