// Serializes YAML on a second thread while the caller goes on (synthesize resolves and validates the object set
// meanwhile): on a machine with two cores, writing the YAML then costs the main thread little more than handing
// the objects over (a structured clone, about a tenth of what dumping them costs). At most WINDOW chunks are in
// flight: when the thread falls behind, the caller waits, so memory stays bounded whatever the output's size.
//
// `synthesize` is synchronous, so the end is awaited synchronously: the main thread blocks on a shared signal
// (Atomics.wait) and reads the thread's one reply with receiveMessageOnPort; it never needs its event loop.
import { extname, join } from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import type { WriterReply } from './yaml-writer-thread';

/** Objects per message: small enough that the thread starts early and holds little, large enough to be cheap. */
const CHUNK = 256;

/** Chunks sent but not yet written, at most. */
const WINDOW = 32;

/** How long `finish` waits for the thread (it answers within seconds even for the largest outputs). */
const FINISH_TIMEOUT_MS = 10 * 60 * 1000;

const THREAD_MODULE = join(__dirname, `yaml-writer-thread${extname(__filename)}`);

/**
 * Loads the thread's module, with tsx's require hook first when the kit runs as TypeScript (a worker does not
 * inherit the loader of `node --import tsx`); if that fails, answers "unavailable" so that the caller writes the
 * files itself instead of waiting.
 */
const BOOTSTRAP = `
const { workerData } = require('worker_threads');
try {
  if (workerData.typescriptHook) require(workerData.typescriptHook);
  require(workerData.module);
} catch (error) {
  workerData.port.postMessage({ unavailable: true, failure: String(error && error.message) });
  Atomics.store(workerData.signal, 0, 1);
  Atomics.notify(workerData.signal, 0);
}`;

/** YAML files written on a worker thread; `finish` blocks until they are all written, or throws what failed. */
export class BackgroundYamlWriter {
  /** A writer, or undefined where a worker thread cannot load the kit: its TypeScript source without tsx installed. */
  public static start(): BackgroundYamlWriter | undefined {
    if (extname(__filename) === '.js') return new BackgroundYamlWriter(undefined);
    try {
      return new BackgroundYamlWriter(require.resolve('tsx/cjs'));
    } catch {
      return undefined;
    }
  }

  private readonly worker: Worker;
  private readonly port: MessagePort;
  /**
   * [0]: 1 once the thread has answered; [1]: set to 1 here to make it skip the chunks still queued; [2]: chunks the
   * thread has finished with.
   */
  private readonly signal = new Int32Array(new SharedArrayBuffer(12));
  private readonly pending = new Map<string, unknown[]>();
  private sent = 0;
  private finished = false;

  private constructor(typescriptHook: string | undefined) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { port: port2, signal: this.signal, module: THREAD_MODULE, typescriptHook },
      transferList: [port2],
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    // Never keeps the process alive, and its errors arrive as the reply to `finish`, not as an event.
    this.worker.unref();
    this.worker.on('error', () => undefined);
  }

  /** Appends an object to the YAML file at `path` (created by its first object), after the ones appended before. */
  public append(path: string, object: unknown): void {
    let objects = this.pending.get(path);
    if (!objects) this.pending.set(path, (objects = []));
    objects.push(object);
    if (objects.length >= CHUNK) this.send(path);
  }

  /** Makes sure the file exists, even with no object. */
  public create(path: string): void {
    if (!this.pending.has(path)) this.pending.set(path, []);
  }

  private send(path: string): void {
    const objects = this.pending.get(path) ?? [];
    this.pending.set(path, []);
    // Wait while the thread is WINDOW chunks behind, unless it has already answered (it could not start).
    while (this.sent - Atomics.load(this.signal, 2) >= WINDOW && Atomics.load(this.signal, 0) === 0) {
      Atomics.wait(this.signal, 2, Atomics.load(this.signal, 2), 1000);
    }
    this.port.postMessage({ type: 'chunk', path, objects });
    this.sent++;
  }

  /**
   * Waits until every file is written and closed, and ends the thread. Returns false when the thread could not
   * start (nothing was written: the caller writes the files itself); throws when writing failed.
   */
  public finish(): boolean {
    const reply = this.awaitReply();
    if (reply.unavailable) return false;
    if (reply.failure !== undefined) throw new Error(reply.failure);
    return true;
  }

  /**
   * Abandons the files (synthesis failed): the thread skips what is still queued and ends. Returns only when the
   * thread has stopped touching them, so that the caller can remove them.
   */
  public abandon(): void {
    if (this.finished) return;
    Atomics.store(this.signal, 1, 1);
    this.pending.clear();
    try {
      this.awaitReply();
    } catch {
      // abandoned anyway
    }
  }

  private awaitReply(): WriterReply {
    this.finished = true;
    try {
      for (const path of this.pending.keys()) this.send(path);
      this.port.postMessage({ type: 'finish' });
      const outcome = Atomics.wait(this.signal, 0, 0, FINISH_TIMEOUT_MS);
      const reply = receiveMessageOnPort(this.port)?.message as WriterReply | undefined;
      if (outcome === 'timed-out' || !reply) {
        throw new Error(`the YAML writer thread did not answer within ${FINISH_TIMEOUT_MS / 60000} minutes`);
      }
      return reply;
    } finally {
      this.port.close();
      void this.worker.terminate();
    }
  }
}
