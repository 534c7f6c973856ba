import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJoinToken, generateJoinToken, JoinTokenError, parseJoinToken } from './token.ts';

const hash = 'a'.repeat(64);

describe('join tokens', () => {
  it('a generated token formats as K10<ca hash>::<id>.<secret> and parses back', () => {
    const token = generateJoinToken(hash);
    const text = formatJoinToken(token);
    assert.match(text, /^K10a{64}::[a-z0-9]{6}\.[a-z0-9]{16}$/);
    assert.deepEqual(parseJoinToken(`  ${text}\n`), token);
  });

  it('a token may carry the server address', () => {
    const token = { ...generateJoinToken(hash), server: '192.0.2.10:6443' };
    assert.match(formatJoinToken(token), /@192\.0\.2\.10:6443$/);
    assert.deepEqual(parseJoinToken(formatJoinToken(token)), token);
    assert.throws(() => parseJoinToken(`K10${hash}::abcdef.0123456789abcdef@no-port`), /host:port/);
  });

  it('two tokens differ', () => {
    assert.notEqual(formatJoinToken(generateJoinToken(hash)), formatJoinToken(generateJoinToken(hash)));
  });

  it('malformed tokens are refused with a message naming the problem', () => {
    assert.throws(() => parseJoinToken('nonsense'), (e: unknown) => e instanceof JoinTokenError && /K10<64 hex digits/.test(e.message));
    assert.throws(() => parseJoinToken(`K10${'a'.repeat(63)}::abcdef.0123456789abcdef`), JoinTokenError);
    assert.throws(() => parseJoinToken(`K10${hash}::ABCDEF.0123456789abcdef`), /id "ABCDEF"/);
    assert.throws(() => parseJoinToken(`K10${hash}::abcdef.short`), /secret/);
  });
});
