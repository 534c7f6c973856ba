/** The shape of a kind's table printer: its column definitions and how one object becomes a row. */
import type { Json, KubeObject } from '../objects.ts';
import { ageSince } from './duration.ts';
import { str } from './json-path.ts';

/** A meta.k8s.io/v1 TableColumnDefinition. */
export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** Columns plus a row function; rows always carry every column, wide ones included. */
export interface Printer {
  columns: Column[];
  cells(object: KubeObject, now: number): Json[];
}

/** A column definition; priority 1 marks a column shown only with -o wide. */
export function column(name: string, type: string, description: string, priority = 0, format = ''): Column {
  return { name, type, format, description, priority };
}

/** The leading Name column every printer shares. */
export const nameColumn: Column = column('Name', 'string', 'The name of the object, unique within its namespace.', 0, 'name');

/** The Age column every printer shares. */
export const ageColumn: Column = column('Age', 'string', 'How long ago the object was created.');

/** The object's name. */
export function nameOf(object: KubeObject): string {
  return str(object, 'metadata', 'name');
}

/** The object's age at `now`. */
export function ageOf(object: KubeObject, now: number): string {
  return ageSince(object.metadata.creationTimestamp, now);
}
