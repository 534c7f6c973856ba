/** `skiff version`: prints the build, the Node runtime and the embedded SQLite version. */
import { openSqlite } from '../../util/sqlite.ts';
import { buildInfo } from '../build-info.ts';
import { defineCommand } from '../command.ts';
import { defineFlags } from '../flag.ts';

/** Opens an in-memory database, proving the SQLite addon loads, and returns its version. */
export function sqliteVersion(): string {
  const db = openSqlite(':memory:');
  try {
    const row = db.prepare('select sqlite_version() as version').get() as { version: string };
    return row.version;
  } finally {
    db.close();
  }
}

/** `skiff version`. */
export const versionCommand = defineCommand({
  name: 'version',
  summary: 'print the version, build, Node runtime and SQLite version',
  flags: defineFlags({}),
  async action({ io }) {
    const info = buildInfo();
    const sqlite = sqliteVersion();
    io.stdout(
      [
        `skiff version v${info.version}`,
        `git commit: ${info.commit}`,
        `build date: ${info.date}`,
        `node: ${info.node}`,
        `platform: ${info.platform}`,
        `arch: ${info.arch}`,
        `sqlite: ${sqlite}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
});
