// The worker side of BackgroundYamlWriter (background-yaml-writer.ts): receives objects in chunks, appends them to
// their files as YAML documents and schema-checks them (the one part of validation that needs nothing but the object
// itself). A chunk is dumped and checked here only if the main thread has not claimed it first (`claims`): when this
// thread falls behind, and once the main thread is done with its own work, that thread takes the newest chunks,
// checks them, dumps their YAML and sends the text, so neither thread waits long on the other; each file gets its
// documents in order all the same, a chunk whose text is still to come holding back the ones after it. It answers
// two requests, each once, through the port and a count of replies in the shared signal the main thread waits on:
// `checks` (the schema check of each chunk it took) and `finish` (files written and closed). Each chunk received is counted (signal[2]: the main thread's flow
// control); chunks still queued when the main thread abandons the files (signal[1]) are skipped. Runs only inside
// that worker.
import { closeSync, openSync } from 'fs';
import { MessagePort, workerData } from 'worker_threads';
import { SchemaChecker, SchemaChecks } from '../validation/schema-check';
import { DUMPED_BY_WRITER, claimChunk } from './chunk-claims';
import { writeText } from './write-text';
import { yamlDocument } from './yaml11-safe-schema';

/** What the main thread sends. */
export type WriterMessage =
  | {
    readonly type: 'chunk';
    readonly path: string;
    /** The objects, as JSON text (cheaper to hand over than a structured clone), or as they are. */
    readonly json?: string;
    readonly objects?: readonly Record<string, any>[];
    /** The construct path of each object, for the findings of its schema check. */
    readonly constructPaths: readonly string[];
    /** Whether the chunk's first object is its file's first document (no `---` line before it). */
    readonly startsFile: boolean;
  }
  /** The YAML of a chunk the main thread claimed, by its number in the order chunks were sent. */
  | { readonly type: 'text'; readonly chunk: number; readonly text: string }
  | { readonly type: 'checks' }
  | { readonly type: 'finish' };

/** An answer: to `checks`, to `finish`, or instead of either when the thread could not start. */
export interface WriterReply {
  /** What went wrong, for the error the main thread raises; absent when every file was written. */
  readonly failure?: string;
  /** The thread could not load this module at all: the main thread writes the files itself. */
  readonly unavailable?: boolean;
  /** The schema check of each chunk this thread took, by its number; absent when checking failed. */
  readonly checks?: readonly ChunkChecks[];
}

/** The schema check of one chunk, by its number in the order chunks were sent. */
export interface ChunkChecks extends SchemaChecks {
  readonly chunk: number;
}

/** A chunk's place in its file: its text, once dumped here or sent by the main thread. */
interface QueuedText {
  readonly chunk: number;
  text?: string;
}

/** A file being written: its chunks' texts in order, those still to come from the main thread undefined. */
interface OpenFile {
  readonly path: string;
  readonly fd: number;
  readonly queue: QueuedText[];
}

const { port, signal, claims } = workerData as { port: MessagePort; signal: Int32Array; claims: Int32Array };
const files = new Map<string, OpenFile>();
/** Each chunk whose text the main thread sends: its file and its place in the file's queue. */
const awaited = new Map<number, { readonly file: OpenFile; readonly entry: QueuedText }>();
const checked: ChunkChecks[] = [];
let failure: string | undefined;
let checkFailure: string | undefined;
let chunks = 0;

port.on('message', (message: WriterMessage) => {
  if (message.type === 'chunk') {
    if (Atomics.load(signal, 1) === 0) receive(message);
    Atomics.add(signal, 2, 1);
    Atomics.notify(signal, 2);
  } else if (message.type === 'text') {
    const wait = awaited.get(message.chunk);
    awaited.delete(message.chunk);
    if (wait) {
      wait.entry.text = message.text;
      flush(wait.file);
    }
  } else if (message.type === 'checks') {
    // Plain data: the findings and the list cross to the main thread as they are.
    reply(checkFailure === undefined ? { checks: checked } : {});
  } else {
    if (awaited.size > 0) failure ??= `the text of ${awaited.size} chunk(s) never arrived`;
    for (const { fd } of files.values()) {
      try {
        closeSync(fd);
      } catch (error) {
        failure ??= (error as Error).message;
      }
    }
    reply(failure === undefined ? {} : { failure });
    port.close();
  }
});

function receive(message: Extract<WriterMessage, { type: 'chunk' }>): void {
  const chunk = chunks++;
  const file = fileOf(message.path);
  if (!claimChunk(claims, chunk, DUMPED_BY_WRITER)) {
    if (file) {
      const entry: QueuedText = { chunk };
      file.queue.push(entry);
      awaited.set(chunk, { file, entry });
    }
    return;
  }
  const objects = message.objects ?? JSON.parse(message.json!) as Record<string, any>[];
  if (file) {
    let text = '';
    objects.forEach((object, i) => { text += yamlDocument(object, message.startsFile && i === 0); });
    file.queue.push({ chunk, text });
    flush(file);
  }
  if (checkFailure !== undefined) return;
  try {
    const schema = new SchemaChecker();
    schema.checkObjects(objects, message.constructPaths);
    checked.push({ chunk, findings: schema.findings, unchecked: schema.unchecked });
  } catch (error) {
    // The main thread checks the objects itself.
    checkFailure = (error as Error).message;
  }
}

/** The open file at `path`, created by its first chunk; undefined once writing has failed. */
function fileOf(path: string): OpenFile | undefined {
  if (failure !== undefined) return undefined;
  let file = files.get(path);
  if (!file) {
    try {
      file = { path, fd: openSync(path, 'w'), queue: [] };
    } catch (error) {
      failure = `writing ${path}: ${(error as Error).message}`;
      return undefined;
    }
    files.set(path, file);
  }
  return file;
}

/** Writes the file's texts that are ready, up to the first still to come. */
function flush(file: OpenFile): void {
  let ready = 0;
  let text = '';
  while (ready < file.queue.length && file.queue[ready].text !== undefined) text += file.queue[ready++].text;
  if (ready === 0) return;
  file.queue.splice(0, ready);
  try {
    if (failure === undefined) writeText(file.fd, text);
  } catch (error) {
    failure = `writing ${file.path}: ${(error as Error).message}`;
  }
}

function reply(message: WriterReply): void {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}
