// The worker side of BackgroundYamlWriter (background-yaml-writer.ts): receives objects in chunks, appends them to
// their files as YAML documents and schema-checks them (the one part of validation that needs nothing but the object
// itself). It answers two requests, each once, through the port and a count of replies in the shared signal the main
// thread waits on: `checks` (the schema check of the chunks it checked) and `finish` (files closed). Each chunk done is
// counted (signal[2]: the main thread's flow control); chunks still queued when the main thread abandons the files
// (signal[1]) are skipped. A chunk is checked here only if the main thread has not claimed it first (`claims`): once
// done with its own work, the main thread checks the last chunks itself, so neither thread waits long on the other.
// Runs only inside that worker.
import { closeSync, openSync } from 'fs';
import { MessagePort, workerData } from 'worker_threads';
import { SchemaChecker, SchemaChecks } from '../validation/schema-check';
import { CHECKED_BY_WRITER, claimChunk } from './schema-check-claims';
import { writeText } from './write-text';
import { yamlDocument } from './yaml11-safe-schema';

/** What the main thread sends. */
export type WriterMessage =
  | {
    readonly type: 'chunk';
    readonly path: string;
    readonly objects: readonly Record<string, any>[];
    /** The construct path of each object, for the findings of its schema check. */
    readonly constructPaths: readonly string[];
  }
  | { readonly type: 'checks' }
  | { readonly type: 'finish' };

/** An answer: to `checks`, to `finish`, or instead of either when the thread could not start. */
export interface WriterReply {
  /** What went wrong, for the error the main thread raises; absent when every file was written. */
  readonly failure?: string;
  /** The thread could not load this module at all: the main thread writes the files itself. */
  readonly unavailable?: boolean;
  /** The schema check of the chunks this thread checked, in the order received; absent when checking failed. */
  readonly checks?: SchemaChecks;
}

const { port, signal, claims } = workerData as { port: MessagePort; signal: Int32Array; claims: Int32Array };
const files = new Map<string, { fd: number; documents: number }>();
const schema = new SchemaChecker();
let failure: string | undefined;
let checkFailure: string | undefined;
let chunks = 0;

port.on('message', (message: WriterMessage) => {
  if (message.type === 'chunk') {
    if (Atomics.load(signal, 1) === 0) receive(message.path, message.objects, message.constructPaths);
    Atomics.add(signal, 2, 1);
    Atomics.notify(signal, 2);
  } else if (message.type === 'checks') {
    // Plain data: the findings and the list cross to the main thread as they are.
    reply(checkFailure === undefined ? { checks: { findings: schema.findings, unchecked: schema.unchecked } } : {});
  } else {
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

function receive(path: string, objects: readonly Record<string, any>[], constructPaths: readonly string[]): void {
  if (failure === undefined) {
    try {
      append(path, objects);
    } catch (error) {
      failure = `writing ${path}: ${(error as Error).message}`;
    }
  }
  const chunk = chunks++;
  if (checkFailure !== undefined || !claimChunk(claims, chunk, CHECKED_BY_WRITER)) return;
  try {
    schema.checkObjects(objects, constructPaths);
  } catch (error) {
    // The main thread checks the objects itself.
    checkFailure = (error as Error).message;
  }
}

function reply(message: WriterReply): void {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

/** Appends the objects to the file as documents, each after the file's first preceded by its `---` line. */
function append(path: string, objects: readonly unknown[]): void {
  let file = files.get(path);
  if (!file) {
    file = { fd: openSync(path, 'w'), documents: 0 };
    files.set(path, file);
  }
  let text = '';
  for (const object of objects) text += yamlDocument(object, file.documents++ === 0);
  writeText(file.fd, text);
}
