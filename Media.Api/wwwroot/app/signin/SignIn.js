import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, session } from '../api.js';
import { Field, ProblemMessage } from '../ui.js';

/** Username and password, or an API key pasted once (the first admin has only the key from the log). */
export function SignIn() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState(null);
  const [keyError, setKeyError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function withPassword(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const answer = await api('/v1/auth/login', { method: 'POST', body: { username, password }, key: null });
      session.signIn(answer.apiKey);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }

  async function withKey(e) {
    e.preventDefault();
    setBusy(true); setKeyError(null);
    try {
      await api('/v1/me', { key: key.trim() });
      session.signIn(key.trim());
    } catch (err) { setKeyError(err); } finally { setBusy(false); }
  }

  return html`<main class="signin" id="main">
    <h1>Sign in to Media</h1>
    <form onSubmit=${withPassword} aria-labelledby="with-password">
      <h2 id="with-password">With an account</h2>
      <${Field} label="Username"><input name="username" autocomplete="username" required value=${username} onInput=${e => setUsername(e.currentTarget.value)} /></${Field}>
      <${Field} label="Password"><input name="password" type="password" autocomplete="current-password" required value=${password} onInput=${e => setPassword(e.currentTarget.value)} /></${Field}>
      <${ProblemMessage} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>Sign in</button>
    </form>
    <form onSubmit=${withKey} aria-labelledby="with-key">
      <h2 id="with-key">Or with a key</h2>
      <p class="hint">On first start the <code>admin</code> user's key is written once to the log ("Created user 'admin'"). Set a password later under Settings.</p>
      <${Field} label="API key"><input name="apiKey" autocomplete="off" spellcheck="false" required value=${key} onInput=${e => setKey(e.currentTarget.value)} /></${Field}>
      <${ProblemMessage} error=${keyError} />
      <button type="submit" disabled=${busy}>Use this key</button>
    </form>
  </main>`;
}
