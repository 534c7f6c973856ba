export { endpointsComponent, serviceLbComponent } from './components.ts';
