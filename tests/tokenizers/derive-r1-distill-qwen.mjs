// Derives the DeepSeek-R1-Distill-Qwen tokenizer.json from Qwen3's (see ../shared/fixtures/README.md,
// "The R1-distill tokenizer"): keep added tokens 151643-151664, drop 151665-151668, rename 151643-151649
// to DeepSeek's tokens (<think> and </think> not special), and prepend <｜begin▁of▁sentence｜> in the
// post-processor. The JSON is parsed order-preserving (a plain object would move keys such as "0".."9" of the
// vocabulary to the front) and written with Python json.dumps separators, as the reference file was.
// Usage: node derive-r1-distill-qwen.mjs <qwen3 tokenizer.json> <output tokenizer.json>
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node derive-r1-distill-qwen.mjs <qwen3 tokenizer.json> <output tokenizer.json>');
  process.exit(2);
}

const text = readFileSync(input, 'utf8');
let position = 0;

function skipWhitespace() {
  while (position < text.length && ' \t\r\n'.includes(text[position])) position++;
}

function parseValue() {
  skipWhitespace();
  const c = text[position];
  if (c === '{') {
    position++;
    const map = new Map();
    skipWhitespace();
    if (text[position] === '}') { position++; return map; }
    for (;;) {
      skipWhitespace();
      const key = parseString();
      skipWhitespace();
      expect(':');
      map.set(key, parseValue());
      skipWhitespace();
      if (text[position] === ',') { position++; continue; }
      expect('}');
      return map;
    }
  }
  if (c === '[') {
    position++;
    const list = [];
    skipWhitespace();
    if (text[position] === ']') { position++; return list; }
    for (;;) {
      list.push(parseValue());
      skipWhitespace();
      if (text[position] === ',') { position++; continue; }
      expect(']');
      return list;
    }
  }
  if (c === '"') return parseString();
  const match = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(position, position + 64));
  if (!match) throw new Error(`${input}: unexpected '${c}' at offset ${position}`);
  position += match[0].length;
  return JSON.parse(match[0]);
}

function parseString() {
  expect('"');
  const start = position;
  let escaped = false;
  while (text[position] !== '"') {
    if (text[position] === '\\') { escaped = true; position++; }
    position++;
    if (position >= text.length) throw new Error(`${input}: unterminated string at offset ${start}`);
  }
  const raw = text.slice(start, position);
  position++;
  return escaped ? JSON.parse(`"${raw}"`) : raw;
}

function expect(c) {
  if (text[position] !== c) throw new Error(`${input}: expected '${c}' at offset ${position}, found '${text[position]}'`);
  position++;
}

function write(value) {
  if (value instanceof Map) {
    if (value.size === 0) return '{}';
    return '{' + [...value].map(([k, v]) => JSON.stringify(k) + ': ' + write(v)).join(', ') + '}';
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[' + value.map(write).join(', ') + ']';
  }
  return JSON.stringify(value);
}

const map = (entries) => new Map(entries);
const tokenizer = parseValue();

const bos = '<｜begin▁of▁sentence｜>';
const renamed = new Map([
  [151643, ['<｜end▁of▁sentence｜>', true]],
  [151644, ['<｜User｜>', true]],
  [151645, ['<｜Assistant｜>', true]],
  [151646, [bos, true]],
  [151647, ['<|EOT|>', true]],
  [151648, ['<think>', false]],
  [151649, ['</think>', false]],
]);

const added = tokenizer.get('added_tokens').filter((token) => token.get('id') <= 151664);
for (const token of added) {
  const rename = renamed.get(token.get('id'));
  if (rename) {
    token.set('content', rename[0]);
    token.set('special', rename[1]);
  }
}
if (added.length !== 22 || added[0].get('id') !== 151643) {
  throw new Error(`${input}: expected Qwen's added tokens from 151643, found ${added.length}`);
}
tokenizer.set('added_tokens', added);

const special = (typeId) => map([['SpecialToken', map([['id', bos], ['type_id', typeId]])]]);
const sequence = (id, typeId) => map([['Sequence', map([['id', id], ['type_id', typeId]])]]);
tokenizer.set('post_processor', map([
  ['type', 'TemplateProcessing'],
  ['single', [special(0), sequence('A', 0)]],
  ['pair', [special(0), sequence('A', 0), special(1), sequence('B', 1)]],
  ['special_tokens', map([[bos, map([['id', bos], ['ids', [151646]], ['tokens', [bos]]])]])],
]));

writeFileSync(output, write(tokenizer));
