export { eventTtlComponent } from './component.ts';
