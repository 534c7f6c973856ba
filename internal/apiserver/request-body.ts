/**
 * Reading request bodies: size limit, then JSON, YAML (apply patches) or Kubernetes
 * protobuf by Content-Type. Every failure is a 4xx Status.
 */
import type { Context } from 'hono';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './status.ts';

export const protobufContentType = 'application/vnd.kubernetes.protobuf';

/** Deepest nesting accepted in a body, far beyond any real object. */
const maxDepth = 100;

export interface RequestBody {
  /** The media type without parameters, lower case. */
  contentType: string;
  bytes: Uint8Array;
}

/** Reads the raw body within `maxBytes`; null when empty. */
export async function readBody(c: Context, maxBytes: number): Promise<RequestBody | null> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  if (bytes.byteLength === 0) return null;
  const contentType = (c.req.header('content-type') ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
  return { contentType, bytes };
}

/** Parses JSON text with a clear 400 on syntax errors and on absurd nesting. */
export function parseJson(text: string): unknown {
  checkNesting(text);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Parses a YAML (or JSON) document, as server-side apply bodies may be either. */
export function parseYamlDocument(text: string): unknown {
  checkNesting(text);
  try {
    return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (error) {
    throw badRequest(`the body is not valid YAML: ${(error as Error).message}`);
  }
}

/** The body as text; a byte order mark is refused, as Go's JSON decoder refuses it. */
export function utf8(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) throw badRequest('the body starts with a byte order mark; send UTF-8 without one');
  return bodyDecoder.decode(bytes);
}

// Without a stream option, decode() keeps no state between calls: one decoder serves every request.
const bodyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `the request body is too large: the limit is ${maxBytes} bytes`);
}

/** Counts bracket depth outside strings so that deep documents are refused before any recursion. */
function checkNesting(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 92) i++;
      else if (char === 34) inString = false;
    } else if (char === 34) inString = true;
    else if (char === 123 || char === 91) {
      if (++depth > maxDepth) throw badRequest(`the body is nested deeper than ${maxDepth} levels`);
    } else if (char === 125 || char === 93) depth--;
  }
}

/**
 * The first key that appears twice in one JSON object of `text` (which must already
 * have parsed), for strict decoding; JSON.parse keeps the last silently.
 */
export function firstDuplicateKey(text: string): string | undefined {
  // One entry per open bracket: the keys seen so far for objects, null for arrays.
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (expectKey && top) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.has(key)) return key;
        top.add(key);
      }
      expectKey = false;
      i = end;
    } else if (char === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (char === '[') {
      stack.push(null);
      expectKey = false;
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',') {
      expectKey = stack.at(-1) instanceof Set;
    }
  }
  return undefined;
}
