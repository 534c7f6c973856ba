/**
 * The one Node.js runtime skiff is developed, tested and shipped with. The exact
 * version and the integrity of the node-linux-<arch> packages are pinned in
 * package.json and package-lock.json; this guard stops a script from running on
 * any other Node (the system's Node 20 in particular).
 */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
};

export const pinnedNodeVersion: string = pkg.engines.node;

/** Exits with a one-line fix when the running Node is not the pinned one. */
export function requirePinnedNode(what: string): void {
  if (process.version !== `v${pinnedNodeVersion}`) {
    process.stderr.write(
      `${what} needs Node ${pinnedNodeVersion} but this is ${process.version} (${process.execPath}); ` +
        `run it through npm (npm ${what.startsWith('npm') ? what.slice(4) : 'run ...'}), which puts node_modules/.bin/node first on PATH, after 'npm ci --ignore-scripts'\n`,
    );
    process.exit(2);
  }
}
