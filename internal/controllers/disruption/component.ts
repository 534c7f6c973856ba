/** The disruption controller as a leader-elected control-plane component. */
import { controllerEventRecorder, leaderElectedComponent } from '../leader-elected/index.ts';
import { runDisruptionController } from './disruption-controller.ts';

/** Keeps the status of every PodDisruptionBudget, which the eviction subresource relies on. */
export const disruptionComponent = leaderElectedComponent('disruption-controller', async (context, signal) => {
  const log = context.log.with({ controller: 'disruption' });
  const events = controllerEventRecorder(context.api, 'controllermanager', log);
  try {
    await runDisruptionController({ api: context.api, log, events }, signal);
  } finally {
    events.stop();
  }
});
