// Serializes YAML, and schema-checks the objects, on a second thread while the caller goes on (synthesize resolves
// the objects and runs the checks across them meanwhile): on a machine with two cores, writing and schema-checking
// then cost the main thread little more than handing the objects over (as JSON text: a tenth of what dumping them
// costs). Both dump and check: when the thread falls WINDOW chunks behind, the caller takes the newest of them itself
// rather than wait (it waits only when nothing is left to take, so memory stays bounded whatever the output's size),
// and once done with its own work it takes the chunks the thread has not reached, from the last back, so that both
// cores work until the end. A chunk is taken whole: whoever dumps it also checks it.
//
// `synthesize` is synchronous, so the answers are awaited synchronously: the main thread blocks on a shared count of
// replies (Atomics.wait) and reads each with receiveMessageOnPort; it never needs its event loop.
import { extname, join } from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { SchemaChecker, SchemaChecks } from '../validation/schema-check';
import { claimChunk, claimOf, DUMPED_BY_CALLER, DUMPED_BY_WRITER, newClaims } from './chunk-claims';
import { yamlDocument } from './yaml11-safe-schema';
import type { ChunkChecks, WriterMessage, WriterReply } from './yaml-writer-thread';

/** Objects per message: small enough that the thread starts early and holds little, large enough to be cheap. */
const CHUNK = 256;

/** Chunks sent but not yet written, at most. */
const WINDOW = 32;

/** How long `finish` waits for the thread (it answers within seconds even for the largest outputs). */
const FINISH_TIMEOUT_MS = 10 * 60 * 1000;

/** Objects for one file, each with its construct path, on their way to the thread. */
interface Chunk {
  readonly objects: Record<string, any>[];
  readonly constructPaths: string[];
}

/** A chunk sent, with whether it begins its file. */
interface SentChunk extends Chunk {
  readonly startsFile: boolean;
}

function emptyChunk(): Chunk {
  return { objects: [], constructPaths: [] };
}

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
  Atomics.add(workerData.signal, 0, 1);
  Atomics.notify(workerData.signal, 0);
}`;

/**
 * YAML files written, and their objects schema-checked, on a worker thread; `schemaChecks` and `finish` block until
 * the thread has answered.
 */
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
   * [0]: replies the thread has posted; [1]: set to 1 here to make it skip the chunks still queued; [2]: chunks the
   * thread has finished with.
   */
  private readonly signal = new Int32Array(new SharedArrayBuffer(12));
  /** Which thread dumps and checks each chunk sent (chunk-claims.ts). */
  private readonly claims = newClaims();
  private readonly pending = new Map<string, Chunk>();
  /** Every chunk sent, in order, for the main thread to take those the thread has not reached. */
  private readonly sentChunks: SentChunk[] = [];
  /** The schema check of each chunk taken here. */
  private readonly checkedHere: ChunkChecks[] = [];
  /** Files that have been sent a chunk with at least one object. */
  private readonly begunFiles = new Set<string>();
  private replies = 0;
  /** Why the thread could not load its module, once its reply has said so: it then wrote and checked nothing. */
  public unavailableReason: string | undefined;
  private finished = false;

  private constructor(typescriptHook: string | undefined) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { port: port2, signal: this.signal, claims: this.claims, module: THREAD_MODULE, typescriptHook },
      transferList: [port2],
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    // Never keeps the process alive, and its errors arrive as the reply to `finish`, not as an event.
    this.worker.unref();
    this.worker.on('error', () => undefined);
  }

  /**
   * Appends an object to the YAML file at `path` (created by its first object), after the ones appended before, and
   * has it schema-checked; `constructPath` is its ApiObject's, for the findings.
   */
  public append(path: string, object: Record<string, any>, constructPath: string): void {
    let chunk = this.pending.get(path);
    if (!chunk) this.pending.set(path, (chunk = emptyChunk()));
    chunk.objects.push(object);
    chunk.constructPaths.push(constructPath);
    if (chunk.objects.length >= CHUNK) this.send(path);
  }

  /** Makes sure the file exists, even with no object. */
  public create(path: string): void {
    if (!this.pending.has(path)) this.pending.set(path, emptyChunk());
  }

  private send(path: string): void {
    const chunk = this.pending.get(path) ?? emptyChunk();
    this.pending.set(path, emptyChunk());
    // While the thread is WINDOW chunks behind, dump the newest of them here; wait only when the thread has taken all
    // the others, unless it posted a reply nobody asked for (it could not start).
    while (this.sentChunks.length - Atomics.load(this.signal, 2) >= WINDOW && Atomics.load(this.signal, 0) === this.replies) {
      if (this.takeFromEnd(WINDOW, 1) === 0) Atomics.wait(this.signal, 2, Atomics.load(this.signal, 2), 1000);
    }
    const startsFile = !this.begunFiles.has(path);
    if (chunk.objects.length > 0) this.begunFiles.add(path);
    this.post({ type: 'chunk', path, ...handOver(chunk.objects), constructPaths: chunk.constructPaths, startsFile });
    this.sentChunks.push({ ...chunk, startsFile });
  }

  /**
   * The schema check of every object appended so far (what validation's own would find, in the same order). Until
   * the thread has it, the caller takes the chunks the thread has not reached, one at a time from the last back,
   * until the thread's and the caller's meet: each is checked here, and its YAML dumped here and sent to the thread,
   * which writes it in its place. Undefined when the thread could not check its part, and the caller checks
   * everything itself.
   */
  public schemaChecks(): SchemaChecks | undefined {
    if (this.unavailableReason !== undefined || this.finished) return undefined;
    for (const path of this.pending.keys()) this.send(path);
    this.takeFromEnd(this.sentChunks.length, Infinity);
    const onThread = this.request({ type: 'checks' }).checks;
    if (!onThread) return undefined;
    const byChunk = [...onThread, ...this.checkedHere].sort((x, y) => x.chunk - y.chunk);
    return { findings: byChunk.flatMap((c) => c.findings), unchecked: byChunk.flatMap((c) => c.unchecked) };
  }

  /**
   * Takes chunks here, from the newest of the last `depth` sent back, passing over those taken here already, until
   * `count` are taken or the next is the thread's: each is checked here, and its YAML dumped here and sent to the
   * thread. Returns how many it took.
   */
  private takeFromEnd(depth: number, count: number): number {
    let taken = 0;
    for (let i = this.sentChunks.length - 1; i >= Math.max(0, this.sentChunks.length - depth) && taken < count; i--) {
      const owner = claimOf(this.claims, i);
      if (owner === DUMPED_BY_CALLER) continue;
      if (owner === DUMPED_BY_WRITER || !claimChunk(this.claims, i, DUMPED_BY_CALLER)) break;
      const chunk = this.sentChunks[i];
      const schema = new SchemaChecker();
      schema.checkObjects(chunk.objects, chunk.constructPaths);
      this.checkedHere.push({ chunk: i, findings: schema.findings, unchecked: schema.unchecked });
      let text = '';
      chunk.objects.forEach((object, j) => { text += yamlDocument(object, chunk.startsFile && j === 0); });
      this.post({ type: 'text', chunk: i, text });
      taken++;
    }
    return taken;
  }

  /**
   * Waits until every file is written and closed, and ends the thread. Returns false when the thread could not
   * start (nothing was written: the caller writes the files itself); throws when writing failed.
   */
  public finish(): boolean {
    const reply = this.end();
    if (this.unavailableReason !== undefined) return false;
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
      this.end();
    } catch {
      // abandoned anyway
    }
  }

  /** Sends what is pending, then `finish`; waits for the answer and ends the thread. */
  private end(): WriterReply {
    this.finished = true;
    try {
      if (this.unavailableReason !== undefined) return {};
      for (const path of this.pending.keys()) this.send(path);
      return this.request({ type: 'finish' });
    } finally {
      this.port.close();
      void this.worker.terminate();
    }
  }

  private post(message: WriterMessage): void {
    this.port.postMessage(message);
  }

  /** Posts a request and waits for the thread's next reply (which may say instead that it could not start). */
  private request(message: WriterMessage): WriterReply {
    this.post(message);
    const outcome = Atomics.wait(this.signal, 0, this.replies, FINISH_TIMEOUT_MS);
    const reply = receiveMessageOnPort(this.port)?.message as WriterReply | undefined;
    if (outcome === 'timed-out' || !reply) {
      throw new Error(`the YAML writer thread did not answer within ${FINISH_TIMEOUT_MS / 60000} minutes`);
    }
    this.replies++;
    if (reply.unavailable) this.unavailableReason = reply.failure ?? 'no reason given';
    return reply;
  }
}

/**
 * How a chunk's objects cross to the thread: as JSON text, which costs the caller about a third of a structured
 * clone; as they are when the text holds a `null` (resolved objects have none, but a JSON patch can add one, and
 * JSON would also turn NaN, Infinity or an array's hole into one), so that the thread gets exactly these values.
 */
function handOver(objects: readonly Record<string, any>[]): { json: string } | { objects: readonly Record<string, any>[] } {
  const json = JSON.stringify(objects);
  return json.includes('null') ? { objects } : { json };
}
