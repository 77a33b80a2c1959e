// js-yaml's schema, extended so that strings a YAML 1.1 reader (kubectl's go-yaml) would misread are quoted.
import * as jsYaml from 'js-yaml';

/**
 * Strings a YAML 1.1 reader (kubectl's go-yaml, PyYAML) would read as something else: booleans such as `on`,
 * `yes`, `n`; ints with underscores, octal `0755`, binary, hex, base 60 `1:30`; floats such as `1e3`, `.5`; dates;
 * null; merge keys. Only a resolver for quoting: no value is ever represented with it.
 */
const YAML11_LOOKALIKE = new RegExp('^(?:'
  + 'y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF'
  + '|~|null|Null|NULL|<<|='
  // Document markers: a key written at column 0 as `... a` or `--- a` would end or start a document.
  + '|(?:---|\\.\\.\\.)(?:[ \\t][\\s\\S]*)?'
  + '|[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*)'
  + '|[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])*\\.[0-9_]*|\\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?'
  + '|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+'
  // Looser than any one reader's float pattern (some accept ".", "._" or "e0"): quoting too much is harmless.
  + '|[-+]?[0-9_]*\\.?[0-9_]*(?:[eE][-+]?[0-9]+)?'
  + '|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)'
  + '|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?'
  // js-yaml's own "compat mode" base 60 (looser than YAML 1.1's), so that mode can be off with the same output.
  + '|[-+]?[0-9_]+(?::[0-9_]+)+(?:\\.[0-9_]*)?'
  + ')$');

const YAML11_TYPE = new jsYaml.Type('tag:cdk8s-patterns,2024:yaml11-lookalike', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && YAML11_LOOKALIKE.test(data),
  construct: (data: string) => data,
});

/**
 * The schema documents are written with: js-yaml's JSON types (null, bool, int, float) represent the values, as the
 * default schema's would (the kit's objects are JSON: cdk8s refuses dates, buffers and class instances), but whether
 * a string needs quotes is asked of the look-alike pattern alone. It matches every string any default resolver
 * (null, bool, int, float, timestamp, merge) or js-yaml's compat mode would read as something else, so the text is
 * the same as with the default schema, while js-yaml tests one pattern per string and checks four types per value
 * instead of eleven (~25 % of the dump at N=1000). test/synthesis/yaml-documents.test.ts holds the two to the same
 * text.
 */
const JSON_TYPES = jsYaml.JSON_SCHEMA as unknown as CompiledSchema;
const DUMP_SCHEMA = new jsYaml.Schema({
  implicit: [YAML11_TYPE, ...JSON_TYPES.compiledImplicit.map(neverResolving)],
  explicit: JSON_TYPES.compiledExplicit,
});

/** The type lists a js-yaml schema compiles (what its dumper reads; not in @types/js-yaml). */
interface CompiledSchema {
  readonly compiledImplicit: jsYaml.Type[];
  readonly compiledExplicit: jsYaml.Type[];
}

/** A type as it is, representing its values, except that it never claims a string. */
function neverResolving(type: jsYaml.Type): jsYaml.Type {
  return Object.assign(Object.create(type) as jsYaml.Type, { resolve: () => false });
}

/** How every document is written: block style, no anchors, no line folding. */
export const DUMP_OPTIONS: jsYaml.DumpOptions = { noRefs: true, lineWidth: -1, noCompatMode: true, schema: DUMP_SCHEMA };

/**
 * One document of a multi-document YAML stream: every document after the first starts with its `---` line. The
 * one definition of the stream's text, for the calling thread and the writer thread alike.
 */
export function yamlDocument(object: unknown, first: boolean): string {
  const text = jsYaml.dump(object, DUMP_OPTIONS);
  return first ? text : `---\n${text}`;
}
