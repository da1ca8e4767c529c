// The serving engine: the continuous-batching scheduler driven from the event loop. Requests submit a prompt
// and get an async stream of steps; the loop runs one scheduler step (one forwardBatch for every running
// sequence), then yields to the event loop so HTTP I/O, new requests and disconnects are handled between
// tokens. A request whose AbortSignal fires, or whose consumer stops reading, is dropped before the next step.
import type { Decoder } from '../model/inference.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { LlamatsError } from '../util/errors.js';
import { AsyncQueue } from './async-queue.js';
import { yieldToEventLoop } from './generate.js';
import type { GenerateOptions } from './options.js';
import { Scheduler, type Job, type SchedulerLimits } from './scheduler.js';
import type { TokenStep } from './sequence.js';

export interface ChoiceStep extends TokenStep {
  /** Which of the request's n samples this step belongs to. */
  index: number;
}

export interface EngineRequest {
  prompt: readonly number[];
  options: GenerateOptions;
  n?: number;
  signal?: AbortSignal;
  logprobs?: boolean;
}

export class EngineClosedError extends LlamatsError {
  override name = 'EngineClosedError';
}

export class Engine {
  readonly scheduler: Scheduler;
  private running = false;
  private closed = false;
  private readonly queues = new Map<Job, AsyncQueue<ChoiceStep>>();
  /** Tokens generated since start (all requests). */
  generatedTokens = 0;
  /** The most sequences decoded in one step so far (how much batching the load produced). */
  peakBatch = 0;

  constructor(decoder: Decoder, tokenizer: Tokenizer, limits: SchedulerLimits) {
    this.scheduler = new Scheduler(decoder, tokenizer, limits);
  }

  /** Queues a request (throws ConfigError when it cannot fit); its steps arrive through the returned stream. */
  submit(req: EngineRequest): AsyncIterable<ChoiceStep> {
    if (this.closed) throw new EngineClosedError('the engine is shutting down');
    const n = req.n ?? 1;
    let left = n;
    let dropped = false;
    const queue = new AsyncQueue<ChoiceStep>(() => (dropped = true));
    const signal = req.signal;
    const job: Job = {
      prompt: req.prompt, options: req.options, n, logprobs: req.logprobs,
      onStep: (index, step) => {
        this.generatedTokens++;
        queue.push({ ...step, index });
        if (step.finishReason && --left === 0) this.finish(job);
      },
      cancelled: () => {
        const gone = dropped || signal?.aborted === true;
        if (gone) {
          queue.fail(signal?.reason ?? new Error('cancelled'));
          this.queues.delete(job);
        }
        return gone;
      },
    };
    this.scheduler.add(job);
    this.queues.set(job, queue);
    void this.loop();
    return queue;
  }

  /** Sequences running and waiting. */
  get load(): { running: number; waiting: number } {
    return this.scheduler.load;
  }

  /** Stops accepting work, fails what is in flight with EngineClosedError. */
  close(): void {
    this.closed = true;
    for (const job of this.scheduler.clear()) this.fail(job, new EngineClosedError('the server is shutting down'));
  }

  private finish(job: Job): void {
    this.queues.get(job)?.end();
    this.queues.delete(job);
  }

  private fail(job: Job, error: unknown): void {
    this.queues.get(job)?.fail(error);
    this.queues.delete(job);
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        // First yield: submit() returns before any work, and I/O runs between steps.
        await yieldToEventLoop();
        if (this.scheduler.idle) return;
        try {
          this.peakBatch = Math.max(this.peakBatch, this.scheduler.load.running);
          this.scheduler.step();
        } catch (e) {
          // A failed forward pass fails every request in flight; the engine keeps serving new ones.
          for (const job of this.scheduler.clear()) this.fail(job, e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
