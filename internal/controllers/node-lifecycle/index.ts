export { nodeLifecycleComponent } from './component.ts';
