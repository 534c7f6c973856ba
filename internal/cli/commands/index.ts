export { agentCommand } from './agent.ts';
export { checkCommand } from './check.ts';
export { imageCommand } from './image.ts';
export { kubectlCommand } from './kubectl.ts';
export { serverCommand } from './server.ts';
export { snapshotCommand } from './snapshot.ts';
export { tokenCommand } from './token.ts';
export { versionCommand } from './version.ts';
