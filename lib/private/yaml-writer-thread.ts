// The worker side of BackgroundYamlWriter (background-yaml-writer.ts): receives objects in chunks, appends them to
// their files as YAML documents, and on `finish` closes the files and answers once, through the port and the
// shared signal the main thread waits on. Each chunk done is counted (signal[2]: the main thread's flow control);
// chunks still queued when the main thread abandons the files (signal[1]) are skipped. Runs only inside that worker.
import { closeSync, openSync } from 'fs';
import { MessagePort, workerData } from 'worker_threads';
import { writeText } from './write-text';
import { yamlDocument } from './yaml11-safe-schema';

/** What the main thread sends. */
export type WriterMessage =
  | { readonly type: 'chunk'; readonly path: string; readonly objects: readonly unknown[] }
  | { readonly type: 'finish' };

/** The one answer, to `finish` (or instead of it, when the thread could not start). */
export interface WriterReply {
  /** What went wrong, for the error the main thread raises; absent when every file was written. */
  readonly failure?: string;
  /** The thread could not load this module at all: the main thread writes the files itself. */
  readonly unavailable?: boolean;
}

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
const files = new Map<string, { fd: number; documents: number }>();
let failure: string | undefined;

port.on('message', (message: WriterMessage) => {
  if (message.type === 'chunk') {
    if (failure === undefined && Atomics.load(signal, 1) === 0) {
      try {
        append(message.path, message.objects);
      } catch (error) {
        failure = `writing ${message.path}: ${(error as Error).message}`;
      }
    }
    Atomics.add(signal, 2, 1);
    Atomics.notify(signal, 2);
    return;
  }
  for (const { fd } of files.values()) {
    try {
      closeSync(fd);
    } catch (error) {
      failure ??= (error as Error).message;
    }
  }
  const reply: WriterReply = failure === undefined ? {} : { failure };
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
  port.close();
});

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
