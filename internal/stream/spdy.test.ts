import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SPDY_DICTIONARY } from './spdy-dictionary.ts';
import { controlFrame, dataFrame, decodeHeaderBlock, encodeHeaderBlock, FrameReader, synStreamFrame, TYPE_PING } from './spdy-frames.ts';
import { HeaderCompressor, HeaderDecompressor } from './spdy-headers.ts';

describe('spdy', () => {
  test('the header dictionary is the 1423-byte SPDY/3 one that zlib headers name as 0xe3c6a7c2', async () => {
    assert.equal(SPDY_DICTIONARY.length, 1423);
    const compressor = new HeaderCompressor();
    const block = await compressor.compress(encodeHeaderBlock({ streamtype: 'data' }));
    compressor.close();
    assert.equal(block.readUInt32BE(2), 0xe3c6a7c2);
  });

  test('header blocks survive one shared compression context per direction, block after block', async () => {
    const compressor = new HeaderCompressor();
    const decompressor = new HeaderDecompressor();
    for (const id of ['1', '2', '3']) {
      const compressed = await compressor.compress(encodeHeaderBlock({ StreamType: 'error', port: '8080', requestid: id, multi: ['a', 'b'] }));
      const headers = decodeHeaderBlock(await decompressor.decompress(compressed));
      assert.deepEqual([...headers], [['streamtype', ['error']], ['port', ['8080']], ['requestid', [id]], ['multi', ['a', 'b']]]);
    }
    compressor.close();
    decompressor.close();
  });

  test('frames split at every byte boundary are read back in order', () => {
    const bytes = Buffer.concat([synStreamFrame(1, 0, Buffer.from('hdr')), dataFrame(1, 1, Buffer.from('payload')), controlFrame(TYPE_PING, 0, Buffer.from([0, 0, 0, 1]))]);
    const reader = new FrameReader();
    const frames = [...bytes].flatMap((byte) => reader.push(Buffer.from([byte])));
    assert.deepEqual(frames.map((f) => f.kind), ['control', 'data', 'control']);
    const [syn, data, ping] = frames;
    assert.ok(syn?.kind === 'control' && syn.type === 1 && syn.body.readUInt32BE(0) === 1);
    assert.ok(data?.kind === 'data' && data.streamId === 1 && data.flags === 1 && data.data.toString() === 'payload');
    assert.ok(ping?.kind === 'control' && ping.type === TYPE_PING);
  });

  test('a control frame of another SPDY version is refused', () => {
    const frame = controlFrame(TYPE_PING, 0, Buffer.alloc(4));
    frame.writeUInt16BE(0x8002, 0);
    assert.throws(() => new FrameReader().push(frame), /version is 2/);
  });

  test('a truncated header block is refused rather than read past its end', () => {
    const block = encodeHeaderBlock({ port: '80' });
    assert.throws(() => decodeHeaderBlock(block.subarray(0, block.length - 1)), /Cannot read SPDY header block/);
  });
});
