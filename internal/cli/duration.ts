/**
 * Durations in the Go style that k3s users already type: "30s", "5m", "12h", "1h30m",
 * "500ms". Values are carried as whole milliseconds.
 */

const unitMillis: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** Parses "1h30m"-style text into milliseconds; returns undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  let total = 0;
  part.lastIndex = 0;
  while (part.lastIndex < text.length) {
    const start = part.lastIndex;
    const match = part.exec(text);
    if (match === null || match.index !== start) return undefined;
    const [, amount = '', unit = ''] = match;
    const millis = unitMillis[unit];
    if (millis === undefined) return undefined;
    total += Number(amount) * millis;
  }
  if (!Number.isFinite(total)) return undefined;
  return Math.round(total);
}

/** Formats milliseconds the way parseDuration reads them, largest units first ("1h30m", "500ms"). */
export function formatDuration(millis: number): string {
  if (millis === 0) return '0s';
  let rest = millis;
  let out = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000], ['ms', 1]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
