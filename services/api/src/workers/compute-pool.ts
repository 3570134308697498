/**
 * Compute workers for the scenario work that is not a solve (validate, evaluate, swap checks and
 * candidates, the checks in front of a solve). Started on first use; tasks wait in a bounded queue (503
 * beyond it) and a task that runs past `taskTimeoutSeconds` has its worker terminated and replaced.
 */
import { Worker } from 'node:worker_threads';
import { PoolSaturatedError, SolveAbortedError, PoolClosedError, reviveError } from './pool.js';
import type { ComputeResults, ComputeTask, FromComputeWorker, ToComputeWorker } from './protocol.js';
import type { BuildRate } from '../build-units.js';

export interface ComputePoolOptions {
  readonly size: number;
  readonly maxQueue: number;
  readonly taskTimeoutSeconds: number;
  readonly workerMaxHeapMb?: number;
  /** Expanded scenarios each worker keeps (0 turns its cache off). */
  readonly cacheSize?: number;
  /** Takes the build rate each worker measures at start. */
  readonly buildRate?: BuildRate;
}

interface Pending {
  readonly id: number;
  readonly task: ComputeTask;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker?: Worker;
  current?: Pending;
  timer?: NodeJS.Timeout;
}

export class ComputePool {
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ComputePoolOptions) {
    this.slots = Array.from({ length: Math.max(1, Math.floor(options.size)) }, () => ({}));
  }

  /** Workers started so far (they start on the first task). */
  get started(): number {
    return this.slots.filter((s) => s.worker).length;
  }

  run<K extends ComputeTask['kind']>(task: Extract<ComputeTask, { kind: K }>): Promise<ComputeResults[K]> {
    if (this.closed) return Promise.reject(new PoolClosedError('the compute pool is closed'));
    const free = this.slots.filter((s) => !s.current).length;
    if (this.queue.length >= this.options.maxQueue + free)
      return Promise.reject(new PoolSaturatedError(`all ${this.slots.length} compute workers are busy and ${this.queue.length} tasks are queued`));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new PoolClosedError('the compute pool closed'));
    await Promise.all(
      this.slots.map(async (slot) => {
        const { worker, current } = slot;
        this.release(slot);
        slot.worker = undefined;
        current?.reject(new PoolClosedError('the compute pool closed'));
        if (worker) await worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.current || this.queue.length === 0) continue;
      const pending = this.queue.shift()!;
      slot.worker ??= this.spawn(slot);
      slot.current = pending;
      slot.timer = setTimeout(() => this.kill(slot, `the task ran longer than ${this.options.taskTimeoutSeconds} s`), this.options.taskTimeoutSeconds * 1000);
      slot.timer.unref();
      slot.worker.postMessage({ type: 'compute', id: pending.id, task: pending.task } satisfies ToComputeWorker);
    }
  }

  private spawn(slot: Slot): Worker {
    const worker = new Worker(new URL('./compute-worker.js', import.meta.url), {
      execArgv: [],
      workerData: { cacheSize: this.options.cacheSize ?? 16 },
      ...(this.options.workerMaxHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: this.options.workerMaxHeapMb } } : {}),
    });
    worker.unref();
    worker.on('message', (message: FromComputeWorker) => {
      if (message.type === 'ready') return this.options.buildRate?.calibrate(message.buildRate);
      const current = slot.current;
      if (slot.worker !== worker || !current || current.id !== message.id) return;
      this.release(slot);
      if (message.type === 'done') current.resolve(message.value);
      else current.reject(reviveError(message.error));
      this.dispatch();
    });
    worker.on('error', (error) => this.died(slot, worker, `its worker failed: ${error.message}`));
    worker.on('exit', (code) => this.died(slot, worker, `its worker exited (code ${code})`));
    return worker;
  }

  private died(slot: Slot, worker: Worker, why: string): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    const current = slot.current;
    this.release(slot);
    current?.reject(new SolveAbortedError(`the computation was stopped: ${why}`));
    if (!this.closed) this.dispatch();
  }

  private kill(slot: Slot, why: string): void {
    const worker = slot.worker;
    if (!worker) return;
    this.died(slot, worker, why);
    void worker.terminate();
  }

  private release(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.current = undefined;
  }
}
