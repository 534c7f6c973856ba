/**
 * TaintToleration: a node whose NoSchedule or NoExecute taint the pod does not tolerate
 * is refused, naming the first such taint; as a score, every PreferNoSchedule taint the
 * pod does not tolerate counts against the node.
 */
import { defaultNormalize, reject, type FilterPlugin, type Rejection, type ScorePlugin } from '../framework.ts';
import { firstUntolerated, tolerated } from '../taints.ts';

/** The plugin's name in kube-scheduler. */
export const taintTolerationName = 'TaintToleration';

const hardEffects: ReadonlySet<string> = new Set(['NoSchedule', 'NoExecute']);

/** Filter: NoSchedule and NoExecute taints. */
export const taintTolerationFilter: FilterPlugin = {
  name: taintTolerationName,
  prepare({ pod }) {
    const tolerations = pod.tolerations;
    // Messages repeat across nodes with the same taint: build each once per decision.
    const rejections = new Map<string, Rejection>();
    return {
      filter(node) {
        if (node.taints.length === 0) return null;
        const taint = firstUntolerated(node.taints, tolerations, hardEffects);
        if (taint === undefined) return null;
        const reason = `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
        let rejection = rejections.get(reason);
        if (rejection === undefined) rejections.set(reason, (rejection = reject(taintTolerationName, 'UnschedulableAndUnresolvable', reason)));
        return rejection;
      },
    };
  },
};

/** Score: fewer untolerated PreferNoSchedule taints is better. */
export const taintTolerationScore: ScorePlugin = {
  name: taintTolerationName,
  weight: 3,
  prepare({ pod }) {
    // Only tolerations that can apply to PreferNoSchedule taints count here.
    const tolerations = pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    return {
      score(node) {
        let count = 0;
        for (const taint of node.taints) if (taint.effect === 'PreferNoSchedule' && !tolerated(tolerations, taint)) count++;
        return count;
      },
      normalize: (scores) => defaultNormalize(scores, true),
    };
  },
};
