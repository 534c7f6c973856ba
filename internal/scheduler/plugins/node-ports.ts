/** NodePorts: a host port (protocol, port, address) the pod asks for must be free on the node. */
import { reject, type FilterPlugin } from '../framework.ts';
import type { HostPort } from '../pod-info.ts';

/** The plugin's name in kube-scheduler. */
export const nodePortsName = 'NodePorts';
/** kube-scheduler's ErrReason. */
export const errReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";

const rejection = reject(nodePortsName, 'Unschedulable', errReasonNodePorts);
const anyAddress = '0.0.0.0';

/** True when the two bindings cannot coexist: same protocol and port, and an overlapping address. */
export function portsConflict(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  return a.ip === b.ip || a.ip === anyAddress || b.ip === anyAddress;
}

/** Filter: the pod's host ports must be free on the node. */
export const nodePorts: FilterPlugin = {
  name: nodePortsName,
  prepare({ pod }) {
    if (pod.hostPorts.length === 0) return null;
    const wanted = pod.hostPorts;
    return {
      filter(node) {
        for (const used of node.usedPorts) {
          for (const port of wanted) if (portsConflict(used, port)) return rejection;
        }
        return null;
      },
    };
  },
};
