import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { list } from '../api.js';
import { Field, fmtInt, ProblemMessage, useQueryState } from '../ui.js';

const rowHeight = 44;
const chunk = 100; // rows fetched per request
const overscan = 8;

/**
 * Movies and series, sorted and searched on the server, in a windowed list: only the rows in view are in the DOM
 * and only the pages they fall on are fetched, so 100,000 titles scroll like 100.
 */
export function Titles() {
  const [query, setQuery] = useQueryState({ q: '', type: '', sortKey: 'title', sortDirection: 'asc' });
  const [text, setText] = useState(query.q);
  useEffect(() => { const t = setTimeout(() => text !== query.q && setQuery({ q: text }), 250); return () => clearTimeout(t); }, [text]);

  const filters = useMemo(() => ({ q: query.q, type: query.type, sortKey: query.sortKey, sortDirection: query.sortDirection }),
    [query.q, query.type, query.sortKey, query.sortDirection]);
  return html`<section class="titles">
    <h1>Titles</h1>
    <form class="filters" role="search" onSubmit=${e => { e.preventDefault(); setQuery({ q: text }); }}>
      <${Field} label="Search titles"><input type="search" value=${text} onInput=${e => setText(e.currentTarget.value)} /></${Field}>
      <${Field} label="Type"><select value=${query.type} onChange=${e => setQuery({ type: e.currentTarget.value })}>
        <option value="">Movies and series</option><option value="movie">Movies</option><option value="series">Series</option></select></${Field}>
      <${Field} label="Sort by"><select value=${query.sortKey} onChange=${e => setQuery({ sortKey: e.currentTarget.value })}>
        <option value="title">Title</option><option value="year">Year</option><option value="createdAt">Added</option></select></${Field}>
      <${Field} label="Order"><select value=${query.sortDirection} onChange=${e => setQuery({ sortDirection: e.currentTarget.value })}>
        <option value="asc">Ascending</option><option value="desc">Descending</option></select></${Field}>
    </form>
    <${WindowedTitles} filters=${filters} key=${JSON.stringify(filters)} />
  </section>`;
}

function WindowedTitles({ filters }) {
  const [total, setTotal] = useState(null);
  const [pages, setPages] = useState(() => new Map());
  const [error, setError] = useState(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const box = useRef();
  const requested = useRef(new Set());

  useEffect(() => {
    const measure = () => box.current && setHeight(box.current.clientHeight);
    measure();
    addEventListener('resize', measure);
    return () => removeEventListener('resize', measure);
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = total === null ? chunk - 1 : Math.min(total - 1, Math.ceil((scrollTop + height) / rowHeight) + overscan);

  useEffect(() => {
    for (let p = Math.floor(first / chunk); p <= Math.floor(Math.max(first, last) / chunk); p++) {
      if (requested.current.has(p)) continue;
      requested.current.add(p);
      list('/v1/media-items', { ...filters, page: p + 1, pageSize: chunk }).then(
        r => { setTotal(r.totalCount); setPages(m => new Map(m).set(p, r.items)); },
        e => { requested.current.delete(p); setError(e); });
    }
  }, [first, last, filters]);

  const rows = [];
  for (let i = first; i <= last; i++) {
    const item = pages.get(Math.floor(i / chunk))?.[i % chunk];
    if (total !== null && i >= total) break;
    rows.push(html`<li key=${i} style=${`top:${i * rowHeight}px`} aria-setsize=${total ?? -1} aria-posinset=${i + 1}>
      ${item ? html`<a href=${`/titles/${item.id}`}><span class="name">${item.title}</span> <span class="muted">${item.year ?? ''}</span>
        <span class=${`badge ${item.type}`}>${item.type}</span></a>` : html`<span class="muted">Loading…</span>`}</li>`);
  }
  return html`<${ProblemMessage} error=${error} />
    <p class="muted" aria-live="polite">${total === null ? 'Loading…' : `${fmtInt(total)} titles`}</p>
    ${total === 0 ? html`<p class="empty">No titles${filters.q ? ` match "${filters.q}"` : ' yet: scan a library or match unmatched files'}.</p>` :
      html`<div class="window" ref=${box} onScroll=${e => setScrollTop(e.currentTarget.scrollTop)} tabindex="0" aria-label="Titles list">
        <ul style=${`height:${(total ?? 0) * rowHeight}px`} aria-label="Titles">${rows}</ul></div>`}`;
}
