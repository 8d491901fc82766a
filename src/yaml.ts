import { Yaml } from 'cdk8s';
import { cloneJson } from './json-clone';

/**
 * YAML for JSON-shaped values (plain objects, arrays, strings, finite numbers, booleans, null),
 * written byte for byte as the `yaml` package (2.x, YAML 1.1 schema, `lineWidth: 0`) writes it:
 * what cdk8s's `Yaml.stringify` gives for manifests, and what linkerd-config's `values` is. It
 * is a direct walk over the value instead of a document model, which makes it several times
 * faster. Values it does not cover (other objects, `undefined` where it would be written, the
 * same object twice, a key over 1024 characters) go to the `yaml` package itself, so the output
 * is always the package's.
 */

/** Thrown inside the walk when a value is not one this writer covers. */
class NotCovered extends Error {}

interface Options {
  /** Sort map keys (the `yaml` option `sortMapEntries: true`). */
  readonly sortMapEntries: boolean;
}

const INDENT_STEP = '  ';

/** The same text as cdk8s `Yaml.stringify(...docs)`: documents joined by `---`. */
export function stringifyManifests(docs: readonly unknown[]): string {
  return docs.map((doc) => {
    if (doc === undefined) return '\n';
    try {
      return documentText(doc, { sortMapEntries: false });
    } catch (e) {
      if (!(e instanceof NotCovered)) throw e;
      return Yaml.stringify(doc);
    }
  }).join('---\n');
}

/** The same text as the `yaml` package's `stringify(value, { sortMapEntries: true, lineWidth: 0, version: '1.1' })`. */
export function stringifySortedYaml11(value: unknown): string {
  let text: string;
  try {
    text = documentText(value, { sortMapEntries: true });
  } catch (e) {
    if (!(e instanceof NotCovered)) throw e;
    return yamlPackage().stringify(value, { sortMapEntries: true, lineWidth: 0, version: '1.1' });
  }
  // The checks read this document back (linkerd-config's values): they get the value instead.
  if (WRITTEN.size >= WRITTEN_LIMIT) WRITTEN.delete(WRITTEN.keys().next().value!);
  WRITTEN.set(text, cloneJson(value));
  return text;
}

/**
 * `text` parsed as YAML 1.1, as the `yaml` package's `parse(text, { version: '1.1' })`. A
 * document this process wrote with `stringifySortedYaml11` is not parsed again: its value is
 * returned (a copy; keys whose value was undefined are left out, as writing and reading drops them).
 */
export function parseYaml11(text: string): unknown {
  const written = WRITTEN.get(text);
  return written !== undefined ? dropUndefined(cloneJson(written)) : yamlPackage().parse(text, { version: '1.1' });
}

const WRITTEN_LIMIT = 64;
const WRITTEN = new Map<string, unknown>();

function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropUndefined);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
  return out;
}

/** The `yaml` package, loaded only when a value is outside what this file writes, or a document was not written by it. */
function yamlPackage(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml') as typeof import('yaml');
}

function documentText(value: unknown, options: Options): string {
  if (!isPlainObject(value) && !Array.isArray(value)) throw new NotCovered();
  const writer = new Writer(options);
  writer.collection(value, '');
  return `${writer.text()}\n`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** Writes one document into a list of parts, joined once at the end (no long chains of concatenated strings). */
class Writer {
  /** Objects already written: the package writes a second reference as an alias, which this writer leaves to it. */
  private readonly seen = new Set<object>();
  private readonly parts: string[] = [];

  public constructor(private readonly options: Options) {}

  public text(): string {
    return this.parts.join('');
  }

  /** A block map or sequence whose items start at `indent` (`stringifyBlockCollection`); `{}` or `[]` when empty. */
  public collection(value: Record<string, unknown> | unknown[], indent: string): void {
    if (this.seen.has(value)) throw new NotCovered();
    this.seen.add(value);
    const out = this.parts;
    if (Array.isArray(value)) {
      if (value.length === 0) {
        out.push('[]');
        return;
      }
      const itemIndent = indent + INDENT_STEP;
      for (let i = 0; i < value.length; i++) {
        out.push(i === 0 ? '- ' : `\n${indent}- `);
        const item = value[i];
        if (isPlainObject(item) || Array.isArray(item)) this.collection(item, itemIndent);
        else out.push(scalarText(item, itemIndent));
      }
      return;
    }
    const keys = this.keysOf(value);
    if (keys.length === 0) {
      out.push('{}');
      return;
    }
    const valueIndent = indent + INDENT_STEP;
    keys.forEach((key, i) => {
      if (i > 0) out.push(`\n${indent}`);
      this.pair(key, value[key], valueIndent);
    });
  }

  /** The keys written, in order; throws for an undefined value the package would write. */
  private keysOf(value: Record<string, unknown>): string[] {
    const keys = Object.keys(value);
    if (this.options.sortMapEntries) return keys.filter((k) => value[k] !== undefined).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const k of keys) if (value[k] === undefined) throw new NotCovered();
    return keys;
  }

  /** `key: value`, the value's lines at `indent` (`stringifyPair`). */
  private pair(key: string, value: unknown, indent: string): void {
    const keyText = stringText(key, indent, true);
    if (keyText.length > 1024) throw new NotCovered(); // the package writes an explicit `? key`
    if (isPlainObject(value) || Array.isArray(value)) {
      // An empty collection is written in flow style on the key's line.
      const empty = Array.isArray(value) ? value.length === 0 : this.keysOf(value).length === 0;
      this.parts.push(empty ? `${keyText}: ` : `${keyText}:\n${indent}`);
      this.collection(value, indent);
      return;
    }
    this.parts.push(`${keyText}: `, scalarText(value, indent));
  }
}

function scalarText(value: unknown, indent: string): string {
  switch (typeof value) {
    case 'string': return stringText(value, indent, false);
    case 'boolean': return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
      return Object.is(value, -0) ? '-0' : JSON.stringify(value);
    default:
      if (value === null) return 'null';
      throw new NotCovered();
  }
}

// --- strings, as the package's stringifyString.js writes them with lineWidth 0 and blockQuote true ---

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const PLAIN_UNSAFE = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** The scalars other than strings a plain string could be read as under the YAML 1.1 schema (its default tags' tests). */
const NOT_A_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\.[0-9]+)?)(?:[ \t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/,
];
/** Every string NOT_A_STRING matches is at most 5 characters long or starts with one of these (a float may start with its exponent: `e5`). */
const MAYBE_NOT_A_STRING = /^[-+.0-9~eE]/;

function readsAsOtherType(value: string): boolean {
  return (value.length <= 5 || MAYBE_NOT_A_STRING.test(value)) && NOT_A_STRING.some((re) => re.test(value));
}

/** Characters that can make a plain scalar unsafe or special; a string without any is written as is, unless it reads as another type. */
const ALWAYS_PLAIN = /^[A-Za-z0-9_/=+$()^;<~][A-Za-z0-9_./=+$()^;<>~ -]*$/;

/** A string scalar at `indent` (a key when `implicitKey`). */
function stringText(value: string, indent: string, implicitKey: boolean): string {
  if (ALWAYS_PLAIN.test(value) && !value.endsWith(' ')) {
    return readsAsOtherType(value) ? quoted(value, indent, implicitKey) : value;
  }
  if (CONTROL.test(value)) return doubleQuoted(value, indent, implicitKey);
  return plain(value, indent, implicitKey);
}

function plain(value: string, indent: string, implicitKey: boolean): string {
  if (implicitKey && value.includes('\n')) return quoted(value, indent, implicitKey);
  if (PLAIN_UNSAFE.test(value)) {
    return implicitKey || !value.includes('\n') ? quoted(value, indent, implicitKey) : block(value, indent, implicitKey);
  }
  if (!implicitKey && value.includes('\n')) return block(value, indent, implicitKey);
  // A document marker at the start of a line: written plain except as a key of the top-level map.
  if (DOCUMENT_MARKER.test(value) && implicitKey && indent === INDENT_STEP) return quoted(value, indent, implicitKey);
  return readsAsOtherType(value) ? quoted(value, indent, implicitKey) : value;
}

function quoted(value: string, indent: string, implicitKey: boolean): string {
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  return hasDouble && !hasSingle ? singleQuoted(value, indent, implicitKey) : doubleQuoted(value, indent, implicitKey);
}

function singleQuoted(value: string, indent: string, implicitKey: boolean): string {
  if ((implicitKey && value.includes('\n')) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value, indent, implicitKey);
  const lineIndent = indent || (DOCUMENT_MARKER.test(value) ? '  ' : '');
  return `'${value.replace(/'/g, "''").replace(/\n+/g, `$&\n${lineIndent}`)}'`;
}

const ESCAPES: Record<string, string> = {
  '0000': '\\0', '0007': '\\a', '000b': '\\v', '001b': '\\e', '0085': '\\N', '00a0': '\\_', '2028': '\\L', '2029': '\\P',
};

function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  const json = JSON.stringify(value);
  const lineIndent = indent || (DOCUMENT_MARKER.test(value) ? '  ' : '');
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      // a space before a newline is escaped so that it is not folded
      str += `${json.slice(start, i)}\\ `;
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch !== '\\') continue;
    if (json[i + 1] === 'u') {
      str += json.slice(start, i);
      const code = json.substr(i + 2, 4);
      str += ESCAPES[code] ?? (code.startsWith('00') ? `\\x${code.substr(2)}` : json.substr(i, 6));
      i += 5;
      start = i + 1;
    } else if (json[i + 1] === 'n') {
      if (implicitKey || json[i + 2] === '"' || json.length < 40) {
        i += 1;
      } else {
        // a line break is written as an empty line, which folding reads back as one newline
        str += `${json.slice(start, i)}\n\n`;
        while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
          str += '\n';
          i += 2;
        }
        str += lineIndent;
        if (json[i + 2] === ' ') str += '\\';
        i += 1;
        start = i + 1;
      }
    } else {
      i += 1;
    }
  }
  return start ? str + json.slice(start) : json;
}

/** A literal block scalar (`|`, `|-`, `|+`, with an indentation indicator when the text starts with a space). */
function block(value: string, indent: string, implicitKey: boolean): string {
  if (/\n[\t ]+$/.test(value)) return quoted(value, indent, implicitKey);
  const lineIndent = indent || (DOCUMENT_MARKER.test(value) ? '  ' : '');
  let endStart = value.length;
  while (endStart > 0 && '\n\t '.includes(value[endStart - 1])) endStart--;
  let end = value.substring(endStart);
  const endNl = end.indexOf('\n');
  const chomp = endNl === -1 ? '-' : value === end || endNl !== end.length - 1 ? '+' : '';
  let body = value;
  if (end) {
    body = body.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(/(^|(?<!\n))\n+(?!\n|$)/g, `$&${lineIndent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNl = -1;
  for (; startEnd < body.length; ++startEnd) {
    const ch = body[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNl = startEnd;
    else break;
  }
  let start = body.substring(0, startNl < startEnd ? startNl + 1 : startEnd);
  if (start) {
    body = body.substring(start.length);
    start = start.replace(/\n+/g, `$&${lineIndent}`);
  }
  const header = (startWithSpace ? (lineIndent ? '2' : '1') : '') + chomp;
  return `|${header}\n${lineIndent}${start}${body.replace(/\n+/g, `$&${lineIndent}`)}${end}`;
}
