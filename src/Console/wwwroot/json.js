// JSON helpers: where each JSON pointer of a document's text is (to mark validation errors in the editor), and a
// collapsible viewer with copy.

import { escapePointer } from './graph.js';

/**
 * Maps every JSON pointer of `text` to its value's range {start, end} and, for object members, its key's range
 * {keyStart, keyEnd}. Stops at the first syntax error: {locations, error: {offset, message}}.
 */
export function locate(text) {
  const locations = new Map();
  let i = 0;
  const fail = message => { throw { offset: i, message }; };
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const string = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = (pointer, key) => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; }
      else {
        for (;;) {
          ws();
          if (text[i] !== '"') fail('expected a property name');
          const keyStart = i;
          const name = string();
          const keyRange = { keyStart, keyEnd: i };
          ws();
          if (text[i] !== ':') fail("expected ':'");
          i++;
          value(pointer + '/' + escapePointer(name), keyRange);
          ws();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === '}') { i++; break; }
          fail("expected ',' or '}'");
        }
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; }
      else {
        for (let n = 0; ; n++) {
          value(pointer + '/' + n, null);
          ws();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === ']') { i++; break; }
          fail("expected ',' or ']'");
        }
      }
    } else if (c === '"') {
      string();
    } else {
      const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m) fail('unexpected character');
      i += m[0].length;
    }
    locations.set(pointer, { start, end: i, ...(key ?? {}) });
  };
  try {
    value('', null);
    ws();
    if (i < text.length) fail('unexpected text after the document');
    return { locations, error: null };
  } catch (e) {
    if (e instanceof Error) throw e;
    return { locations, error: e };
  }
}

/** The range to mark for a pointer: its key and value, or the nearest enclosing location when it does not exist. */
export function rangeOf(locations, pointer) {
  let p = pointer;
  for (;;) {
    const at = locations.get(p);
    if (at) {
      return { start: at.keyStart ?? at.start, end: at.end, exact: p === pointer };
    }
    if (p === '') return null;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** Line (1-based) and column (1-based) of an offset. */
export function lineColumn(text, offset) {
  let line = 1;
  let last = -1;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') { line++; last = k; }
  }
  return { line, column: offset - last };
}

// ---- viewer --------------------------------------------------------------------------------------------------------

/** A collapsible JSON block with a title and a copy button. */
export function jsonBlock(title, value, { open = true } = {}) {
  const details = document.createElement('details');
  details.className = 'json-block';
  details.open = open;
  const summary = document.createElement('summary');
  summary.textContent = title;
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'small';
  copy.textContent = 'Copy';
  copy.addEventListener('click', async event => {
    event.preventDefault();
    const text = JSON.stringify(value, null, 2) ?? 'undefined';
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Copy failed';
    }
    setTimeout(() => { copy.textContent = 'Copy'; }, 1500);
  });
  summary.appendChild(copy);
  details.appendChild(summary);
  details.appendChild(tree(value, 0));
  return details;
}

function tree(value, depth) {
  if (value === null || typeof value !== 'object') {
    const span = document.createElement('span');
    span.className = 'json-' + (value === null ? 'null' : typeof value);
    span.textContent = JSON.stringify(value) ?? 'undefined';
    const pre = document.createElement('div');
    pre.className = 'json-tree';
    pre.appendChild(span);
    return depth === 0 ? pre : span;
  }
  const entries = Array.isArray(value) ? value.map((v, k) => [k, v]) : Object.entries(value);
  const container = document.createElement('div');
  container.className = 'json-tree';
  if (entries.length === 0) {
    container.textContent = Array.isArray(value) ? '[]' : '{}';
    return container;
  }
  for (const [key, child] of entries.slice(0, 500)) {
    const row = document.createElement('div');
    row.className = 'json-row';
    const label = document.createElement('span');
    label.className = 'json-key';
    label.textContent = Array.isArray(value) ? `${key}: ` : `${JSON.stringify(key)}: `;
    if (child !== null && typeof child === 'object') {
      const inner = document.createElement('details');
      inner.open = depth < 1;
      const s = document.createElement('summary');
      s.appendChild(label);
      s.append(Array.isArray(child) ? `[${child.length}]` : `{${Object.keys(child).length}}`);
      inner.appendChild(s);
      inner.appendChild(tree(child, depth + 1));
      row.appendChild(inner);
    } else {
      row.appendChild(label);
      row.appendChild(tree(child, depth + 1));
    }
    container.appendChild(row);
  }
  if (entries.length > 500) {
    const more = document.createElement('div');
    more.className = 'muted';
    more.textContent = `… ${entries.length - 500} more (use Copy for all)`;
    container.appendChild(more);
  }
  return container;
}
