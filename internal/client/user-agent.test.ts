import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldManager, forComponent, userAgent } from './user-agent.ts';

describe('user agent', () => {
  it('names the version, Go-style architecture and component', () => {
    assert.equal(userAgent('scheduler', { version: '0.1.0', arch: 'x64' }), 'skiff/0.1.0 (linux/amd64) scheduler');
    assert.equal(userAgent('agent', { version: '1.2.3', arch: 'arm64' }), 'skiff/1.2.3 (linux/arm64) agent');
    assert.match(userAgent('kubectl'), /^skiff\/\d+\.\d+\.\d+\S* \(linux\/\w+\) kubectl$/);
  });

  it('gives each component its own field manager, within the 128-character limit', () => {
    assert.equal(fieldManager('deployment-controller'), 'skiff-deployment-controller');
    assert.equal(fieldManager('x'.repeat(300)).length, 128);
  });

  it('keeps a user agent the config already has', () => {
    assert.equal(forComponent({ server: 'https://s', userAgent: 'mine' }, 'agent').userAgent, 'mine');
    assert.match(forComponent({ server: 'https://s' }, 'agent').userAgent ?? '', /\) agent$/);
  });
});
