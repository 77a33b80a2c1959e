// Objects as a multi-document YAML stream, whole or a document at a time.
import { yamlDocument } from './yaml11-safe-schema';

/** Serializes objects as a multi-document YAML stream. Strings YAML 1.1 would misread (`on`, `0755`) are quoted. */
export function toYaml(objects: readonly unknown[]): string {
  return [...yamlDocuments(objects)].join('');
}

/**
 * The same YAML stream as `toYaml`, a document at a time (each after the first starts with its `---` line): what
 * `OutputFile.content` takes, so a file is written without ever being held whole, and, by `synthesize`, on a
 * worker thread.
 */
export function yamlDocuments(objects: readonly unknown[]): YamlDocuments {
  return new YamlDocuments(objects);
}

/** The YAML documents of objects, serialized one by one as they are iterated. */
export class YamlDocuments implements Iterable<string> {
  constructor(public readonly objects: readonly unknown[]) {}

  public *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.objects.length; i++) {
      yield yamlDocument(this.objects[i], i === 0);
    }
  }
}
