/**
 * Reading the objects of `-f`: a file, every *.yaml/*.yml/*.json file of a directory
 * (sorted, not recursive, as kubectl does without -R), or stdin for "-". Documents may be
 * YAML streams or JSON; a `kind: List` contributes its items.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../apiserver/objects.ts';
import { isPlainObject } from '../apiserver/objects.ts';
import { KubectlError } from './errors.ts';

const manifestExtensions = new Set(['.yaml', '.yml', '.json']);

/** One object from a manifest, with where it came from for messages. */
export interface ManifestObject {
  object: KubeObject;
  source: string;
}

/** The objects of every -f argument, in order; `readStdin` supplies "-". */
export function readManifests(paths: readonly string[], readStdin: () => string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const path of paths) {
    for (const file of filesOf(path)) {
      const text = file === '-' ? readStdin() : readFileSync(file, 'utf8');
      objects.push(...parseManifest(text, file === '-' ? 'STDIN' : file));
    }
  }
  if (objects.length === 0) throw new KubectlError('no objects passed to the command');
  return objects;
}

function filesOf(path: string): string[] {
  if (path === '-') return ['-'];
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new KubectlError(`the path "${path}" does not exist`);
  }
  if (!stats.isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => manifestExtensions.has(extname(name)))
    .sort()
    .map((name) => join(path, name));
}

/** The objects of one file's text; throws KubectlError naming the source for bad YAML or objects. */
export function parseManifest(text: string, source: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new KubectlError(`error parsing ${source}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isPlainObject(value)) throw new KubectlError(`error parsing ${source}: a document is not an object`);
    if (value.kind === 'List' && Array.isArray(value.items)) {
      for (const item of value.items) objects.push(checked(item, source));
    } else {
      objects.push(checked(value, source));
    }
  }
  return objects;
}

function checked(value: unknown, source: string): ManifestObject {
  if (!isPlainObject(value)) throw new KubectlError(`error parsing ${source}: a list item is not an object`);
  if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
    throw new KubectlError(`error validating ${source}: an object is missing apiVersion or kind`);
  }
  const metadata = isPlainObject(value.metadata) ? value.metadata : {};
  return { object: { ...value, metadata } as KubeObject, source };
}
