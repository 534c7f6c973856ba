/**
 * Who a component says it is to the API server: the User-Agent header and the
 * default field manager name, as kubectl and client-go derive them.
 */
import { buildInfo } from '../cli/build-info.ts';
import type { ClientConfig } from './config.ts';

/** Go's name for the architecture, as Kubernetes user agents carry it. */
function goArch(arch: string): string {
  return arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
}

/** `skiff/<version> (linux/<arch>) <component>`, e.g. `skiff/0.1.0 (linux/amd64) scheduler`. */
export function userAgent(component: string, info: { version: string; arch: string } = buildInfo()): string {
  return `skiff/${info.version} (linux/${goArch(info.arch)}) ${component}`;
}

/**
 * The field manager a component writes as: `skiff-<component>`, cut to the API's
 * 128-character limit. Client-go would take only the program name from the user
 * agent; the component is kept so server-side apply can tell components apart.
 */
export function fieldManager(component: string): string {
  return `skiff-${component}`.slice(0, 128);
}

/** `config` with the component's user agent set (an explicit one is kept). */
export function forComponent(config: ClientConfig, component: string): ClientConfig {
  return { ...config, userAgent: config.userAgent ?? userAgent(component) };
}
