import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { Field, ProblemMessage } from '../ui.js';

/** Finds any TMDB title by name and year, or by TMDB or IMDb id; the state lives in the caller so it survives. */
export function TitleSearch({ type, state, setState, onPick, picked }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = changes => setState({ ...state, ...changes });

  async function search(e) {
    e.preventDefault();
    setError(null); setBusy(true);
    const id = state.id.trim();
    const query = /^tt\d+$/i.test(id) ? { imdbId: id.toLowerCase(), type } : /^\d+$/.test(id) ? { tmdbId: id, type } : { query: state.title, year: state.year, type };
    try { set({ results: (await api('/v1/metadata/search', { query })).items }); } catch (err) { setError(err); set({ results: [] }); } finally { setBusy(false); }
  }

  return html`<form class="title-search" onSubmit=${search} aria-label="TMDB search">
    <div class="row">
      <${Field} label="Title"><input value=${state.title} onInput=${e => set({ title: e.currentTarget.value })} /></${Field}>
      <${Field} label="Year"><input inputmode="numeric" size="5" value=${state.year} onInput=${e => set({ year: e.currentTarget.value })} /></${Field}>
      <${Field} label="TMDB or IMDb id"><input size="10" value=${state.id} onInput=${e => set({ id: e.currentTarget.value })} /></${Field}>
      <button type="submit" disabled=${busy}>Search TMDB</button>
    </div>
    <${ProblemMessage} error=${error} />
    ${state.results && (state.results.length === 0 && !error ? html`<p class="muted">TMDB found nothing.</p>` :
      html`<ul class="choices" aria-label="Search results">${state.results.map(r => html`<li key=${r.type + r.tmdbId} class="hit">
        ${r.posterUrl ? html`<img class="poster" src=${r.posterUrl} alt=${`Poster of ${r.title}`} width="46" height="69" loading="lazy" />`
          : html`<span class="poster none" aria-hidden="true"></span>`}
        <div><label><input type="radio" name="tmdb-hit" checked=${picked?.tmdbId === r.tmdbId && picked?.type === r.type} onChange=${() => onPick(r)}
            aria-describedby=${r.overview ? `overview-${r.type}-${r.tmdbId}` : undefined} />
          ${r.title} ${r.year && `(${r.year})`} <small class="muted">TMDB ${r.tmdbId}${r.inLibrary ? ' · in the library' : ''}</small></label>
          ${r.overview && html`<p class="overview" id=${`overview-${r.type}-${r.tmdbId}`}>${r.overview}</p>`}</div></li>`)}</ul>`)}
  </form>`;
}

export const emptySearch = parsed => ({ title: parsed?.title ?? '', year: parsed?.year ? String(parsed.year) : '', id: '', results: null });
