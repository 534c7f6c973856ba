/** The node lifecycle controller as a leader-elected control-plane component. */
import { controllerEventRecorder, leaderElectedComponent } from '../leader-elected/index.ts';
import { runNodeLifecycleController } from './node-lifecycle-controller.ts';

/** Marks silent nodes Unknown, keeps condition taints on nodes and evicts pods from NoExecute-tainted ones. */
export const nodeLifecycleComponent = leaderElectedComponent('node-lifecycle-controller', async (context, signal) => {
  const log = context.log.with({ controller: 'node-lifecycle' });
  const nodeEvents = controllerEventRecorder(context.api, 'node-controller', log);
  const podEvents = controllerEventRecorder(context.api, 'taint-eviction-controller', log);
  try {
    await runNodeLifecycleController({ api: context.api, log, nodeEvents, podEvents, gracePeriodMs: context.settings?.nodeMonitorGracePeriodMs }, signal);
  } finally {
    nodeEvents.stop();
    podEvents.stop();
  }
});
