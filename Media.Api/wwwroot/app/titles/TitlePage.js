import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, del } from '../api.js';
import { fmtBytes, fmtTime, ProblemMessage, Status, useCan, useLoad } from '../ui.js';

export function TitlePage({ id }) {
  const item = useLoad(() => api(`/v1/media-items/${id}`), [id]);
  const data = item.data;
  if (!data) return html`<section><h1>Title</h1>${item.error ? html`<${ProblemMessage} error=${item.error} />` : html`<p>Loading…</p>`}</section>`;
  const byEpisode = new Map();
  for (const f of data.files) if (f.episodeId) byEpisode.set(f.episodeId, [...(byEpisode.get(f.episodeId) ?? []), f]);
  return html`<section class="title-page">
    <p><a href="/titles">← Titles</a></p>
    <h1>${data.title} ${data.year && html`<small>(${data.year})</small>`}</h1>
    <div class="about">
      ${data.posterUrl && html`<img class="poster large" src=${data.posterUrl} alt=${`Poster of ${data.title}`} width="185" height="278" />`}
      <div><p class="muted">${data.type === 'movie' ? 'Movie' : 'Series'} · TMDB ${data.tmdbId}${data.originalTitle && data.originalTitle !== data.title ? ` · ${data.originalTitle}` : ''}</p>
        ${data.overview ? html`<p class="synopsis">${data.overview}</p>` : html`<p class="muted">TMDB has no overview of this title.</p>`}</div>
    </div>
    ${data.type === 'movie' ? html`<h2>Files</h2><${Files} files=${data.files} onChange=${item.reload} />` :
      data.seasons.map(s => html`<section key=${s.id} aria-labelledby=${`season-${s.number}`}>
        <h2 id=${`season-${s.number}`}>${s.name || `Season ${s.number}`}</h2>
        <table class="grid episodes"><thead><tr><th scope="col">#</th><th scope="col">Episode</th><th scope="col">Aired</th><th scope="col">File</th></tr></thead>
        <tbody>${s.episodes.map(e => html`<tr key=${e.id}><td>${String(s.number).padStart(2, '0')}×${String(e.number).padStart(2, '0')}</td>
          <td>${e.title ?? html`<span class="muted">Episode ${e.number}</span>`}</td><td>${e.airDate ?? '—'}</td>
          <td>${byEpisode.has(e.id) ? html`<${Files} files=${byEpisode.get(e.id)} onChange=${item.reload} />` : html`<span class="muted">no file</span>`}</td></tr>`)}</tbody></table>
      </section>`)}
  </section>`;
}

function Files({ files, onChange }) {
  if (files.length === 0) return html`<p class="muted">No file yet.</p>`;
  return html`<ul class="files">${files.map(f => html`<${FileRow} key=${f.id} file=${f} onChange=${onChange} />`)}</ul>`;
}

function FileRow({ file, onChange }) {
  const can = useCan();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState(null);
  const s = file.state;
  async function forget() {
    try { await del(`/v1/media-files/${file.id}`); onChange(); } catch (e) { setError(e); }
  }
  return html`<li class="file">
    <div class="path">${file.path}</div>
    <div class="state">${s.exists
      ? html`<${Status} value="exists" /> ${fmtBytes(s.size)} · last verified ${fmtTime(s.lastVerifiedAt)}`
      : html`<${Status} value="missing" /> missing since ${fmtTime(s.lastVerifiedAt)}
        ${can('libraries.manage') && html` <button type="button" onClick=${forget}>Forget</button>`}`}</div>
    <${ProblemMessage} error=${error} />
    <details onToggle=${e => setOpen(e.currentTarget.open)}><summary>Timeline</summary>${open && html`<${Timeline} fileId=${file.id} />`}</details>
  </li>`;
}

/** Every import attempt of a file, newest first. */
export function Timeline({ fileId }) {
  const detail = useLoad(() => api(`/v1/media-files/${fileId}`), [fileId]);
  if (detail.error) return html`<${ProblemMessage} error=${detail.error} />`;
  if (!detail.data) return html`<p>Loading…</p>`;
  return html`<ol class="timeline" aria-label="Import attempts, newest first">${detail.data.imports.map(i => html`<li key=${i.id} class=${i.succeeded ? 'ok' : 'failed'}>
    ${fmtTime(i.attemptedAt)} · <strong>${i.method.replaceAll('_', ' ')}</strong> · ${i.succeeded ? 'succeeded' : html`failed <code>${i.errorCode}</code>`}
    <div class="small">from <code>${i.sourcePath}</code> to <code>${i.destinationPath}</code></div>
    ${i.error && html`<div class="small muted">${i.error}</div>`}</li>`)}</ol>`;
}
