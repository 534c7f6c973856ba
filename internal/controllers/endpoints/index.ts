export { endpointsComponent, mirroringComponent, serviceLbComponent } from './components.ts';
