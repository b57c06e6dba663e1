import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, post } from '../api.js';
import { Dialog, ProblemMessage, useLoad } from '../ui.js';
import { emptySearch, TitleSearch } from './TitleSearch.js';

/**
 * Many files to one series, each to the episodes its name says. The preview shows every file's season and
 * episodes (and which cannot be placed) before anything is written; then the files are matched one by one.
 */
export function BulkMatchDialog({ files, onClose, onDone }) {
  const [search, setSearch] = useState(emptySearch(files[0]?.parsed));
  const [series, setSeries] = useState(null);
  const [results, setResults] = useState({});
  const [running, setRunning] = useState(false);
  const seasons = useLoad(() => (series ? api(`/v1/metadata/series/${series.tmdbId}/seasons`).then(r => r.items) : Promise.resolve(null)), [series?.tmdbId]);

  const plan = files.map(f => {
    const { season, episodes } = f.parsed;
    if (season === null || season === undefined || episodes.length === 0) return { file: f, problem: 'No season and episode in the name' };
    if (!seasons.data) return { file: f, season, episodes };
    const s = seasons.data.find(x => x.number === season);
    const missing = episodes.filter(n => !s?.episodes.some(e => e.number === n));
    if (!s || missing.length > 0) return { file: f, season, episodes, problem: `${series.title} has no S${pad(season)}E${missing.map(pad).join('E') || '?'}` };
    return { file: f, season, episodes, titles: episodes.map(n => s.episodes.find(e => e.number === n).title).filter(Boolean) };
  });
  const ready = plan.filter(p => !p.problem);

  async function run() {
    setRunning(true);
    const outcome = {};
    for (const p of ready) {
      try {
        await post(`/v1/unmatched-files/${p.file.id}/match`, { tmdbId: series.tmdbId, type: 'series', season: p.season, episodes: p.episodes });
        outcome[p.file.id] = { ok: true };
      } catch (e) { outcome[p.file.id] = { error: e }; }
      setResults({ ...outcome });
    }
    setRunning(false);
    onDone();
  }

  const finished = Object.keys(results).length > 0 && !running;
  return html`<${Dialog} title=${`Match ${files.length} files to one series`} onClose=${onClose} wide>
    <section aria-labelledby="bulk-series"><h3 id="bulk-series">Series</h3>
      <${TitleSearch} type="series" state=${search} setState=${setSearch} onPick=${setSeries} picked=${series} />
    </section>
    <${ProblemMessage} error=${seasons.error} />
    <table class="grid preview" aria-label="Preview">
      <thead><tr><th scope="col">File</th><th scope="col">Episode</th><th scope="col">Outcome</th></tr></thead>
      <tbody>${plan.map(p => html`<tr key=${p.file.id}>
        <td class="path">${p.file.path}</td>
        <td>${p.problem ? html`<span class="warn">${p.problem}</span>` : html`S${pad(p.season)}${p.episodes.map(e => `E${pad(e)}`).join('')}${p.titles?.length ? ` · ${p.titles.join(' / ')}` : ''}`}</td>
        <td>${results[p.file.id]?.ok ? 'matched' : results[p.file.id]?.error ? html`<${ProblemMessage} error=${results[p.file.id].error} />` : p.problem ? 'skipped' : ''}</td></tr>`)}</tbody>
    </table>
    <div class="buttons"><span class="muted">${series ? `${ready.length} of ${files.length} files can be matched to ${series.title}.` : 'Find the series first.'}</span>
      <button type="button" onClick=${onClose}>${finished ? 'Close' : 'Cancel'}</button>
      ${!finished && html`<button type="button" class="primary" disabled=${!series || !seasons.data || ready.length === 0 || running} onClick=${run}>Match ${ready.length} files</button>`}</div>
  </${Dialog}>`;
}

const pad = n => String(n).padStart(2, '0');
