// Validate and register: a JSON editor whose validation errors are listed, marked in the text at their JSON pointer
// and on the diagram drawn from the text as it is typed.

import { get, request, enc } from '../api.js';
import { mountDiagram } from '../diagram.js';
import { nodeAtPointer } from '../graph.js';
import { locate, rangeOf, lineColumn } from '../json.js';
import { h, toast } from '../ui.js';

const DRAFT = 'serverless-workflows.draft';

const STARTER = {
  name: 'hello-world',
  description: 'A first workflow: greet, then echo the greeting.',
  nodes: {
    greet: { type: 'set', value: { message: 'Hello, ${{ input.name ?? "world" }}!' } },
    done: { type: 'set', runAfter: ['greet'], value: '${{ nodes.greet.output.message }}' },
  },
};

export async function editorView({ main, query, signal }) {
  let text = sessionStorage.getItem(DRAFT) ?? JSON.stringify(STARTER, null, 2);
  if (query.get('from')) {
    const from = query.get('from');
    const v = query.get('version');
    const { body } = await get(v ? `/api/workflows/${enc(from)}/versions/${enc(v)}` : `/api/workflows/${enc(from)}`, { signal });
    delete body.version;
    delete body.createdAt;
    text = JSON.stringify(body, null, 2);
  }

  const textarea = h('textarea.code-input', { wrap: 'off', spellcheck: 'false', autocapitalize: 'off', 'aria-label': 'Workflow definition (JSON)', id: 'definition' });
  textarea.value = text;
  const backdrop = h('pre.code-backdrop', { 'aria-hidden': 'true' });
  const gutter = h('pre.code-gutter', { 'aria-hidden': 'true' });
  const editor = h('div.code-editor', null, gutter, h('div.code-wrap', null, backdrop, textarea));
  const errorList = h('ul.errors', { 'aria-label': 'Validation errors', id: 'errors' });
  const summary = h('p.validity', { role: 'status', id: 'validity' });
  const diagramBox = h('div.editor-diagram');
  const validateButton = h('button', { type: 'button', id: 'validate' }, 'Validate');
  const registerButton = h('button.primary', { type: 'button', id: 'register' }, 'Register');

  let errors = [];
  let locations = new Map();
  let diagram = null;
  let validateTimer = null;
  let generation = 0;

  const syncScroll = () => {
    backdrop.scrollTop = textarea.scrollTop;
    backdrop.scrollLeft = textarea.scrollLeft;
    gutter.scrollTop = textarea.scrollTop;
  };
  textarea.addEventListener('scroll', syncScroll);

  const paint = () => {
    const value = textarea.value;
    const ranges = errors.map((e, k) => ({ ...rangeOf(locations, e.path ?? ''), k })).filter(r => r.start !== undefined)
      .sort((a, b) => a.start - b.start);
    const pieces = [];
    let at = 0;
    for (const r of ranges) {
      if (r.start < at) continue;
      pieces.push(value.slice(at, r.start));
      const mark = h('mark', { 'data-error': String(r.k), title: errors[r.k].message }, value.slice(r.start, r.end));
      pieces.push(mark);
      at = r.end;
    }
    pieces.push(value.slice(at) + '\n');
    backdrop.replaceChildren(...pieces);
    const lines = value.split('\n').length;
    const bad = new Set(ranges.map(r => lineColumn(value, r.start).line));
    gutter.replaceChildren(...Array.from({ length: lines }, (_, k) => h('span', { class: bad.has(k + 1) ? 'bad' : undefined }, `${k + 1}\n`)));
    syncScroll();
  };

  const drawDiagram = parsed => {
    diagram = mountDiagram(parsed, {});
    diagramBox.replaceChildren(diagram.element);
    markDiagram();
  };

  const markDiagram = () => {
    if (!diagram) return;
    const byNode = new Map();
    for (const e of errors) {
      const node = nodeAtPointer(diagram.model, e.path ?? '');
      if (node) byNode.set(node.path, [...(byNode.get(node.path) ?? []), e.message]);
    }
    for (const [path, element] of diagram.elements) {
      const messages = byNode.get(path);
      element.classList.toggle('invalid', !!messages);
      element.dataset.status = messages ? 'invalid' : 'none';
      element.querySelector(':scope > title').textContent = messages ? `${element.dataset.nodeId}: ${messages.join(' ')}` : element.dataset.nodeId;
    }
  };

  const showErrors = (list, source) => {
    errors = list;
    errorList.replaceChildren(...errors.map((e, k) => h('li', null,
      h('button.link', { type: 'button', 'data-pointer': e.path ?? '', onclick: () => reveal(k) }, e.path || '(document)'), ' ', e.message)));
    summary.textContent = errors.length === 0 ? (source === 'server' ? 'Valid.' : '') : `${errors.length} error${errors.length === 1 ? '' : 's'}.`;
    summary.className = 'validity ' + (errors.length ? 'bad' : 'good');
    paint();
    markDiagram();
  };

  const reveal = k => {
    const r = rangeOf(locations, errors[k].path ?? '');
    if (!r) return;
    textarea.focus();
    textarea.setSelectionRange(r.start, r.end);
    const line = lineColumn(textarea.value, r.start).line;
    textarea.scrollTop = Math.max(0, (line - 5) * 20);
    syncScroll();
  };

  const parseLocal = () => {
    const value = textarea.value;
    sessionStorage.setItem(DRAFT, value);
    const located = locate(value);
    locations = located.locations;
    if (located.error) {
      const { line, column } = lineColumn(value, located.error.offset);
      showErrors([{ path: '', message: `Not JSON: ${located.error.message} at line ${line}, column ${column}.` }], 'local');
      return null;
    }
    const parsed = JSON.parse(value);
    drawDiagram(parsed);
    return parsed;
  };

  const validate = async () => {
    const mine = ++generation;
    const parsed = parseLocal();
    if (parsed === null) return null;
    try {
      const { body } = await request('POST', '/api/workflows/validate', { body: textarea.value });
      if (mine === generation) showErrors(body.errors ?? [], 'server');
      return body;
    } catch (error) {
      if (mine === generation) showErrors(error.details?.length ? error.details : [{ path: '', message: error.message }], 'server');
      return null;
    }
  };

  textarea.addEventListener('input', () => {
    paint();
    clearTimeout(validateTimer);
    validateTimer = setTimeout(validate, 500);
  });
  textarea.addEventListener('keydown', event => {
    if (event.key === 'Tab' && !event.shiftKey && !event.ctrlKey) {
      // Two spaces, as the document is indented; Esc then Tab leaves the editor (keyboard users keep a way out).
      if (textarea.dataset.escaped === '1') { textarea.dataset.escaped = ''; return; }
      event.preventDefault();
      textarea.setRangeText('  ', textarea.selectionStart, textarea.selectionEnd, 'end');
      textarea.dispatchEvent(new Event('input'));
    } else if (event.key === 'Escape') {
      textarea.dataset.escaped = '1';
    } else if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      event.preventDefault();
      register();
    }
  });

  const register = async () => {
    const result = await validate();
    if (!result) return;
    let name;
    try {
      name = JSON.parse(textarea.value).name;
    } catch {
      return;
    }
    if (typeof name !== 'string' || !name) {
      showErrors([{ path: '/name', message: 'The definition needs a name to be registered.' }], 'local');
      return;
    }
    try {
      const { status, body } = await request('PUT', `/api/workflows/${enc(name)}`, { body: textarea.value });
      sessionStorage.removeItem(DRAFT);
      toast(status === 201 ? `Registered ${body.name} version ${body.version}.` : `Unchanged: ${body.name} version ${body.version} is the same.`);
      location.hash = `#/workflows/${enc(body.name)}?version=${body.version}`;
    } catch (error) {
      showErrors(error.details?.length ? error.details : [{ path: '', message: error.message }], 'server');
    }
  };
  validateButton.addEventListener('click', validate);
  registerButton.addEventListener('click', register);

  main.replaceChildren(
    h('div.page-head', null, h('h1', null, 'Validate & register'),
      h('div.actions', null, validateButton, registerButton, h('span.muted', null, 'Ctrl+Enter registers'))),
    h('div.editor-layout', null,
      h('section.editor-text', { 'aria-label': 'Definition' }, editor),
      h('section.editor-side', { 'aria-label': 'Diagram and errors' }, summary, errorList, diagramBox)));
  paint();
  validate();
  void signal;
}
