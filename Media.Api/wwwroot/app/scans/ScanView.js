import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, list } from '../api.js';
import { fmtDuration, fmtInt, fmtTime, Pager, ProblemMessage, Status, useLoad } from '../ui.js';

// A browser EventSource cannot send X-Api-Key, so the view polls: small JSON, twice a second, only while the scan runs.
const pollMs = 500;
const labels = {
  filesWalked: 'Files walked', filesSeen: 'Video files seen', filesNew: 'New', filesIdentified: 'Identified', filesUnmatched: 'Unmatched',
  filesMissing: 'Missing', filesFailed: 'Failed',
};
const folderFields = ['currentFolder', 'currentPath', 'folder'];

const humanize = key => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Every number the scan reports, known ones first; counters added to the API later show up without a change here. */
export function countersOf(scan) {
  const out = [];
  const walk = (obj, prefix) => {
    for (const [k, v] of Object.entries(obj ?? {})) {
      if (typeof v === 'number') out.push([prefix ? `${prefix} · ${humanize(k).toLowerCase()}` : (labels[k] ?? humanize(k)), v, k]);
      else if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, prefix ? `${prefix} · ${humanize(k).toLowerCase()}` : humanize(k));
    }
  };
  walk(scan, '');
  const order = Object.keys(labels);
  const rank = k => (order.includes(k) ? order.indexOf(k) : order.length);
  return out.sort((a, b) => rank(a[2]) - rank(b[2]));
}

const active = s => s && (s.status === 'queued' || s.status === 'running');

export function ScanView({ id }) {
  const [scan, setScan] = useState(null);
  const [error, setError] = useState(null);
  const [rate, setRate] = useState(null);
  const samples = useRef([]);

  useEffect(() => {
    let stopped = false, timer;
    samples.current = [];
    async function tick() {
      try {
        const s = await api(`/v1/scans/${id}`);
        if (stopped) return;
        setScan(s); setError(null);
        if (s.status === 'running') {
          const now = performance.now();
          samples.current = [...samples.current.filter(x => now - x.t < 5000), { t: now, n: s.filesSeen }];
          const first = samples.current[0];
          if (now - first.t > 400) setRate((s.filesSeen - first.n) / ((now - first.t) / 1000));
        }
        if (active(s)) timer = setTimeout(tick, pollMs);
      } catch (e) { if (!stopped) { setError(e); timer = setTimeout(tick, pollMs * 4); } }
    }
    tick();
    return () => { stopped = true; clearTimeout(timer); };
  }, [id]);

  const library = useLoad(() => (scan ? api(`/v1/libraries/${scan.libraryId}`) : Promise.resolve(null)), [scan?.libraryId]);
  // The expected size of this walk: the last finished scan of the same folder.
  const previous = useLoad(async () => {
    if (!scan) return null;
    const history = await list('/v1/scans', { libraryId: scan.libraryId, pageSize: 20 });
    return history.items.find(s => s.id !== id && s.status === 'completed' && (s.path ?? null) === (scan.path ?? null)) ?? null;
  }, [scan?.libraryId]);

  if (!scan) return html`<section><h1>Scan</h1>${error ? html`<${ProblemMessage} error=${error} />` : html`<p>Loading…</p>`}</section>`;
  const elapsed = ((scan.finishedAt ? new Date(scan.finishedAt) : new Date()) - new Date(scan.startedAt ?? scan.queuedAt)) / 1000;
  const averageRate = scan.startedAt && elapsed > 0 ? scan.filesSeen / elapsed : null;
  const speed = scan.status === 'running' ? rate ?? averageRate : averageRate;
  const expected = previous.data?.filesSeen;
  const eta = scan.status === 'running' && expected && speed > 0 ? Math.max(0, expected - scan.filesSeen) / speed : null;
  const progress = expected ? Math.min(1, scan.filesSeen / expected) : null;
  const folder = folderFields.map(f => scan[f]).find(v => typeof v === 'string' && v);

  return html`<section class="scan">
    <div class="title-row"><h1>Scan of ${library.data?.name ?? 'library'}${scan.path ? html` <small>· ${scan.path}</small>` : ''}</h1>
      <${Status} value=${scan.status} /></div>
    <${ProblemMessage} error=${error} />
    ${scan.error && html`<div class="problem" role="alert"><strong>The scan failed</strong> <span>${scan.error}</span></div>`}
    <div class="progress" role="progressbar" aria-label="Scan progress" aria-valuemin="0" aria-valuemax="100"
      aria-valuenow=${progress === null ? undefined : Math.round(progress * 100)}
      aria-valuetext=${progress === null ? (active(scan) ? 'walking, size unknown' : scan.status) : `${Math.round(progress * 100)}%`}>
      <div class=${`bar ${progress === null && active(scan) ? 'indeterminate' : ''}`} style=${`width:${progress === null ? (active(scan) ? 100 : 100) : progress * 100}%`}></div>
    </div>
    <dl class="counters" aria-live="polite">
      ${countersOf(scan).map(([label, value, key]) => html`<div key=${key + label}><dt>${label}</dt><dd>${fmtInt(value)}</dd></div>`)}
      <div><dt>Files per second</dt><dd>${speed === null ? '—' : fmtInt(Math.round(speed))}</dd></div>
      <div><dt>Time left</dt><dd>${scan.status === 'running' ? (eta === null ? 'unknown' : fmtDuration(eta)) : '—'}</dd></div>
      <div><dt>Elapsed</dt><dd>${scan.startedAt ? fmtDuration(elapsed) : '—'}</dd></div>
    </dl>
    <p class="muted">${folder ? html`Walking <code>${folder}</code>. ` : ''}Queued ${fmtTime(scan.queuedAt)}${scan.startedAt && html`, started ${fmtTime(scan.startedAt)}`}${scan.finishedAt && html`, finished ${fmtTime(scan.finishedAt)}`}.
      ${expected ? ` Expecting about ${fmtInt(expected)} files (the last complete scan).` : ''}</p>
    ${scan.filesUnmatched > 0 && !active(scan) && html`<p><a href=${`/unmatched?libraryId=${scan.libraryId}`}>Review the unmatched files</a></p>`}
    <${ScanHistory} libraryId=${scan.libraryId} current=${id} refreshKey=${`${scan.status}:${scan.filesSeen}`} />
  </section>`;
}

function ScanHistory({ libraryId, current, refreshKey }) {
  const [page, setPage] = useState(1);
  const history = useLoad(() => list('/v1/scans', { libraryId, page, pageSize: 10 }), [libraryId, page, refreshKey]);
  const data = history.data;
  return html`<section aria-labelledby="history"><h2 id="history">Scan history</h2>
    <${ProblemMessage} error=${history.error} />
    ${data && html`<table class="grid"><thead><tr><th scope="col">Queued</th><th scope="col">Folder</th><th scope="col">Outcome</th>
      <th scope="col" class="num">Walked</th><th scope="col" class="num">Identified</th><th scope="col" class="num">Unmatched</th><th scope="col" class="num">Missing</th></tr></thead>
      <tbody>${data.items.map(s => html`<tr key=${s.id} class=${s.id === current ? 'current' : ''}>
        <td><a href=${`/scans/${s.id}`}>${fmtTime(s.queuedAt)}</a></td><td>${s.path ?? html`<span class="muted">whole library</span>`}</td>
        <td><${Status} value=${s.status} />${s.error && html` <span class="muted small">${s.error}</span>`}</td>
        <td class="num">${fmtInt(s.filesSeen)}</td><td class="num">${fmtInt(s.filesIdentified)}</td><td class="num">${fmtInt(s.filesUnmatched)}</td><td class="num">${fmtInt(s.filesMissing)}</td></tr>`)}</tbody></table>
      <${Pager} page=${page} pageSize=${10} total=${data.totalCount} onPage=${setPage} label="Scan history pages" />`}
  </section>`;
}
