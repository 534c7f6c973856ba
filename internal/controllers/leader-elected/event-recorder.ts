/** Events written by a control-plane controller, as kube-controller-manager's (no host named). */
import { EventRecorder } from '../../agent/events.ts';
import type { ApiClient } from '../../client/index.ts';
import type { Logger } from '../../util/log.ts';

/** A recorder writing core/v1 Events as `component` through `api`; call `stop()` when done. */
export function controllerEventRecorder(api: ApiClient, component: string, log: Logger): EventRecorder {
  const events = api.resource('Event', 'v1');
  return new EventRecorder({
    component,
    host: '',
    log,
    sink: {
      create: (namespace, event, signal) => events.create(namespace, event, { signal }),
      patch: (namespace, name, patch, signal) => events.patch(namespace, name, patch, 'merge', { signal }),
    },
  });
}
