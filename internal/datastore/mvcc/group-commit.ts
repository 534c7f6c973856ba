/**
 * Group commit: commands proposed while the previous batch was being written (or in
 * the same turn of the event loop) are applied together in one SQLite transaction,
 * so concurrent writers share one fsync. A proposal resolves only after its batch is
 * durable on disk.
 */
import type { Command, CommandResult } from '../command.ts';
import { ClosedError } from '../errors.ts';
import type { RevLog } from '../revlog/revlog.ts';
import type { WritePath } from './store.ts';

interface Pending {
  command: Command;
  resolve: (result: CommandResult) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Most commands in one transaction (default 1000). */
  maxBatch?: number;
  /** Called after every committed batch, before any proposal of it resolves. */
  onCommit?: () => void;
}

export class GroupCommitProposer implements WritePath {
  readonly #log: RevLog;
  readonly #maxBatch: number;
  readonly #onCommit: () => void;
  #queue: Pending[] = [];
  #scheduled = false;
  #closed = false;

  constructor(log: RevLog, options: GroupCommitOptions = {}) {
    this.#log = log;
    this.#maxBatch = options.maxBatch ?? 1000;
    this.#onCommit = options.onCommit ?? (() => {});
  }

  propose(command: Command): Promise<CommandResult> {
    if (this.#closed) return Promise.reject(new ClosedError());
    return new Promise<CommandResult>((resolve, reject) => {
      this.#queue.push({ command, resolve, reject });
      this.#schedule();
    });
  }

  /** A lone store's reads always see its own acknowledged writes. */
  linearize(): Promise<void> {
    return Promise.resolve();
  }

  leads(): boolean {
    return true;
  }

  /** Applies what is queued now, then refuses new proposals. */
  async close(): Promise<void> {
    while (this.#queue.length > 0) this.#flush();
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  #flush(): void {
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (batch.length === 0) return;
    let outcomes;
    try {
      outcomes = this.#log.applyBatch(batch.map((pending) => pending.command));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.#onCommit();
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) pending.reject(new Error(`no outcome for command ${i} of a batch of ${batch.length}`));
      else if (outcome.ok) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
  }
}
