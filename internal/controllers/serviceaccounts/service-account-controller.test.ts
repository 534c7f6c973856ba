import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../../../test/support/poll.ts';
import { ApiClient } from '../../client/index.ts';
import { startTestApiServer } from '../../client/test-api-server.ts';
import { createLogger } from '../../util/log.ts';
import { missingAccounts, namespaceActive, runServiceAccountController } from './service-account-controller.ts';

describe('service account controller', () => {
  it('only active namespaces get accounts', () => {
    assert.equal(namespaceActive({ metadata: { name: 'a' } }), true);
    assert.equal(namespaceActive({ metadata: { name: 'a' }, status: { phase: 'Active' } }), true);
    assert.equal(namespaceActive({ metadata: { name: 'a' }, status: { phase: 'Terminating' } }), false);
    assert.equal(namespaceActive({ metadata: { name: 'a', deletionTimestamp: '2025-01-01T00:00:00Z' } }), false);
    assert.deepEqual(missingAccounts(['default', 'builder'], (n) => n === 'builder'), ['default']);
  });

  it('every namespace gets a default ServiceAccount, made again when it is deleted', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    const namespaces = api.resource('Namespace', 'v1');
    const accounts = api.resource('ServiceAccount', 'v1');
    await namespaces.create(null, { metadata: { name: 'before' } });
    const stop = new AbortController();
    const running = runServiceAccountController({ api, log: createLogger('error') }, stop.signal);
    t.after(async () => {
      stop.abort();
      await running;
    });
    const exists = async (namespace: string): Promise<boolean> => accounts.get(namespace, 'default').then(() => true, () => false);
    await eventually('the account of a namespace that existed first', () => exists('before'), 10_000, 50);
    await namespaces.create(null, { metadata: { name: 'after' } });
    await eventually('the account of a new namespace', () => exists('after'), 10_000, 50);
    const first = await accounts.get('after', 'default');
    await accounts.delete('after', 'default');
    await eventually('the account made again', async () => (await accounts.get('after', 'default').catch(() => undefined))?.metadata.uid !== first.metadata.uid && (await exists('after')), 10_000, 50);
  });
});
