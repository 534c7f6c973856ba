import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignCells, formatTable, type Table } from './table.ts';

const table: Table = {
  kind: 'Table',
  columnDefinitions: [
    { name: 'Name', priority: 0 },
    { name: 'Data', priority: 0 },
    { name: 'Selector', priority: 1 },
    { name: 'Age', priority: 0 },
  ],
  rows: [
    { cells: ['alpha', 1, 'app=a', '5s'], object: { metadata: { name: 'alpha', namespace: 'one' } } },
    { cells: ['b', 12, null, '3m'], object: { metadata: { name: 'b', namespace: 'two' } } },
  ],
};

test('columns are padded by three spaces to at least six, and the last column is not padded', () => {
  assert.equal(formatTable(table, { wide: false, withNamespace: false, headers: true }), 'NAME    DATA   AGE\nalpha   1      5s\nb       12     3m\n');
});

test('wide shows columns of every priority and -A puts the row namespace first', () => {
  assert.equal(
    formatTable(table, { wide: true, withNamespace: true, headers: true }),
    'NAMESPACE   NAME    DATA   SELECTOR   AGE\none         alpha   1      app=a      5s\ntwo         b       12                3m\n',
  );
});

test('widths passed again keep later lines aligned with earlier ones', () => {
  const widths: number[] = [];
  alignCells([['NAME', 'AGE'], ['a-long-name', '1s']], widths);
  assert.equal(alignCells([['b', '2s']], widths), `${'b'.padEnd(14)}2s\n`);
});

test('a multi-line cell shows its first line only', () => {
  const text = formatTable({ columnDefinitions: [{ name: 'Msg' }, { name: 'X' }], rows: [{ cells: ['one\ntwo', 'x'] }] }, { wide: false, withNamespace: false, headers: false });
  assert.equal(text, 'one...   x\n');
});
