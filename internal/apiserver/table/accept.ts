/** Content negotiation for the Table form: the Accept header and the includeObject option. */
import { invalid } from '../status.ts';

/** The meta.k8s.io versions a Table can be served in. */
export type TableVersion = 'v1' | 'v1beta1';

/** How much of each object a Table row embeds. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

function parseMediaRanges(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((clause) => {
      const [type = '', ...rest] = clause.split(';').map((part) => part.trim());
      const params = new Map<string, string>();
      for (const part of rest) {
        const eq = part.indexOf('=');
        if (eq <= 0) continue;
        params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
      }
      return { type: type.toLowerCase(), params };
    })
    .filter((range) => range.type !== '');
}

const plainTypes = new Set(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/*', '*/*']);

/**
 * The Table version the Accept header asks for, or undefined when the first media range
 * the server can serve is a plain object form. Ranges are tried in order, as the API
 * server's negotiation does; a Table range in an unknown version or encoding is skipped.
 */
export function tableVersionFromAccept(accept: string | undefined): TableVersion | undefined {
  if (accept === undefined || accept.trim() === '') return undefined;
  for (const range of parseMediaRanges(accept)) {
    const as = range.params.get('as');
    if (as === undefined) {
      if (plainTypes.has(range.type)) return undefined;
      continue;
    }
    if (as !== 'Table') {
      // Other transformed forms (PartialObjectMetadata) are not Tables; they win the negotiation.
      if (range.params.get('g') === 'meta.k8s.io') return undefined;
      continue;
    }
    const version = range.params.get('v');
    const servable = (range.type === 'application/json' || range.type === 'application/*' || range.type === '*/*') && range.params.get('g') === 'meta.k8s.io';
    if (servable && (version === 'v1' || version === 'v1beta1')) return version;
  }
  return undefined;
}

/** Whether the Accept header asks for a meta.k8s.io Table (as=Table;v=v1 or v1beta1;g=meta.k8s.io). */
export function parseTableAccept(accept: string | undefined): boolean {
  return tableVersionFromAccept(accept) !== undefined;
}

/**
 * The includeObject policy of a Table request: Metadata when absent. Accepts the
 * parameter's value or a whole query string; an unknown value is a 422 as upstream.
 */
export function includeObjectPolicy(query: string | undefined): IncludeObject {
  let value = query;
  if (value !== undefined && (value.includes('=') || value.includes('&'))) {
    value = new URLSearchParams(value.startsWith('?') ? value.slice(1) : value).get('includeObject') ?? undefined;
  }
  if (value === undefined || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw invalid('TableOptions', 'meta.k8s.io', '', [
    { reason: 'FieldValueNotSupported', field: 'includeObject', message: `Unsupported value: "${value}": supported values: "Metadata", "None", "Object"` },
  ]);
}
