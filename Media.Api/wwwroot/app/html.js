import { h } from 'preact';
import htm from 'htm';

/** Tagged templates instead of JSX: no build step. */
export const html = htm.bind(h);
