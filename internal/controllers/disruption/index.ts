export { disruptionComponent } from './component.ts';
