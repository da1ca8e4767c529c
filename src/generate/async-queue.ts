// A one-consumer async queue: the producer pushes items (and ends or fails it), the consumer iterates with
// `for await`. Leaving the loop early (break, throw) calls `onReturn`, so the producer can stop working.

export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  private error: unknown = null;
  private failed = false;

  constructor(private readonly onReturn: () => void = () => {}) {}

  push(item: T): void {
    if (this.ended) return;
    this.items.push(item);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(error: unknown): void {
    if (this.ended) return;
    this.failed = true;
    this.error = error;
    this.ended = true;
    this.wake();
  }

  get done(): boolean {
    return this.ended;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    try {
      for (;;) {
        if (this.items.length > 0) {
          // Hand over everything that is there, in order, before waiting again.
          const batch = this.items;
          this.items = [];
          for (const item of batch) yield item;
          continue;
        }
        if (this.ended) {
          if (this.failed) throw this.error;
          return;
        }
        await new Promise<void>((resolve) => (this.waiter = resolve));
      }
    } finally {
      if (!this.ended || this.items.length > 0) this.onReturn();
    }
  }
}
