import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, post } from '../api.js';
import { Dialog, Field, ProblemMessage, useLoad } from '../ui.js';
import { emptySearch, TitleSearch } from './TitleSearch.js';

// What was typed or picked per file survives closing and reopening the dialog.
const drafts = new Map();

/** Match one queued file: to a stored suggestion or to any TMDB title; a series match picks season and episodes. */
export function MatchDialog({ file, type, onClose, onMatched }) {
  const draft = drafts.get(file.id);
  const [picked, setPicked] = useState(draft?.picked ?? null);
  const [search, setSearch] = useState(draft?.search ?? emptySearch(file.parsed));
  const [season, setSeason] = useState(draft?.season ?? (file.parsed.season ?? 1));
  const [episodes, setEpisodes] = useState(draft?.episodes ?? file.parsed.episodes ?? []);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { drafts.set(file.id, { picked, search, season, episodes }); }, [picked, search, season, episodes]);

  const seasons = useLoad(() => (type === 'series' && picked ? api(`/v1/metadata/series/${picked.tmdbId}/seasons`).then(r => r.items) : Promise.resolve(null)),
    [type, picked?.tmdbId]);
  const seasonEpisodes = seasons.data?.find(s => s.number === Number(season))?.episodes ?? [];

  async function match(e) {
    e.preventDefault();
    setError(null); setBusy(true);
    const body = type === 'series'
      ? { tmdbId: picked.tmdbId, type, season: Number(season), episodes: [...episodes].sort((a, b) => a - b) }
      : { tmdbId: picked.tmdbId, type };
    try {
      await post(`/v1/unmatched-files/${file.id}/match`, body);
      drafts.delete(file.id);
      onMatched();
    } catch (err) { setError(err); } finally { setBusy(false); }
  }

  const toggle = n => setEpisodes(episodes.includes(n) ? episodes.filter(x => x !== n) : [...episodes, n]);
  const ready = picked && (type === 'movie' || episodes.length > 0);
  return html`<${Dialog} title="Match file" onClose=${onClose} wide>
    <p class="path">${file.path}</p>
    <section aria-labelledby="suggested"><h3 id="suggested">Suggestions</h3>
      ${file.suggestions.length === 0 ? html`<p class="muted">No suggestion was stored; search TMDB below.</p>` :
        html`<ul class="choices" aria-label="Suggestions">${file.suggestions.map(s => html`<li key=${s.type + s.tmdbId}>
          <label><input type="radio" name="tmdb-hit" checked=${picked?.tmdbId === s.tmdbId && picked?.type === s.type} onChange=${() => setPicked(s)} />
            ${s.title} ${s.year && `(${s.year})`} <small class="muted">score ${s.score.toFixed(2)} · TMDB ${s.tmdbId}</small></label></li>`)}</ul>`}
    </section>
    <section aria-labelledby="search-tmdb"><h3 id="search-tmdb">Or find it on TMDB</h3>
      <${TitleSearch} type=${type} state=${search} setState=${setSearch} onPick=${setPicked} picked=${picked} />
    </section>
    <form onSubmit=${match}>
      ${type === 'series' && picked && html`<fieldset><legend>Season and episodes of ${picked.title}</legend>
        <${ProblemMessage} error=${seasons.error} />
        ${seasons.data && html`<${Field} label="Season"><select value=${season} onChange=${e => setSeason(Number(e.currentTarget.value))}>
          ${seasons.data.map(s => html`<option value=${s.number}>${s.name ?? `Season ${s.number}`}</option>`)}</select></${Field}>
          <div class="episode-picks" role="group" aria-label="Episodes">${seasonEpisodes.map(ep => html`<label key=${ep.number}>
            <input type="checkbox" checked=${episodes.includes(ep.number)} onChange=${() => toggle(ep.number)} /> ${ep.number}. ${ep.title ?? ''}</label>`)}</div>`}
      </fieldset>`}
      <${ProblemMessage} error=${error} />
      <div class="buttons"><span class="muted">${picked ? `Match to ${picked.title}${picked.year ? ` (${picked.year})` : ''}` : 'Pick a suggestion or a search result.'}</span>
        <button type="button" onClick=${onClose}>Cancel</button>
        <button type="submit" class="primary" disabled=${!ready || busy}>Match</button></div>
    </form>
  </${Dialog}>`;
}
