/**
 * `kubectl describe`: name, namespace, labels and annotations as aligned key/value
 * lines, the rest of the object as indented YAML, then the object's Events.
 */
import { stringify } from 'yaml';
import type { KubeObject } from '../apiserver/objects.ts';
import { isPlainObject } from '../apiserver/objects.ts';
import { UsageError } from '../cli/usage-error.ts';
import type { KubectlContext } from './context.ts';
import { namespaceFor } from './fetch.ts';
import type { FlagSpec, ParsedFlags } from './flags.ts';
import { specOf, splitTypeAndNames } from './resolve.ts';
import { alignCells } from './table.ts';

/** Flags of `describe`. */
export const describeFlags: readonly FlagSpec[] = [];

const keyWidth = 'Annotations:  '.length;

/** Runs `describe`; resolves to the exit code. */
export async function runDescribe(ctx: KubectlContext, parsed: ParsedFlags): Promise<number> {
  const targets = splitTypeAndNames(parsed.positionals);
  if (targets.length === 0 || targets.some((t) => t.name === undefined)) {
    throw new UsageError('describe needs a resource and a name, e.g. "skiff kubectl describe deployment web"');
  }
  const texts: string[] = [];
  for (const { type, name = '' } of targets) {
    const object = await ctx.api.resource(specOf(type)).get(namespaceFor(type, ctx, false), name, { signal: ctx.signal });
    texts.push(describeObject(object, await eventsOf(ctx, object), new Date()));
  }
  ctx.io.stdout(texts.join('\n\n'));
  return 0;
}

/** The Events that name `object` as their involved object. */
async function eventsOf(ctx: KubectlContext, object: KubeObject): Promise<KubeObject[]> {
  const { name = '', namespace, uid } = object.metadata;
  const selector = [`involvedObject.name=${name}`];
  if (namespace !== undefined) selector.push(`involvedObject.namespace=${namespace}`);
  if (uid !== undefined) selector.push(`involvedObject.uid=${uid}`);
  const events = ctx.api.resource('Event', 'v1');
  const list = await events.list(namespace ?? null, { fieldSelector: selector.join(','), signal: ctx.signal });
  return list.items;
}

/** The describe text of `object` with its `events`, ages measured from `now`. */
export function describeObject(object: KubeObject, events: readonly KubeObject[], now: Date): string {
  const { metadata } = object;
  const lines: string[] = [field('Name', metadata.name ?? '')];
  if (metadata.namespace !== undefined) lines.push(field('Namespace', metadata.namespace));
  lines.push(...mapField('Labels', metadata.labels, '='));
  lines.push(...mapField('Annotations', metadata.annotations, ': '));
  for (const [key, value] of Object.entries(object)) {
    if (key === 'metadata' || key === 'apiVersion' || key === 'kind' || value === undefined) continue;
    const title = key.charAt(0).toUpperCase() + key.slice(1);
    if (!isPlainObject(value) && !Array.isArray(value)) {
      lines.push(field(title, String(value)));
      continue;
    }
    lines.push(`${title}:`);
    const yaml = stringify(value, { indentSeq: false, lineWidth: 0 }).trimEnd();
    lines.push(...yaml.split('\n').map((line) => `  ${line}`));
  }
  lines.push(...eventLines(events, now));
  return `${lines.join('\n')}\n`;
}

function field(key: string, value: string): string {
  return `${`${key}:`.padEnd(keyWidth)}${value}`;
}

function mapField(key: string, map: Record<string, string> | undefined, separator: string): string[] {
  const entries = Object.entries(map ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return [field(key, '<none>')];
  return entries.map(([k, v], i) => (i === 0 ? field(key, `${k}${separator}${v}`) : `${' '.repeat(keyWidth)}${k}${separator}${v}`));
}

function eventLines(events: readonly KubeObject[], now: Date): string[] {
  if (events.length === 0) return [field('Events', '<none>')];
  const rows = events.map((event) => {
    const source = isPlainObject(event.source) ? event.source : {};
    const from = typeof event.reportingComponent === 'string' && event.reportingComponent !== '' ? event.reportingComponent : String(source.component ?? '');
    const when = [event.lastTimestamp, event.eventTime, event.metadata.creationTimestamp].find((t) => typeof t === 'string' && t !== '');
    return ['', String(event.type ?? ''), String(event.reason ?? ''), typeof when === 'string' ? age(new Date(when), now) : '<unknown>', from, String(event.message ?? '').trim()];
  });
  const table = alignCells([['', 'Type', 'Reason', 'Age', 'From', 'Message'], ['', '----', '------', '----', '----', '-------'], ...rows]);
  return ['Events:', ...table.trimEnd().split('\n').map((line) => line.replace(/^ {6}/, '  '))];
}

/** A short age such as "5s", "3m", "2h", "4d". */
export function age(from: Date, now: Date): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
