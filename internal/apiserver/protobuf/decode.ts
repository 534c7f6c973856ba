/**
 * Request bodies in Kubernetes protobuf (application/vnd.kubernetes.protobuf):
 * the magic `k8s\0`, then a runtime.Unknown envelope naming apiVersion and kind
 * and carrying the object's generated.proto encoding, decoded to the JSON form
 * the rest of the API server works with.
 */
import { definitionNamed, inlineEmbedding, kindDefinition } from '../../api/schema/registry.ts';
import type { JsonObject } from '../objects.ts';
import { ApiError } from '../status.ts';
import { type DecodeContext, decodeStruct, type Definitions } from './message.ts';
import { eachField, expectWire, lengthDelimited, malformed, readBytes, readerOver, readString, WIRE_LEN } from './wire.ts';

export type { Definitions } from './message.ts';

export const protobufContentType = 'application/vnd.kubernetes.protobuf';

const magic = [0x6b, 0x38, 0x73, 0x00];

/** Deep enough for any real object (a pod template sits about ten messages down). */
const defaultMaxDepth = 100;

const builtinDefinitions: Definitions = { definitionNamed, kindDefinition, inlineEmbedding };

export interface DecodeOptions {
  /** Where kinds and types are looked up; the built-in registry by default. */
  definitions?: Definitions;
  maxDepth?: number;
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

function readEnvelope(body: Uint8Array): Envelope {
  if (body.length < magic.length || magic.some((byte, i) => body[i] !== byte)) {
    throw malformed('body does not start with the k8s\\0 magic prefix');
  }
  const reader = readerOver(body.subarray(magic.length));
  const envelope: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array() };
  let contentEncoding = '';
  let contentType = '';
  const end = reader.len;
  eachField(reader, end, (field, wire) => {
    if (field === 1) {
      expectWire('Unknown.typeMeta', wire, WIRE_LEN);
      const stop = lengthDelimited(reader, end);
      eachField(reader, stop, (inner, innerWire) => {
        if (inner !== 1 && inner !== 2) return false;
        expectWire(inner === 1 ? 'TypeMeta.apiVersion' : 'TypeMeta.kind', innerWire, WIRE_LEN);
        if (inner === 1) envelope.apiVersion = readString(reader, stop);
        else envelope.kind = readString(reader, stop);
        return true;
      });
    } else if (field === 2) {
      expectWire('Unknown.raw', wire, WIRE_LEN);
      envelope.raw = readBytes(reader, end);
    } else if (field === 3) {
      expectWire('Unknown.contentEncoding', wire, WIRE_LEN);
      contentEncoding = readString(reader, end);
    } else if (field === 4) {
      expectWire('Unknown.contentType', wire, WIRE_LEN);
      contentType = readString(reader, end);
    } else {
      return false;
    }
    return true;
  });
  if (contentEncoding !== '') throw malformed(`content encoding "${contentEncoding}" is not supported`);
  if (contentType !== '' && contentType !== protobufContentType) {
    throw malformed(`embedded content type "${contentType}" is not ${protobufContentType}`);
  }
  return envelope;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split('/');
  if (parts.length === 1 && parts[0] !== '') return { group: '', version: apiVersion };
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return { group: parts[0] ?? '', version: parts[1] ?? '' };
  throw malformed(`apiVersion "${apiVersion}" is not "version" or "group/version"`);
}

function decodeObject(body: Uint8Array, ctx: DecodeContext, depth: number): JsonObject {
  if (depth > ctx.maxDepth) throw malformed(`nesting deeper than ${ctx.maxDepth}`);
  const { apiVersion, kind, raw } = readEnvelope(body);
  if (apiVersion === '' || kind === '') throw malformed('the envelope names no apiVersion and kind');
  const { group, version } = splitApiVersion(apiVersion);
  const def = ctx.definitions.kindDefinition(group, version, kind);
  if (def === undefined) throw malformed(`no kind "${kind}" is registered for version "${apiVersion}"`);
  const reader = readerOver(raw);
  return { apiVersion, kind, ...decodeStruct(reader, reader.len, def, ctx, depth + 1) };
}

/**
 * Decodes a `k8s\0`-prefixed protobuf request body to its JSON object, with
 * apiVersion and kind from the envelope. Malformed input, an unknown kind or
 * nesting beyond `maxDepth` throws a 400 BadRequest ApiError; unknown fields are skipped.
 */
export function decodeProtobufObject(body: Uint8Array, options: DecodeOptions = {}): JsonObject {
  const ctx: DecodeContext = {
    definitions: options.definitions ?? builtinDefinitions,
    maxDepth: options.maxDepth ?? defaultMaxDepth,
    nestedObject: (bytes, depth) => decodeObject(bytes, ctx, depth),
  };
  try {
    return decodeObject(body, ctx, 0);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // protobufjs reports truncation and bad varints as plain Errors/RangeErrors.
    throw malformed(error instanceof Error ? error.message : String(error));
  }
}
