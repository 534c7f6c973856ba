/**
 * resource.Quantity syntax: "500m", "1Gi", "1e3", "0.5". Parsed to a float,
 * which is exact enough for the comparisons validation makes (requests ≤ limits).
 */

const pattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const scale: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The message Kubernetes gives for text that is not a quantity. */
export const quantitySyntax = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** The numeric value of a quantity (a JSON number or quantity text), or undefined when malformed. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = pattern.exec(value.trim() === value ? value : '');
  if (match === null) return undefined;
  const [, digits = '0', suffix = ''] = match;
  const base = Number(digits);
  if (suffix.startsWith('e') || suffix.startsWith('E')) return base * 10 ** Number(suffix.slice(1));
  const factor = scale[suffix];
  return factor === undefined ? undefined : base * factor;
}

/** True when `value` is quantity text or a number. */
export function isQuantity(value: unknown): boolean {
  return parseQuantity(value) !== undefined;
}
