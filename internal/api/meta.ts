/** Object metadata rules shared by every kind: names, generated names, timestamps. */
import { customAlphabet } from 'nanoid';

/** Generated name suffixes use the same alphabet as Kubernetes (no vowels, no look-alikes). */
const suffix = customAlphabet('bcdfghjklmnpqrstvwxz2456789', 5);

export function generateName(prefix: string): string {
  return `${prefix.slice(0, 58)}${suffix()}`;
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Problems with `name` as a DNS-1123 subdomain, in Kubernetes' words; empty when valid. */
export function checkSubdomain(name: string): string[] {
  const problems: string[] = [];
  if (name.length > 253) problems.push('must be no more than 253 characters');
  if (!dns1123Subdomain.test(name)) {
    problems.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  }
  return problems;
}

/** Problems with `name` as a DNS-1123 label (namespaces, services); empty when valid. */
export function checkLabel(name: string): string[] {
  const problems: string[] = [];
  if (name.length > 63) problems.push('must be no more than 63 characters');
  if (!dns1123Label.test(name)) {
    problems.push(
      `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    );
  }
  return problems;
}

/** RFC 3339 with second precision, as Kubernetes writes metav1.Time. */
export function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
