/** Parses resource URLs: /api/v1/... and /apis/<group>/<version>/... */
import { findResource, type ResourceType } from '../api/resources.ts';
import { badRequest } from './status.ts';

export interface ResourcePath {
  type: ResourceType;
  namespace: string | null;
  name: string | null;
  subresource: string | null;
}

/**
 * The decoded segments of a request's path as the client sent it (before any URL
 * normalisation), empty ones dropped. Malformed percent-encoding, and segments that
 * decode to "." or ".." or contain "/", are refused: they could name another object.
 */
export function requestSegments(rawPath: string): string[] {
  const path = rawPath.split('?')[0] ?? '';
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((segment) => {
      const decoded = decodeSegment(segment);
      if (decoded === '.' || decoded === '..' || decoded.includes('/')) {
        throw badRequest(`the URL path segment ${JSON.stringify(segment)} is not allowed: it must not be "." or ".." or contain "/"`);
      }
      return decoded;
    });
}

/**
 * `segments` (decoded) are the parts after /api/v1 or /apis/<group>/<version>. Returns null
 * when they name no served resource.
 */
export function parseResourcePath(group: string, version: string, segments: string[]): ResourcePath | null {
  const [first, second, third, fourth, fifth, ...rest] = segments;
  if (first === undefined || rest.length > 0) return null;
  if (first === 'namespaces' && second !== undefined && third !== undefined) {
    const type = findResource(group, version, third);
    if (type !== undefined && type.namespaced) {
      return { type, namespace: second, name: fourth ?? null, subresource: fifth ?? null };
    }
  }
  if (fifth !== undefined) return null;
  const type = findResource(group, version, first);
  if (type === undefined || (third !== undefined && fourth !== undefined)) return null;
  // A namespaced resource at the top level is a list or watch across all namespaces.
  if (type.namespaced && second !== undefined) return null;
  return { type, namespace: null, name: second ?? null, subresource: third ?? null };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`the URL path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}
