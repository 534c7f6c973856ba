/**
 * Leader election over a coordination.k8s.io/v1 Lease, as client-go's leaderelection:
 * a candidate takes the Lease when it is free or its holder has not renewed it for
 * leaseDurationSeconds, measured on the candidate's own clock from when it first saw the
 * current record (never by comparing clocks across machines); the leader renews every
 * retry period and gives up leading when it could not renew within the renew deadline.
 * `electionStep` is the pure decision; `LeaderElector` does the reads, writes and waits.
 */
import { realClock, sleep, type CallOptions, type Clock } from '../client/index.ts';
import { isPlainObject, type KubeObject } from '../apiserver/objects.ts';
import type { Logger } from '../util/log.ts';
import { isNotFound } from './claims.ts';

/** The Lease spec fields the election reads and writes. */
export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

/** What a candidate remembers between attempts. */
export interface ElectorMemory {
  /** The record last seen or written; null before the first. */
  record: LeaderElectionRecord | null;
  /** Local time at which that record was first seen in its current form. */
  observedAtMs: number;
}

export type ElectionStep =
  | { action: 'create' | 'update'; record: LeaderElectionRecord }
  | { action: 'wait'; holder: string };

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

function sameRecord(a: LeaderElectionRecord | null, b: LeaderElectionRecord | null): boolean {
  return a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}

/**
 * One election attempt. `current` is the Lease's record as just read (null: no Lease).
 * Returns what to write (or to wait, while another candidate holds a live Lease) and the
 * memory to keep until the write's outcome is known. A holder for which `predecessor` is
 * true (an earlier run of this same server, which cannot still be running) is not waited
 * for when first seen, so a restarted server leads again at once.
 */
export function electionStep(
  current: LeaderElectionRecord | null,
  memory: ElectorMemory,
  identity: string,
  nowMs: number,
  leaseDurationSeconds: number,
  predecessor: (holder: string) => boolean = () => false,
): { memory: ElectorMemory; step: ElectionStep } {
  const mine: LeaderElectionRecord = { holderIdentity: identity, leaseDurationSeconds, acquireTime: microTime(nowMs), renewTime: microTime(nowMs), leaseTransitions: 0 };
  if (current === null) return { memory, step: { action: 'create', record: mine } };
  const observed = sameRecord(current, memory.record) ? memory : { record: current, observedAtMs: nowMs };
  const leading = current.holderIdentity === identity;
  const live = observed.observedAtMs + current.leaseDurationSeconds * 1000 > nowMs;
  const inherited = memory.record === null && current.holderIdentity !== identity && predecessor(current.holderIdentity);
  if (current.holderIdentity !== '' && live && !leading && !inherited) return { memory: observed, step: { action: 'wait', holder: current.holderIdentity } };
  if (leading) {
    mine.acquireTime = current.acquireTime;
    mine.leaseTransitions = current.leaseTransitions;
  } else {
    mine.leaseTransitions = current.leaseTransitions + 1;
  }
  return { memory: observed, step: { action: 'update', record: mine } };
}

/** The record a leader writes when it steps down: no holder, expiring after one second. */
export function releaseRecord(current: LeaderElectionRecord, nowMs: number): LeaderElectionRecord {
  return { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(nowMs), renewTime: microTime(nowMs), leaseTransitions: current.leaseTransitions };
}

/** Reads the election record from a Lease (missing fields as empty values). */
export function recordOf(lease: KubeObject): LeaderElectionRecord {
  const spec = isPlainObject(lease.spec) ? lease.spec : {};
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const int = (value: unknown): number => (typeof value === 'number' ? value : 0);
  return {
    holderIdentity: text(spec.holderIdentity),
    leaseDurationSeconds: int(spec.leaseDurationSeconds),
    acquireTime: text(spec.acquireTime),
    renewTime: text(spec.renewTime),
    leaseTransitions: int(spec.leaseTransitions),
  };
}

/** The Lease verbs the elector needs (a ResourceClient of Leases fits). */
export interface LeaseApi {
  get(namespace: string, name: string, options?: CallOptions): Promise<KubeObject>;
  create(namespace: string, lease: KubeObject, options?: CallOptions): Promise<KubeObject>;
  update(namespace: string, lease: KubeObject, options?: CallOptions): Promise<KubeObject>;
}

export interface LeaderElectorOptions {
  leases: LeaseApi;
  namespace: string;
  name: string;
  identity: string;
  clock?: Clock;
  log?: Logger;
  /** How long a Lease stays valid without renewal (default 15 000 ms). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it stops leading (default 10 000 ms). */
  renewDeadlineMs?: number;
  /** Pause between attempts (default 2 000 ms; candidates add up to 1.2× that at random). */
  retryPeriodMs?: number;
  random?: () => number;
  /** Holders that are earlier runs of this server (their Lease is taken over at start); default none. */
  predecessor?: (holder: string) => boolean;
}

/** Runs work only while holding the Lease; see the file comment. */
export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectorOptions, 'log'>> & { log: Logger | undefined };
  #memory: ElectorMemory = { record: null, observedAtMs: 0 };
  #lease: KubeObject | null = null;

  constructor(options: LeaderElectorOptions) {
    this.#o = { clock: realClock, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, random: Math.random, predecessor: () => false, log: undefined, ...options };
  }

  /** This candidate wrote the record it last saw. */
  isLeader(): boolean {
    return this.#memory.record?.holderIdentity === this.#o.identity;
  }

  /**
   * Until `signal` aborts: acquires the Lease, runs `lead` with a signal that aborts when
   * leadership is lost, and competes again afterwards. Steps down (releases the Lease) when
   * `signal` aborts; if `lead` fails, steps down and throws its error.
   */
  async run(signal: AbortSignal, lead: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const { clock, log, retryPeriodMs, random } = this.#o;
    try {
      while (!signal.aborted) {
        while (!signal.aborted && !(await this.tryAcquireOrRenew(signal))) {
          await sleep(clock, retryPeriodMs * (1 + 1.2 * random()), signal);
        }
        if (signal.aborted) return;
        log?.info('became leader', { lease: `${this.#o.namespace}/${this.#o.name}`, identity: this.#o.identity });
        const leading = new AbortController();
        const stop = (): void => leading.abort();
        signal.addEventListener('abort', stop, { once: true });
        let failure: { error: unknown } | undefined;
        const work = lead(leading.signal).then(
          () => leading.abort(),
          (error: unknown) => {
            failure = { error };
            leading.abort();
          },
        );
        await this.#keepRenewing(leading.signal);
        leading.abort();
        await work;
        signal.removeEventListener('abort', stop);
        if (failure !== undefined) throw failure.error;
        if (!signal.aborted) log?.warn('lost leadership', { lease: `${this.#o.namespace}/${this.#o.name}` });
      }
    } finally {
      await this.#release();
    }
  }

  /** One attempt to take or renew the Lease; false when another holds it or the API failed. */
  async tryAcquireOrRenew(signal?: AbortSignal): Promise<boolean> {
    const { leases, namespace, name, identity, clock } = this.#o;
    try {
      let current: KubeObject | null = null;
      try {
        current = await leases.get(namespace, name, { signal });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      const now = clock.now();
      const record = current === null ? null : recordOf(current);
      const { memory, step } = electionStep(record, this.#memory, identity, now, Math.round(this.#o.leaseDurationMs / 1000), this.#o.predecessor);
      this.#memory = memory;
      if (step.action === 'wait') return false;
      const body: KubeObject = current === null
        ? { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: { ...step.record } }
        : { ...current, spec: { ...(isPlainObject(current.spec) ? current.spec : {}), ...step.record } };
      this.#lease = step.action === 'create' ? await leases.create(namespace, body, { signal }) : await leases.update(namespace, body, { signal });
      this.#memory = { record: step.record, observedAtMs: now };
      return true;
    } catch (error) {
      this.#o.log?.debug('lease attempt failed', { lease: `${namespace}/${name}`, error });
      return false;
    }
  }

  /** Renews every retry period; returns when a renewal did not succeed within the deadline, or `signal` aborts. */
  async #keepRenewing(signal: AbortSignal): Promise<void> {
    const { clock, renewDeadlineMs, retryPeriodMs } = this.#o;
    while (await sleep(clock, retryPeriodMs, signal)) {
      const deadline = clock.now() + renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted && clock.now() < deadline) {
        const attempt = new AbortController();
        const timer = clock.setTimeout(() => attempt.abort(), deadline - clock.now());
        renewed = await this.tryAcquireOrRenew(AbortSignal.any([signal, attempt.signal]));
        clock.clearTimeout(timer);
        if (renewed || !(await sleep(clock, retryPeriodMs, signal))) break;
      }
      if (!renewed) return;
    }
  }

  /** Best effort: a leader that stops hands the Lease on at once instead of letting it expire. */
  async #release(): Promise<void> {
    const lease = this.#lease;
    if (!this.isLeader() || lease === null) return;
    const record = releaseRecord(recordOf(lease), this.#o.clock.now());
    try {
      this.#lease = await this.#o.leases.update(this.#o.namespace, { ...lease, spec: { ...(isPlainObject(lease.spec) ? lease.spec : {}), ...record } }, { signal: AbortSignal.timeout(2000) });
      this.#memory = { record, observedAtMs: this.#o.clock.now() };
    } catch (error) {
      // The Lease then simply expires after leaseDurationSeconds.
      this.#o.log?.debug('could not release the lease', { error });
    }
  }
}
