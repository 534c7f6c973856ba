export { controllerEventRecorder } from './event-recorder.ts';
export { leaderElectedComponent, type LeaderLoop } from './leader-elected.ts';
