// @ts-check
/**
 * The reachability matrix webview: renders a matrix model (plain JSON, posted by the extension)
 * as an ARIA grid. Only the rows and columns in view are in the DOM (500 workloads scroll
 * smoothly); every name from the manifests is inserted as text, never as HTML; no inline
 * handlers (the Content-Security-Policy allows this script by its nonce only).
 *
 * Messages in:  {type: 'model', model}            a MatrixModel (protocol/netpol-protocol.ts)
 *               {type: 'explanation', explanation} the traces of one cell, for the side pane
 *               {type: 'focus', ids, label}       select the first of these endpoints and mark them
 *               {type: 'error', message}          why the data is stale or the diff is missing
 * Messages out: {type: 'ready', mode, compare}, {type: 'options', mode, compare},
 *               {type: 'explain', from, to, port}, {type: 'reveal', target},
 *               {type: 'export', format: 'csv'|'svg', content}
 */
(() => {
  /** @type {{postMessage(m: unknown): void, getState(): any, setState(s: unknown): void}} */
  const host = acquireVsCodeApi();
  const CELL_W = 28;
  const CELL_H = 24;
  const HEADER_W = 240;
  const HEADER_H = 120;
  const OVERSCAN = 4;

  /** @type {any} */
  let model;
  const saved = host.getState() ?? {};
  const state = {
    port: saved.port ?? 'all',
    namespace: saved.namespace ?? '',
    name: saved.name ?? '',
    problemsOnly: saved.problemsOnly ?? false,
    collapsed: new Set(saved.collapsed ?? []),
    active: saved.active ?? { row: 0, col: 0 },
    /** Endpoint ids of the active cell, to keep the selection across model updates. */
    activeIds: saved.activeIds ?? null,
    /** 'workloads' or 'pods'. */
    mode: saved.mode ?? 'workloads',
    /** '' (no diff), 'saved', 'HEAD' or 'revision' (the extension asks which). */
    compare: saved.compare ?? '',
    /** Endpoint ids the CodeLens focused on, and what they are. */
    focus: new Set(saved.focus ?? []),
    focusLabel: saved.focusLabel ?? '',
    error: '',
  };
  /** The visible rows: group headers and endpoints; the visible columns: endpoints. */
  /** @type {{type: 'group', namespace: string, count: number} | {type: 'endpoint', index: number}} */
  let rows = [];
  /** @type {number[]} */
  let cols = [];

  const el = (/** @type {string} */ tag, /** @type {Record<string,string>} */ attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = String(text);
    return e;
  };

  // ---- the page skeleton
  const root = document.getElementById('matrix-root') ?? document.body;
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Matrix view options' });
  const nsSelect = el('select', { 'aria-label': 'Namespace' });
  const nameInput = el('input', { type: 'search', placeholder: 'Filter by name', 'aria-label': 'Filter by name' });
  const problemsLabel = el('label', { class: 'check' });
  const problemsBox = el('input', { type: 'checkbox' });
  problemsLabel.append(problemsBox, document.createTextNode(' Problems only'));
  const portSelect = el('select', { 'aria-label': 'Port' });
  const podsLabel = el('label', { class: 'check' });
  const podsBox = el('input', { type: 'checkbox' });
  podsLabel.append(podsBox, document.createTextNode(' Pods'));
  const compareSelect = el('select', { 'aria-label': 'Compare with' });
  for (const [value, text] of [
    ['', 'No comparison'],
    ['saved', 'Compare with saved files'],
    ['HEAD', 'Compare with git HEAD'],
    ['revision', 'Compare with a git revision…'],
  ])
    compareSelect.append(el('option', { value }, text));
  const csvButton = el('button', { type: 'button' }, 'Export CSV');
  const svgButton = el('button', { type: 'button' }, 'Export SVG');
  const legend = el(
    'span',
    { class: 'legend' },
    '✓ allowed · ✕ denied · ◐ some ports · + newly allowed · − newly denied',
  );
  toolbar.append(
    nsSelect,
    nameInput,
    problemsLabel,
    podsLabel,
    portSelect,
    compareSelect,
    csvButton,
    svgButton,
    legend,
  );
  const titleEl = el('h1', { class: 'title' });
  const main = el('div', { class: 'main' });
  const scroller = el('div', { class: 'scroller' });
  const grid = el('div', { role: 'grid', class: 'grid', 'aria-label': 'Reachability matrix' });
  const spacer = el('div', { class: 'spacer', 'aria-hidden': 'true' });
  scroller.append(spacer, grid);
  const pane = el('aside', { class: 'pane', 'aria-label': 'Explanation', hidden: '' });
  const status = el('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  main.append(scroller, pane);
  root.append(titleEl, toolbar, status, main);

  const persist = () =>
    host.setState({
      port: state.port,
      namespace: state.namespace,
      name: state.name,
      problemsOnly: state.problemsOnly,
      collapsed: [...state.collapsed],
      active: state.active,
      activeIds: state.activeIds,
      mode: state.mode,
      compare: state.compare,
      focus: [...state.focus],
      focusLabel: state.focusLabel,
      scrollTop: scroller.scrollTop,
      scrollLeft: scroller.scrollLeft,
    });

  // ---- the model's answers
  const ep = (/** @type {number} */ i) => model.endpoints[i];
  const portLabel = (/** @type {number} */ p) => model.ports[p].replace('/', ' ');

  /** The cell's verdict on the selected port(s): {allowed: ports, denied: ports, diff}. */
  function verdict(/** @type {number} */ r, /** @type {number} */ c) {
    const cell = model.cells[r]?.[c];
    const allowed = cell?.[0] ?? [];
    const denied = cell?.[1] ?? [];
    const diff = cell?.[2];
    if (state.port === 'all') return { allowed, denied, diff };
    const p = Number(state.port);
    const has = (/** @type {number[]} */ list) => list.includes(p);
    return { allowed: has(allowed) ? [p] : [], denied: has(denied) ? [p] : [], diff };
  }

  /** `shop/web to shop/db: allowed on TCP 8080, denied on TCP 9090` (the issue's contract). */
  function cellName(/** @type {number} */ r, /** @type {number} */ c) {
    const v = verdict(r, c);
    const pair = `${ep(r).label} to ${ep(c).label}`;
    if (v.allowed.length === 0 && v.denied.length === 0)
      return `${pair}: ${state.port === 'all' ? 'no declared ports' : `does not serve ${portLabel(Number(state.port))}`}`;
    if (v.denied.length === 0) return `${pair}: allowed`;
    if (v.allowed.length === 0) return `${pair}: denied`;
    return `${pair}: allowed on ${v.allowed.map(portLabel).join(', ')}, denied on ${v.denied.map(portLabel).join(', ')}`;
  }

  function glyph(/** @type {number} */ r, /** @type {number} */ c) {
    const v = verdict(r, c);
    if (v.allowed.length === 0 && v.denied.length === 0) return { mark: '', cls: 'none' };
    if (v.denied.length === 0) return { mark: '✓', cls: 'allowed' };
    if (v.allowed.length === 0) return { mark: '✕', cls: 'denied' };
    return { mark: '◐', cls: 'partial' };
  }

  // ---- filters and layout
  function computeAxes() {
    const name = state.name.toLowerCase();
    const keep = model.endpoints.map(
      (/** @type {any} */ e) =>
        (!state.namespace || e.namespace === state.namespace) &&
        (!name || e.label.toLowerCase().includes(name)) &&
        (!state.problemsOnly || e.problems > 0),
    );
    rows = [];
    cols = [];
    /** @type {Map<string, number[]>} */
    const groups = new Map();
    model.endpoints.forEach((/** @type {any} */ e, /** @type {number} */ i) => {
      if (!keep[i]) return;
      const list = groups.get(e.namespace) ?? [];
      list.push(i);
      groups.set(e.namespace, list);
    });
    for (const [ns, list] of groups) {
      rows.push({ type: 'group', namespace: ns, count: list.length });
      if (state.collapsed.has(ns)) continue;
      for (const i of list) {
        rows.push({ type: 'endpoint', index: i });
        cols.push(i);
      }
    }
  }

  const groupName = (/** @type {string} */ ns) => (ns === '' ? 'outside the cluster' : `namespace ${ns}`);

  function render() {
    if (!model) return;
    const width = HEADER_W + cols.length * CELL_W;
    const height = HEADER_H + rows.length * CELL_H;
    spacer.style.width = `${width}px`;
    spacer.style.height = `${height}px`;
    grid.setAttribute('aria-rowcount', String(rows.length + 1));
    grid.setAttribute('aria-colcount', String(cols.length + 1));
    const top = scroller.scrollTop;
    const left = scroller.scrollLeft;
    const r0 = Math.max(0, Math.floor(top / CELL_H) - OVERSCAN);
    const r1 = Math.min(rows.length, Math.ceil((top + scroller.clientHeight - HEADER_H) / CELL_H) + OVERSCAN);
    const c0 = Math.max(0, Math.floor(left / CELL_W) - OVERSCAN);
    const c1 = Math.min(cols.length, Math.ceil((left + scroller.clientWidth - HEADER_W) / CELL_W) + OVERSCAN);
    const focused = grid.contains(document.activeElement);
    grid.replaceChildren();
    // Column headers.
    const head = el('div', { role: 'row', class: 'row head', 'aria-rowindex': '1' });
    head.style.top = `${top}px`;
    const corner = el('div', { role: 'columnheader', class: 'corner', 'aria-colindex': '1' }, 'from ↓ / to →');
    corner.style.left = `${left}px`;
    head.append(corner);
    for (let c = c0; c < c1; c++) {
      const e = ep(cols[c]);
      const h = el('div', { role: 'columnheader', class: 'colhead', 'aria-colindex': String(c + 2), title: e.label });
      h.append(el('span', {}, e.label));
      if (e.problems) h.classList.add('problem');
      if (state.focus.has(e.id)) h.classList.add('focus');
      h.style.left = `${HEADER_W + c * CELL_W}px`;
      head.append(h);
    }
    grid.append(head);
    for (let r = r0; r < r1; r++) {
      const row = rows[r];
      const y = HEADER_H + r * CELL_H;
      const line = el('div', { role: 'row', class: 'row', 'aria-rowindex': String(r + 2) });
      line.style.top = `${y}px`;
      if (row.type === 'group') {
        const collapsed = state.collapsed.has(row.namespace);
        const h = el('div', { role: 'rowheader', class: 'group', 'aria-colindex': '1' });
        const b = el('button', {
          type: 'button',
          'aria-expanded': String(!collapsed),
          'data-namespace': row.namespace,
        });
        b.textContent = `${collapsed ? '▸' : '▾'} ${groupName(row.namespace)} (${row.count})`;
        h.append(b);
        h.style.left = `${left}px`;
        line.append(h);
      } else {
        const e = ep(row.index);
        const h = el('div', { role: 'rowheader', class: 'rowhead', 'aria-colindex': '1', title: e.label });
        h.append(el('span', {}, e.label));
        if (e.problems) h.classList.add('problem');
        if (state.focus.has(e.id)) h.classList.add('focus');
        h.style.left = `${left}px`;
        line.append(h);
        for (let c = c0; c < c1; c++) {
          const g = glyph(row.index, cols[c]);
          const v = verdict(row.index, cols[c]);
          const active = state.active.row === r && state.active.col === c;
          const cell = el('div', {
            role: 'gridcell',
            class: `cell ${g.cls}${v.diff ? ` diff-${v.diff}` : ''}${active ? ' active' : ''}`,
            'aria-colindex': String(c + 2),
            'aria-label': cellName(row.index, cols[c]),
            tabindex: active ? '0' : '-1',
            'data-row': String(r),
            'data-col': String(c),
          });
          if (v.diff) cell.setAttribute('aria-description', v.diff === 'opened' ? 'newly allowed' : 'newly denied');
          cell.textContent = g.mark + (v.diff === 'opened' ? '+' : v.diff === 'closed' ? '−' : '');
          cell.style.left = `${HEADER_W + c * CELL_W}px`;
          line.append(cell);
        }
      }
      grid.append(line);
    }
    if (focused) focusActive(false);
    status.textContent = [
      `${cols.length} of ${model.endpoints.length} ${model.mode === 'pods' ? 'pods' : 'workloads'} shown`,
      state.focusLabel ? `focused on ${state.focusLabel}` : '',
      model.diffSummary ?? '',
      state.error,
    ]
      .filter(Boolean)
      .join(' · ');
  }

  function activeCellElement() {
    return grid.querySelector(`[role="gridcell"][data-row="${state.active.row}"][data-col="${state.active.col}"]`);
  }

  function focusActive(scroll = true) {
    let cell = activeCellElement();
    if (!cell && scroll) {
      scrollToActive();
      render();
      cell = activeCellElement();
    }
    if (cell instanceof HTMLElement) cell.focus({ preventScroll: true });
  }

  function scrollToActive() {
    const y = state.active.row * CELL_H;
    const x = state.active.col * CELL_W;
    const h = scroller.clientHeight - HEADER_H;
    const w = scroller.clientWidth - HEADER_W;
    if (y < scroller.scrollTop) scroller.scrollTop = y;
    else if (y + CELL_H > scroller.scrollTop + h) scroller.scrollTop = y + CELL_H - h;
    if (x < scroller.scrollLeft) scroller.scrollLeft = x;
    else if (x + CELL_W > scroller.scrollLeft + w) scroller.scrollLeft = x + CELL_W - w;
  }

  function setActive(/** @type {number} */ row, /** @type {number} */ col) {
    const endpointRows = rows.map((x, i) => (x.type === 'endpoint' ? i : -1)).filter((i) => i >= 0);
    if (endpointRows.length === 0 || cols.length === 0) return;
    const r = rows[row]?.type === 'endpoint' ? row : nearest(endpointRows, row);
    state.active = { row: r, col: Math.max(0, Math.min(cols.length - 1, col)) };
    const rr = rows[state.active.row];
    state.activeIds = rr.type === 'endpoint' ? [ep(rr.index).id, ep(cols[state.active.col]).id] : null;
    scrollToActive();
    render();
    focusActive();
    persist();
  }

  const nearest = (/** @type {number[]} */ list, /** @type {number} */ x) =>
    list.reduce((best, i) => (Math.abs(i - x) < Math.abs(best - x) ? i : best), list[0]);

  grid.addEventListener('keydown', (ev) => {
    const { row, col } = state.active;
    const step = (/** @type {number} */ dr) => {
      let r = row + dr;
      while (rows[r] && rows[r].type !== 'endpoint') r += dr;
      return rows[r] ? r : row;
    };
    const page = Math.max(1, Math.floor((scroller.clientHeight - HEADER_H) / CELL_H) - 1);
    switch (ev.key) {
      case 'ArrowDown':
        setActive(step(1), col);
        break;
      case 'ArrowUp':
        setActive(step(-1), col);
        break;
      case 'ArrowRight':
        setActive(row, col + 1);
        break;
      case 'ArrowLeft':
        setActive(row, col - 1);
        break;
      case 'Home':
        setActive(row, 0);
        break;
      case 'End':
        setActive(row, cols.length - 1);
        break;
      case 'PageDown':
        setActive(Math.min(rows.length - 1, row + page), col);
        break;
      case 'PageUp':
        setActive(Math.max(0, row - page), col);
        break;
      case 'Enter':
      case ' ':
        openExplanation();
        break;
      default:
        return;
    }
    ev.preventDefault();
  });

  grid.addEventListener('click', (ev) => {
    const t = /** @type {HTMLElement} */ (ev.target);
    const toggle = t.closest('button[data-namespace]');
    if (toggle) {
      const ns = toggle.getAttribute('data-namespace') ?? '';
      if (state.collapsed.has(ns)) state.collapsed.delete(ns);
      else state.collapsed.add(ns);
      refresh();
      return;
    }
    const cell = t.closest('[role="gridcell"]');
    if (!cell) return;
    setActive(Number(cell.getAttribute('data-row')), Number(cell.getAttribute('data-col')));
    openExplanation();
  });

  scroller.addEventListener('scroll', () => {
    render();
    persist();
  });

  // ---- the explanation side pane
  function openExplanation() {
    const r = rows[state.active.row];
    if (r?.type !== 'endpoint') return;
    const from = ep(r.index);
    const to = ep(cols[state.active.col]);
    pane.hidden = false;
    pane.replaceChildren(
      el('h2', {}, `${from.label} to ${to.label}`),
      el('p', {}, cellName(r.index, cols[state.active.col])),
    );
    requestExplanation();
  }

  /** Asks for the active cell's traces (again after a new model: the open pane follows the analysis). */
  function requestExplanation() {
    const r = rows[state.active.row];
    if (r?.type !== 'endpoint' || cols[state.active.col] === undefined) return;
    const from = ep(r.index);
    const to = ep(cols[state.active.col]);
    host.postMessage({
      type: 'explain',
      from: from.id,
      to: to.id,
      ...(state.port === 'all' ? {} : { port: model.ports[Number(state.port)] }),
    });
  }

  /** Both directions' traces: each step a line, with a "reveal rule" link when it names a rule. */
  function showExplanation(/** @type {any} */ x) {
    pane.hidden = false;
    const close = el('button', { type: 'button', class: 'close', 'aria-label': 'Close the explanation' }, '×');
    close.addEventListener('click', () => {
      pane.hidden = true;
      focusActive();
    });
    pane.replaceChildren(close, el('h2', {}, x.title ?? ''));
    if (x.summary) pane.append(el('p', { class: 'summary' }, x.summary));
    for (const n of x.notes ?? []) pane.append(el('p', { class: 'note' }, n));
    for (const d of x.directions ?? []) {
      const sec = el('section', {});
      sec.append(el('h3', {}, `${d.title}: ${d.allowed ? 'allowed ✓' : 'denied ✕'}`));
      const list = el('ol', {});
      for (const s of d.steps ?? []) {
        const li = el('li', {}, s.text);
        if (s.reveal) {
          const a = el('a', { href: '#', role: 'button', class: 'reveal' }, 'reveal rule');
          a.addEventListener('click', (ev) => {
            ev.preventDefault();
            host.postMessage({ type: 'reveal', target: s.reveal });
          });
          li.append(document.createTextNode(' '), a);
        }
        list.append(li);
      }
      sec.append(list);
      pane.append(sec);
    }
  }

  // ---- export
  /** A CSV field: quoted, and a leading = + - @ defused so spreadsheets do not run it as a formula. */
  const csvField = (/** @type {string} */ s) => `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;

  function exportCsv() {
    const lines = [['from \\ to', ...cols.map((c) => ep(c).label)].map(csvField).join(',')];
    for (const r of rows) {
      if (r.type !== 'endpoint') continue;
      const cells = cols.map((c) => {
        const n = cellName(r.index, c);
        return n.slice(n.lastIndexOf(': ') + 2);
      });
      lines.push([ep(r.index).label, ...cells].map(csvField).join(','));
    }
    host.postMessage({ type: 'export', format: 'csv', content: `${lines.join('\r\n')}\r\n` });
  }

  const xml = (/** @type {string} */ s) =>
    s.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch);

  function exportSvg() {
    const endpointRows = rows.filter((r) => r.type === 'endpoint').map((r) => /** @type {any} */ (r).index);
    const size = 18;
    const lw = 260;
    const w = lw + cols.length * size;
    const h = lw + endpointRows.length * size;
    const parts = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`,
      `<title>${xml(model.title ?? 'Reachability matrix')}</title>`,
    ];
    cols.forEach((c, x) => {
      const cx = lw + x * size + 12;
      parts.push(`<text transform="translate(${cx},${lw - 4}) rotate(-60)">${xml(ep(c).label)}</text>`);
    });
    endpointRows.forEach((r, y) => {
      const ty = lw + y * size;
      parts.push(`<text x="${lw - 4}" y="${ty + 13}" text-anchor="end">${xml(ep(r).label)}</text>`);
      cols.forEach((c, x) => {
        const g = glyph(r, c);
        const fill = { allowed: '#2e7d32', denied: '#c62828', partial: '#f9a825', none: '#9e9e9e' }[g.cls];
        parts.push(
          `<g><title>${xml(cellName(r, c))}</title><rect x="${lw + x * size}" y="${ty}" width="${size - 1}" height="${size - 1}" fill="${fill}"/>` +
            `<text x="${lw + x * size + size / 2}" y="${ty + 13}" text-anchor="middle" fill="#fff">${g.mark}</text></g>`,
        );
      });
    });
    parts.push('</svg>');
    host.postMessage({ type: 'export', format: 'svg', content: `${parts.join('\n')}\n` });
  }

  // ---- toolbar
  function fillToolbar() {
    const namespaces = [...new Set(model.endpoints.map((/** @type {any} */ e) => e.namespace))];
    nsSelect.replaceChildren(el('option', { value: '' }, 'All namespaces'));
    for (const ns of namespaces) nsSelect.append(el('option', { value: ns }, ns === '' ? 'outside the cluster' : ns));
    /** @type {HTMLSelectElement} */ (nsSelect).value = namespaces.includes(state.namespace) ? state.namespace : '';
    portSelect.replaceChildren(el('option', { value: 'all' }, 'All declared ports'));
    for (const [i, p] of model.ports.entries())
      portSelect.append(el('option', { value: String(i) }, p.replace('/', ' ')));
    if (state.port !== 'all' && !model.ports[Number(state.port)]) state.port = 'all';
    /** @type {HTMLSelectElement} */ (portSelect).value = state.port;
    /** @type {HTMLInputElement} */ (nameInput).value = state.name;
    /** @type {HTMLInputElement} */ (problemsBox).checked = state.problemsOnly;
    /** @type {HTMLInputElement} */ (podsBox).checked = state.mode === 'pods';
    /** @type {HTMLSelectElement} */ (compareSelect).value = state.compare;
    titleEl.textContent = model.title ?? 'Reachability matrix';
  }

  function refresh() {
    computeAxes();
    // Keep the selection on the same pair when it is still shown.
    if (state.activeIds) {
      const [from, to] = state.activeIds;
      const r = rows.findIndex((x) => x.type === 'endpoint' && ep(x.index).id === from);
      const c = cols.findIndex((i) => ep(i).id === to);
      if (r >= 0 && c >= 0) state.active = { row: r, col: c };
    }
    if (!rows[state.active.row] || rows[state.active.row].type !== 'endpoint' || state.active.col >= cols.length) {
      const first = rows.findIndex((x) => x.type === 'endpoint');
      state.active = { row: Math.max(0, first), col: 0 };
    }
    render();
    persist();
  }

  nsSelect.addEventListener('change', () => {
    state.namespace = /** @type {HTMLSelectElement} */ (nsSelect).value;
    refresh();
  });
  nameInput.addEventListener('input', () => {
    state.name = /** @type {HTMLInputElement} */ (nameInput).value;
    refresh();
  });
  problemsBox.addEventListener('change', () => {
    state.problemsOnly = /** @type {HTMLInputElement} */ (problemsBox).checked;
    refresh();
  });
  portSelect.addEventListener('change', () => {
    state.port = /** @type {HTMLSelectElement} */ (portSelect).value;
    refresh();
  });
  const sendOptions = () => {
    persist();
    host.postMessage({ type: 'options', mode: state.mode, compare: state.compare });
  };
  podsBox.addEventListener('change', () => {
    state.mode = /** @type {HTMLInputElement} */ (podsBox).checked ? 'pods' : 'workloads';
    sendOptions();
  });
  compareSelect.addEventListener('change', () => {
    state.compare = /** @type {HTMLSelectElement} */ (compareSelect).value;
    sendOptions();
  });
  csvButton.addEventListener('click', exportCsv);
  svgButton.addEventListener('click', exportSvg);

  window.addEventListener('resize', render);
  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'model') {
      const first = !model;
      model = m.model;
      fillToolbar();
      computeAxes();
      if (first && saved.scrollTop !== undefined) {
        spacer.style.height = `${HEADER_H + rows.length * CELL_H}px`;
        spacer.style.width = `${HEADER_W + cols.length * CELL_W}px`;
        scroller.scrollTop = saved.scrollTop;
        scroller.scrollLeft = saved.scrollLeft ?? 0;
      }
      refresh();
      if (!first && !pane.hidden) requestExplanation();
    } else if (m.type === 'explanation') {
      showExplanation(m.explanation);
    } else if (m.type === 'focus') {
      state.focus = new Set(Array.isArray(m.ids) ? m.ids.map(String) : []);
      state.focusLabel = typeof m.label === 'string' ? m.label : '';
      const first = [...state.focus].find((id) => model?.endpoints.some((/** @type {any} */ e) => e.id === id));
      if (first) state.activeIds = [first, first];
      if (model) {
        // Show the focused endpoints even when a filter hid them.
        state.namespace = '';
        state.name = '';
        state.problemsOnly = false;
        fillToolbar();
        refresh();
        scrollToActive();
        render();
        focusActive(false);
      }
      persist();
    } else if (m.type === 'error') {
      state.error = typeof m.message === 'string' ? m.message : '';
      if (model) render();
    } else if (m.type === 'compare') {
      // The extension changed the comparison (e.g. the revision prompt was dismissed).
      state.compare = typeof m.compare === 'string' ? m.compare : '';
      /** @type {HTMLSelectElement} */ (compareSelect).value = state.compare;
      persist();
    }
  });
  host.postMessage({ type: 'ready', mode: state.mode, compare: state.compare });
})();
