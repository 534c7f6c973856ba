export { runKubectl, splitVerb, verbs, agentVerbs, type Verb } from './run.ts';
export { kubeconfigPath, serverKubeconfig, fieldManager, type KubectlContext } from './context.ts';
