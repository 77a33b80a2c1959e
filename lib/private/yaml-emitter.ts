// The YAML writer behind toYaml: js-yaml's block style (as `dump(o, { noRefs: true, lineWidth: -1 })` writes it),
// byte for byte, in one pass. Plain scalars are decided here; anything unusual is handed to js-yaml itself, so the
// output never differs from js-yaml's with the YAML 1.1-safe schema below.
import * as jsYaml from 'js-yaml';

/**
 * Strings a YAML 1.1 reader (kubectl's go-yaml, PyYAML) would read as something else: booleans such as `on`,
 * `yes`, `n`; ints with underscores, octal `0755`, binary, hex, base 60 `1:30`; floats such as `1e3`, `.5`; dates;
 * null; merge keys. Only a resolver for quoting: no value is ever represented with it.
 */
const YAML11_LOOKALIKE = new RegExp('^(?:'
  + 'y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF'
  + '|~|null|Null|NULL|<<|='
  + '|[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*)'
  + '|[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])*\\.[0-9_]*|\\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?'
  + '|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+'
  + '|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)'
  + '|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?'
  + ')$');

const YAML11_TYPE = new jsYaml.Type('tag:cdk8s-patterns,2024:yaml11-lookalike', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && YAML11_LOOKALIKE.test(data),
  construct: (data: string) => data,
});

/** js-yaml's default schema, plus quoting of YAML 1.1 look-alikes. */
export const YAML11_SAFE_SCHEMA = jsYaml.DEFAULT_SCHEMA.extend({ implicit: [YAML11_TYPE] });

const DUMP_OPTIONS: jsYaml.DumpOptions = { noRefs: true, lineWidth: -1, schema: YAML11_SAFE_SCHEMA };

/** The implicit resolvers js-yaml tests a string against before writing it plain, in its order. */
const IMPLICIT: readonly jsYaml.Type[] = (() => {
  const types = (jsYaml as unknown as { types: Record<string, jsYaml.Type> }).types;
  return [types.null, types.bool, types.int, types.float, types.timestamp, types.merge, YAML11_TYPE];
})();

/** Strings whose characters are plain-safe anywhere in block context (first char not an indicator, none last ':'). */
const SIMPLE = /^[A-Za-z0-9_./][A-Za-z0-9_./:@+=-]*$/;

/** js-yaml's compatibility quoting (YAML 1.1 booleans and base 60), before the resolvers. */
const BASE60 = /^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?$/;

/** Thrown when a document holds something the fast path does not write; the document then goes to js-yaml. */
class Unusual extends Error {}

/** One document as js-yaml's `dump` writes it, with the YAML 1.1-safe schema. */
export function writeYamlDocument(value: unknown, scalars: Map<string, string>): string {
  try {
    return new Emitter(scalars).node(value, 0, true) + '\n';
  } catch (e) {
    if (e instanceof Unusual) return jsYaml.dump(value, DUMP_OPTIONS);
    throw e;
  }
}

class Emitter {
  constructor(private readonly scalars: Map<string, string>) {}

  public node(value: unknown, level: number, compact: boolean): string {
    switch (typeof value) {
      case 'string': return this.string(value, level, false);
      case 'number': return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : this.viaJsYaml(value);
      case 'boolean': return value ? 'true' : 'false';
      case 'object':
        if (value === null) return 'null';
        if (Array.isArray(value)) return this.sequence(value, level, compact);
        if (Object.getPrototypeOf(value) === Object.prototype) return this.mapping(value as Record<string, unknown>, level, compact);
        throw new Unusual();
      default:
        throw new Unusual();
    }
  }

  private mapping(object: Record<string, unknown>, level: number, compact: boolean): string {
    const newline = '\n' + '  '.repeat(level);
    let out = '';
    for (const key of Object.keys(object)) {
      const value = object[key];
      if (value === undefined) continue;
      const written = this.node(value, level + 1, false);
      if (!compact || out !== '') out += newline;
      out += this.string(key, level + 1, true);
      out += written.charCodeAt(0) === 10 ? ':' : ': ';
      out += written;
    }
    return out === '' ? '{}' : out;
  }

  private sequence(array: readonly unknown[], level: number, compact: boolean): string {
    if (array.length === 0) return '[]';
    const newline = '\n' + '  '.repeat(level);
    let out = '';
    for (let i = 0; i < array.length; i++) {
      const item = array[i];
      const written = item === undefined ? 'null' : this.node(item, level + 1, true);
      if (!compact || i > 0) out += newline;
      out += written.charCodeAt(0) === 10 ? '-' : '- ';
      out += written;
    }
    return out;
  }

  private string(value: string, level: number, isKey: boolean): string {
    const cacheKey = isKey ? `k${value}` : `v${value}`;
    let written = this.scalars.get(cacheKey);
    if (written === undefined) {
      written = SIMPLE.test(value) && !value.endsWith(':') && !ambiguous(value) ? value : this.quoted(value, isKey);
      this.scalars.set(cacheKey, written);
    }
    if (written.charCodeAt(0) === 124 /* | */) return this.literal(value, written, level);
    return written;
  }

  /** What js-yaml writes for a string that is not simply plain: quoted, or a literal block's header. */
  private quoted(value: string, isKey: boolean): string {
    if (isKey) {
      const line = jsYaml.dump({ [value]: null }, DUMP_OPTIONS);
      if (line.startsWith('?') || !line.endsWith(': null\n')) throw new Unusual();
      return line.slice(0, -': null\n'.length);
    }
    const written = jsYaml.dump(value, DUMP_OPTIONS);
    // A literal block: keep only `|` and its indicators; the lines are indented where the string sits.
    if (written.charCodeAt(0) === 124) return written.slice(0, written.indexOf('\n'));
    if (written.indexOf('\n') !== written.length - 1) throw new Unusual();
    return written.slice(0, -1);
  }

  /** A literal block scalar: each non-empty line indented two spaces per level (at least one level). */
  private literal(value: string, header: string, level: number): string {
    const indent = '  '.repeat(Math.max(1, level));
    let out = header + '\n';
    let position = 0;
    while (position < value.length) {
      const next = value.indexOf('\n', position);
      const line = next < 0 ? value.slice(position) : value.slice(position, next + 1);
      position = next < 0 ? value.length : next + 1;
      if (line.length && line !== '\n') out += indent;
      out += line;
    }
    return out.endsWith('\n') ? out.slice(0, -1) : out;
  }

  private viaJsYaml(value: number): string {
    const written = jsYaml.dump(value, DUMP_OPTIONS);
    return written.slice(0, -1);
  }
}

function ambiguous(value: string): boolean {
  if (BASE60.test(value)) return true;
  for (const type of IMPLICIT) if (type.resolve(value)) return true;
  return false;
}
