export { serviceAccountComponent } from './component.ts';
