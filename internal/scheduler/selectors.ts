/**
 * Label selectors (metav1.LabelSelector) and node selector terms as predicates. As in
 * Kubernetes, a missing label selector selects nothing and an empty one selects
 * everything; a node selector term with no requirements, or one that cannot be parsed
 * (Gt with a non-integer), selects no node.
 */
import type { LabelSelector, NodeSelectorRequirement, NodeSelectorTerm } from './types.ts';

/** Labels of a pod, node or namespace. */
export type Labels = Readonly<Record<string, string>>;
export type LabelMatcher = (labels: Labels) => boolean;

const nothing: LabelMatcher = () => false;
const everything: LabelMatcher = () => true;

/** A predicate for `selector`; null/undefined selects nothing, `{}` everything. */
export function labelSelectorMatcher(selector: LabelSelector | null | undefined): LabelMatcher {
  if (selector === null || selector === undefined) return nothing;
  const checks: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) checks.push((labels) => labels[key] === value);
  for (const requirement of selector.matchExpressions ?? []) {
    const { key } = requirement;
    const values = new Set(requirement.values ?? []);
    switch (requirement.operator) {
      case 'In':
        checks.push((labels) => labels[key] !== undefined && values.has(labels[key]));
        break;
      case 'NotIn':
        checks.push((labels) => labels[key] === undefined || !values.has(labels[key]));
        break;
      case 'Exists':
        checks.push((labels) => Object.hasOwn(labels, key));
        break;
      case 'DoesNotExist':
        checks.push((labels) => !Object.hasOwn(labels, key));
        break;
      default:
        // Validation refuses other operators; an unknown one selects nothing rather than everything.
        return nothing;
    }
  }
  if (checks.length === 0) return everything;
  if (checks.length === 1) return checks[0] ?? nothing;
  return (labels) => checks.every((check) => check(labels));
}

/** A predicate requiring every label in `selector` (a pod's nodeSelector). */
export function mapSelectorMatcher(selector: Record<string, string> | undefined): LabelMatcher {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return everything;
  return (labels) => entries.every(([key, value]) => labels[key] === value);
}

/** What a node selector term is matched against. */
export interface NodeFacts {
  name: string;
  labels: Labels;
}

export type NodeMatcher = (node: NodeFacts) => boolean;

function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return undefined;
  return Number(text);
}

/** One requirement on a value that may be absent; null when the requirement cannot be parsed. */
function requirementMatcher(requirement: NodeSelectorRequirement): ((value: string | undefined) => boolean) | null {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In': {
      const set = new Set(values);
      return (value) => value !== undefined && set.has(value);
    }
    case 'NotIn': {
      const set = new Set(values);
      return (value) => value === undefined || !set.has(value);
    }
    case 'Exists':
      return (value) => value !== undefined;
    case 'DoesNotExist':
      return (value) => value === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = values.length === 1 ? integer(values[0]) : undefined;
      if (bound === undefined) return null;
      const greater = requirement.operator === 'Gt';
      return (value) => {
        const actual = integer(value);
        return actual !== undefined && (greater ? actual > bound : actual < bound);
      };
    }
    default:
      return null;
  }
}

/** A predicate for one term: all its expressions (on labels) and fields (metadata.name) must hold. */
export function nodeSelectorTermMatcher(term: NodeSelectorTerm): NodeMatcher {
  const checks: NodeMatcher[] = [];
  for (const requirement of term.matchExpressions ?? []) {
    const match = requirementMatcher(requirement);
    if (match === null) return () => false;
    const key = requirement.key;
    checks.push((node) => match(node.labels[key]));
  }
  for (const requirement of term.matchFields ?? []) {
    // metadata.name with In or NotIn is the only field selector Kubernetes accepts here.
    if (requirement.key !== 'metadata.name' || (requirement.operator !== 'In' && requirement.operator !== 'NotIn')) return () => false;
    const match = requirementMatcher(requirement);
    if (match === null) return () => false;
    checks.push((node) => match(node.name));
  }
  if (checks.length === 0) return () => false;
  return (node) => checks.every((check) => check(node));
}

/** A predicate true when any of the terms matches (the terms are ORed). */
export function nodeSelectorMatcher(terms: readonly NodeSelectorTerm[]): NodeMatcher {
  const matchers = terms.map(nodeSelectorTermMatcher);
  return (node) => matchers.some((match) => match(node));
}
