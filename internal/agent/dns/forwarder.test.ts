import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Answer, Question } from 'dns-packet';
import { FakeClock } from '../../client/index.ts';
import { FakeUpstream, fakeSoa } from './fake-upstream.ts';
import { Forwarder, ForwardError } from './forwarder.ts';
import { ResponseCache } from './response-cache.ts';

const plain = { dnssecOk: false, checkingDisabled: false };
const a = (name: string, ip: string, ttl = 300): Answer => ({ type: 'A', name, ttl, data: ip });
const table = (question: Question) => {
  if (question.name === 'www.example.test' && question.type === 'A') return { answers: [a('www.example.test', '192.0.2.10', 300)] };
  if (question.name === 'short.example.test') return { answers: [a('short.example.test', '192.0.2.11', 2)] };
  if (question.name === 'broken.example.test') return { rcode: 2 };
  if (question.name === 'big.example.test') {
    return { answers: Array.from({ length: 60 }, (_, i) => a('big.example.test', `192.0.2.${i + 1}`)) };
  }
  return { rcode: 3, authorities: [fakeSoa] };
};

describe('forwarder', () => {
  const started: FakeUpstream[] = [];
  const upstream = async (options: Parameters<typeof FakeUpstream.start>[0] = {}): Promise<FakeUpstream> => {
    const fake = await FakeUpstream.start({ answer: table, ...options });
    started.push(fake);
    return fake;
  };
  const to = (...fakes: FakeUpstream[]) => () => fakes.map((f) => ({ address: f.address, port: f.port }));
  after(async () => {
    await Promise.all(started.map((f) => f.close()));
  });

  it('returns the upstream answer for a name outside the cluster', async () => {
    const fake = await upstream();
    const answer = await new Forwarder({ upstreams: to(fake) }).resolve({ type: 'A', name: 'www.example.test' }, plain);
    assert.equal(answer.rcode, 0);
    assert.deepEqual(answer.answers.map((r) => ('data' in r ? r.data : null)), ['192.0.2.10']);
    assert.deepEqual(fake.questions, [{ name: 'www.example.test', type: 'A', transport: 'udp' }]);
  });

  it('answers again from the cache until the TTL runs out, with the TTL that remains', async () => {
    const fake = await upstream();
    const clock = new FakeClock(1_000_000);
    const forwarder = new Forwarder({ upstreams: to(fake), cache: new ResponseCache({ clock }) });
    await forwarder.resolve({ type: 'A', name: 'short.example.test' }, plain);
    clock.advance(1000);
    const cached = await forwarder.resolve({ type: 'A', name: 'SHORT.example.test' }, plain);
    assert.equal(fake.questions.length, 1);
    assert.equal(cached.answers[0] && 'ttl' in cached.answers[0] ? cached.answers[0].ttl : undefined, 1);
    clock.advance(1000);
    await forwarder.resolve({ type: 'A', name: 'short.example.test' }, plain);
    assert.equal(fake.questions.length, 2);
  });

  it('caches NXDOMAIN for the negative TTL of the SOA it carries', async () => {
    const fake = await upstream();
    const clock = new FakeClock(0);
    const forwarder = new Forwarder({ upstreams: to(fake), cache: new ResponseCache({ clock }) });
    const first = await forwarder.resolve({ type: 'A', name: 'missing.example.test' }, plain);
    assert.equal(first.rcode, 3);
    clock.advance(59_000);
    assert.equal((await forwarder.resolve({ type: 'A', name: 'missing.example.test' }, plain)).rcode, 3);
    assert.equal(fake.questions.length, 1);
    clock.advance(1000);
    await forwarder.resolve({ type: 'A', name: 'missing.example.test' }, plain);
    assert.equal(fake.questions.length, 2);
  });

  it('asks the next upstream when one does not answer in time', async () => {
    const silent = await upstream({ answer: () => 'silent' });
    const good = await upstream();
    const answer = await new Forwarder({ upstreams: to(silent, good), attemptTimeoutMs: 200 }).resolve({ type: 'A', name: 'www.example.test' }, plain);
    assert.equal(answer.rcode, 0);
    assert.equal(silent.questions.length, 1);
    assert.equal(good.questions.length, 1);
  });

  it('fails with ForwardError when no upstream answers, and does not cache the failure', async () => {
    const silent = await upstream({ answer: () => 'silent' });
    const forwarder = new Forwarder({ upstreams: to(silent), attemptTimeoutMs: 100 });
    await assert.rejects(forwarder.resolve({ type: 'A', name: 'www.example.test' }, plain), ForwardError);
    await assert.rejects(forwarder.resolve({ type: 'A', name: 'www.example.test' }, plain), /no answer within 100 ms/);
    assert.equal(silent.questions.length, 2);
    await assert.rejects(new Forwarder({ upstreams: () => [] }).resolve({ type: 'A', name: 'x.test' }, plain), /no upstream resolvers/);
  });

  it('passes SERVFAIL on only when every upstream fails, and never caches it', async () => {
    const fake = await upstream();
    const forwarder = new Forwarder({ upstreams: to(fake) });
    assert.equal((await forwarder.resolve({ type: 'A', name: 'broken.example.test' }, plain)).rcode, 2);
    assert.equal((await forwarder.resolve({ type: 'A', name: 'broken.example.test' }, plain)).rcode, 2);
    assert.equal(fake.questions.length, 2);
    const second = await upstream();
    const failover = new Forwarder({ upstreams: () => [{ address: fake.address, port: fake.port }, { address: second.address, port: second.port }] });
    assert.equal((await failover.resolve({ type: 'A', name: 'broken.example.test' }, plain)).rcode, 2);
    assert.equal(second.questions.length, 1);
  });

  it('asks again over TCP when the UDP answer is truncated', async () => {
    const fake = await upstream({ truncateUdp: true });
    const answer = await new Forwarder({ upstreams: to(fake) }).resolve({ type: 'A', name: 'big.example.test' }, plain);
    assert.equal(answer.answers.length, 60);
    assert.deepEqual(fake.questions.map((q) => q.transport), ['udp', 'tcp']);
  });

  it('sends identical questions asked at the same time upstream once', async () => {
    const fake = await upstream();
    const forwarder = new Forwarder({ upstreams: to(fake) });
    const answers = await Promise.all(Array.from({ length: 5 }, () => forwarder.resolve({ type: 'A', name: 'www.example.test' }, plain)));
    assert.equal(answers.length, 5);
    assert.equal(fake.questions.length, 1);
  });
});

describe('response cache', () => {
  const answer = (ip: string) => ({ rcode: 0, authenticData: false, answers: [a('x.test', ip, 60)], authorities: [], additionals: [] });

  it('drops the least recently used entry beyond its bound', () => {
    const cache = new ResponseCache({ maxEntries: 2, clock: new FakeClock(0) });
    cache.put('one', answer('192.0.2.1'));
    cache.put('two', answer('192.0.2.2'));
    assert.ok(cache.get('one'));
    cache.put('three', answer('192.0.2.3'));
    assert.equal(cache.size, 2);
    assert.equal(cache.get('two'), undefined);
    assert.ok(cache.get('one'));
    assert.ok(cache.get('three'));
  });

  it('keeps nothing with a zero TTL, and caps long TTLs', () => {
    const clock = new FakeClock(0);
    const cache = new ResponseCache({ clock, maxTtl: 10 });
    cache.put('zero', { ...answer('192.0.2.1'), answers: [a('x.test', '192.0.2.1', 0)] });
    assert.equal(cache.size, 0);
    cache.put('long', { ...answer('192.0.2.1'), answers: [a('x.test', '192.0.2.1', 86400)] });
    clock.advance(10_000);
    assert.equal(cache.get('long'), undefined);
  });

  it('keeps no denial without an SOA to say for how long', () => {
    const cache = new ResponseCache({ clock: new FakeClock(0) });
    cache.put('nx', { rcode: 3, authenticData: false, answers: [], authorities: [], additionals: [] });
    assert.equal(cache.size, 0);
  });
});
