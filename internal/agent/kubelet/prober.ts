/**
 * Probe workers of one pod's containers. Each probe runs on its own timer after its initial
 * delay, every period, and flips its result only after successThreshold successes or
 * failureThreshold failures in a row. Startup gates the other two: until it succeeds neither
 * liveness nor readiness runs, and the container is neither started nor ready.
 */
import type { Clock, TimerHandle } from '../../client/clock.ts';
import { runHandler, type HandlerTarget } from './handlers.ts';
import type { ContainerSpecV1, Probe } from './pod-types.ts';
import type { ProbeView } from './pod-status.ts';

type Kind = 'startup' | 'liveness' | 'readiness';

/** Told about every failed probe run: "Readiness probe failed: <why>" is an Unhealthy event. */
export type ProbeFailureReport = (container: string, message: string) => void;

const kindTitle: Record<Kind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

class ProbeWorker {
  readonly #kind: Kind;
  readonly #probe: Probe;
  readonly #target: HandlerTarget;
  readonly #clock: Clock;
  readonly #changed: () => void;
  readonly #gate: () => boolean;
  readonly #failed: (message: string) => void;
  #timer: TimerHandle | undefined;
  #stopped = false;
  #run = 0;
  /** Current result; liveness starts out passing, the others failing, as in Kubernetes. */
  ok: boolean;
  /** failureThreshold reached (liveness and startup failures restart the container). */
  failed = false;
  lastMessage = '';

  constructor(kind: Kind, probe: Probe, target: HandlerTarget, clock: Clock, gate: () => boolean, changed: () => void, failed: (message: string) => void) {
    this.#kind = kind;
    this.#failed = failed;
    this.#probe = probe;
    this.#target = target;
    this.#clock = clock;
    this.#gate = gate;
    this.#changed = changed;
    this.ok = kind === 'liveness';
  }

  start(startedAtMs: number): void {
    const due = startedAtMs + (this.#probe.initialDelaySeconds ?? 0) * 1000;
    this.#schedule(Math.max(0, due - this.#clock.now()));
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => void this.#tick(), ms);
  }

  async #tick(): Promise<void> {
    const period = (this.#probe.periodSeconds ?? 10) * 1000;
    if (!this.#gate()) return this.#schedule(period);
    const result = await runHandler(this.#probe, this.#target, (this.#probe.timeoutSeconds ?? 1) * 1000);
    if (this.#stopped) return;
    this.lastMessage = result.message;
    if (!result.ok) this.#failed(`${kindTitle[this.#kind]} probe failed: ${result.message}`);
    // Counting runs of equal results implements both thresholds.
    this.#run = result.ok === (this.#run > 0) ? this.#run + (result.ok ? 1 : -1) : result.ok ? 1 : -1;
    const successNeeded = this.#kind === 'readiness' ? this.#probe.successThreshold ?? 1 : 1;
    const failureNeeded = this.#probe.failureThreshold ?? 3;
    const before = [this.ok, this.failed].join();
    if (this.#run >= successNeeded) [this.ok, this.failed] = [true, false];
    if (-this.#run >= failureNeeded) [this.ok, this.failed] = [false, true];
    if (before !== [this.ok, this.failed].join()) this.#changed();
    // A startup probe is done once it passed.
    if (this.#kind === 'startup' && this.ok) return;
    this.#schedule(period);
  }
}

interface ContainerProbes {
  startup?: ProbeWorker;
  liveness?: ProbeWorker;
  readiness?: ProbeWorker;
}

/** The probes of one pod, by container id. */
export class PodProber {
  readonly #clock: Clock;
  readonly #changed: () => void;
  readonly #report: ProbeFailureReport;
  readonly #containers = new Map<string, ContainerProbes>();

  constructor(clock: Clock, changed: () => void, report: ProbeFailureReport = () => undefined) {
    this.#clock = clock;
    this.#changed = changed;
    this.#report = report;
  }

  /** Starts the container's probes unless they run already. */
  ensure(container: ContainerSpecV1, target: HandlerTarget, startedAtMs: number): void {
    if (this.#containers.has(target.containerId)) return;
    const probes: ContainerProbes = {};
    const started = () => probes.startup?.ok ?? true;
    const make = (kind: Kind, probe: Probe | undefined, gate: () => boolean) =>
      probe ? new ProbeWorker(kind, probe, target, this.#clock, gate, this.#changed, (message) => this.#report(container.name, message)) : undefined;
    probes.startup = make('startup', container.startupProbe, () => true);
    probes.liveness = make('liveness', container.livenessProbe, started);
    probes.readiness = make('readiness', container.readinessProbe, started);
    this.#containers.set(target.containerId, probes);
    for (const worker of [probes.startup, probes.liveness, probes.readiness]) worker?.start(startedAtMs);
  }

  /** Started/ready as the status reports them; a container without probes is both once running. */
  view(containerId: string): ProbeView {
    const probes = this.#containers.get(containerId);
    if (!probes) return { ready: false, started: false };
    const started = probes.startup?.ok ?? true;
    return { started, ready: started && (probes.readiness?.ok ?? true) };
  }

  /** Why the liveness (or startup) probe failed, or undefined while it passes. */
  livenessFailure(containerId: string): string | undefined {
    const probes = this.#containers.get(containerId);
    if (probes?.startup?.failed) return `Startup probe failed: ${probes.startup.lastMessage}`;
    if (probes?.liveness?.failed) return `Liveness probe failed: ${probes.liveness.lastMessage}`;
    return undefined;
  }

  /** Stops the probes of every container not in `ids`. */
  retain(ids: ReadonlySet<string>): void {
    for (const [id, probes] of this.#containers) {
      if (ids.has(id)) continue;
      for (const worker of [probes.startup, probes.liveness, probes.readiness]) worker?.stop();
      this.#containers.delete(id);
    }
  }

  stopAll(): void {
    this.retain(new Set());
  }
}
