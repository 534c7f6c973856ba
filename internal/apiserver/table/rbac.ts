/** Tables for RBAC roles and bindings. */
import type { Json, KubeObject } from '../objects.ts';
import { createdAt } from './duration.ts';
import { list, str } from './json-path.ts';
import { ageColumn, ageOf, column, nameColumn, nameOf, type Printer } from './printer.ts';

const createdAtColumn = column('Created At', 'date', 'When the object was created.');

export const rolePrinter: Printer = {
  columns: [nameColumn, createdAtColumn],
  cells(role): Json[] {
    return [nameOf(role), createdAt(role.metadata.creationTimestamp)];
  },
};

/** Users, groups and "namespace:name" service accounts of a binding, each ", "-joined. */
function bindingSubjects(binding: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const accounts: string[] = [];
  for (const subject of list(binding, 'subjects')) {
    const name = str(subject, 'name');
    switch (str(subject, 'kind')) {
      case 'User':
        users.push(name);
        break;
      case 'Group':
        groups.push(name);
        break;
      case 'ServiceAccount':
        accounts.push(`${str(subject, 'namespace')}:${name}`);
        break;
    }
  }
  return [users.join(', '), groups.join(', '), accounts.join(', ')];
}

export const bindingPrinter: Printer = {
  columns: [
    nameColumn,
    column('Role', 'string', 'The role the binding grants.'),
    ageColumn,
    column('Users', 'string', 'Users bound to the role.', 1),
    column('Groups', 'string', 'Groups bound to the role.', 1),
    column('ServiceAccounts', 'string', 'Service accounts bound to the role.', 1),
  ],
  cells(binding, now): Json[] {
    return [
      nameOf(binding),
      `${str(binding, 'roleRef', 'kind')}/${str(binding, 'roleRef', 'name')}`,
      ageOf(binding, now),
      ...bindingSubjects(binding),
    ];
  },
};
