export { runKubectl, splitVerb, verbs, agentVerbs, type Verb } from './run.ts';
export { kubeconfigPath, serverKubeconfig, fieldManager, managerFor, type KubectlContext } from './context.ts';
