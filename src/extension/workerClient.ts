import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { LabelwiseError } from '../core/errors';
import { CancelledError } from '../core/session/cancelledError';
import {
  CANCELLED_CODE,
  isWorkerToHost,
  type HostToWorker,
  type WireError,
  type WorkerMethod,
  type WorkerNotification,
  type WorkerRequests,
} from '../core/session/workerProtocol';
import { silentLogger, type Disposable, type Logger } from '../core/types';

/** The transport to the engine worker: a worker thread or a forked process, same messages. */
export interface WorkerChannel {
  readonly kind: 'thread' | 'process';
  post(m: HostToWorker): void;
  onMessage(handler: (m: unknown) => void): void;
  /** Called once when the worker is gone; with an error when it crashed. */
  onExit(handler: (error?: Error) => void): void;
  terminate(): Promise<void>;
}

export function threadChannel(script: string): WorkerChannel {
  const w = new Worker(script);
  let exited = false;
  return {
    kind: 'thread',
    post: (m) => w.postMessage(m),
    onMessage: (h) => w.on('message', h),
    onExit: (h) => {
      w.on('error', (e) => {
        if (!exited) h(e);
        exited = true;
      });
      w.on('exit', (code) => {
        if (!exited) h(code === 0 ? undefined : new Error(`the engine worker exited with code ${code}`));
        exited = true;
      });
    },
    terminate: async () => {
      exited = true;
      await w.terminate();
    },
  };
}

export function processChannel(script: string): WorkerChannel {
  const p: ChildProcess = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  let exited = false;
  return {
    kind: 'process',
    post: (m) => {
      p.send(m);
    },
    onMessage: (h) => p.on('message', h),
    onExit: (h) => {
      p.on('error', (e) => {
        if (!exited) h(e);
        exited = true;
      });
      p.on('exit', (code, signal) => {
        if (!exited) h(code === 0 ? undefined : new Error(`the engine worker process exited (${signal ?? `code ${code}`})`));
        exited = true;
      });
    },
    terminate: async () => {
      exited = true;
      p.kill();
    },
  };
}

export interface RequestOptions {
  readonly onProgress?: (message: string, fraction?: number) => void;
  readonly signal?: AbortSignal;
}

/** The engine worker as its callers see it: typed requests (the WorkerClient, or a fake in tests). */
export interface WorkerApi {
  request<M extends WorkerMethod>(method: M, params: WorkerRequests[M]['params'], opts?: RequestOptions): Promise<WorkerRequests[M]['result']>;
}

interface Pending {
  readonly method: WorkerMethod;
  readonly message: HostToWorker;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly onProgress?: (message: string, fraction?: number) => void;
}

/** An error that came back from the worker, with the setting / file / line it names. */
export class WorkerError extends LabelwiseError {
  readonly setting?: string;
  readonly file?: string;
  readonly line?: number;
  constructor(w: WireError) {
    super(w.message, w.code);
    this.setting = w.setting;
    this.file = w.file;
    this.line = w.line;
  }
}

function fromWire(w: WireError): Error {
  return w.code === CANCELLED_CODE ? new CancelledError(w.message) : new WorkerError(w);
}

/**
 * The host side of the worker protocol: typed requests with ids, responses matched to them,
 * progress routed to the request's callback, cancellation by id, notifications to listeners.
 *
 * If the worker dies before it ever answered (for instance a native module that refuses to load
 * in a worker thread) and a fallback factory is given, the client starts the fallback (a forked
 * process) and sends the in-flight requests again; it says so in the log.
 */
export class WorkerClient implements Disposable {
  private channel: WorkerChannel;
  private nextId = 1;
  private answered = false;
  private disposed = false;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(n: WorkerNotification) => void>();
  private readonly stoppedListeners = new Set<(e: Error) => void>();

  constructor(
    factory: () => WorkerChannel,
    private readonly logger: Logger = silentLogger,
    private readonly fallback?: () => WorkerChannel,
  ) {
    this.channel = this.attach(factory());
  }

  get kind(): 'thread' | 'process' {
    return this.channel.kind;
  }

  request<M extends WorkerMethod>(method: M, params: WorkerRequests[M]['params'], opts: RequestOptions = {}): Promise<WorkerRequests[M]['result']> {
    if (this.disposed) return Promise.reject(new LabelwiseError('the engine worker has stopped'));
    const id = this.nextId++;
    const message: HostToWorker = { kind: 'request', id, method, params };
    return new Promise<WorkerRequests[M]['result']>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new CancelledError());
        return;
      }
      this.pending.set(id, { method, message, resolve: resolve as (v: unknown) => void, reject, onProgress: opts.onProgress });
      opts.signal?.addEventListener('abort', () => {
        if (this.pending.has(id)) this.channel.post({ kind: 'cancel', id });
      });
      this.channel.post(message);
    });
  }

  onNotification(listener: (n: WorkerNotification) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Called when the worker died unexpectedly (not on dispose). */
  onStopped(listener: (e: Error) => void): Disposable {
    this.stoppedListeners.add(listener);
    return { dispose: () => this.stoppedListeners.delete(listener) };
  }

  get alive(): boolean {
    return !this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.pending.values()) p.reject(new LabelwiseError('the engine worker was stopped'));
    this.pending.clear();
    void this.channel.terminate();
  }

  private attach(channel: WorkerChannel): WorkerChannel {
    channel.onMessage((m) => this.receive(m));
    channel.onExit((error) => this.exited(channel, error));
    return channel;
  }

  private receive(m: unknown): void {
    if (!isWorkerToHost(m)) return;
    switch (m.kind) {
      case 'response': {
        this.answered = true;
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.result);
        else p.reject(fromWire(m.error));
        return;
      }
      case 'progress':
        this.pending.get(m.id)?.onProgress?.(m.message, m.fraction);
        return;
      case 'log':
        this.logger[m.level](m.message);
        return;
      default:
        for (const l of this.listeners) l(m);
    }
  }

  private exited(channel: WorkerChannel, error: Error | undefined): void {
    if (this.disposed || channel !== this.channel) return;
    if (!this.answered && this.fallback && channel.kind === 'thread') {
      this.logger.warn(`the engine could not run in a worker thread (${error?.message ?? 'it exited'}); falling back to a child process`);
      this.channel = this.attach(this.fallback());
      for (const p of this.pending.values()) this.channel.post(p.message);
      return;
    }
    this.disposed = true;
    const why = new LabelwiseError(`the engine worker stopped${error ? `: ${error.message}` : ''}`);
    this.logger.error(why.message);
    for (const p of this.pending.values()) p.reject(why);
    this.pending.clear();
    for (const l of this.stoppedListeners) l(why);
  }
}
