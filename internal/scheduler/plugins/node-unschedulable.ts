/** NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate node.kubernetes.io/unschedulable. */
import { reject, type FilterPlugin } from '../framework.ts';
import { tolerated, unschedulableTaintKey } from '../taints.ts';

/** The plugin's name in kube-scheduler. */
export const nodeUnschedulableName = 'NodeUnschedulable';
/** kube-scheduler's ErrReasonUnschedulable. */
export const errReasonUnschedulable = 'node(s) were unschedulable';

const rejection = reject(nodeUnschedulableName, 'UnschedulableAndUnresolvable', errReasonUnschedulable);

/** Filter: cordoned nodes. */
export const nodeUnschedulable: FilterPlugin = {
  name: nodeUnschedulableName,
  prepare({ pod }) {
    // A pod tolerating the cordon taint tolerates the cordon itself.
    if (tolerated(pod.tolerations, { key: unschedulableTaintKey, effect: 'NoSchedule' })) return null;
    return { filter: (node) => (node.unschedulable ? rejection : null) };
  },
};
