// The invite landing page that GET /invite serves: one static document whose inline script
// reads the invite code from the URL fragment, which browsers never send, so the backend learns
// nothing about who was invited where. The Content-Security-Policy allows exactly this script and
// this style by their SHA-256, so nothing else can run even if a future edit let text in.
import { createHash } from 'node:crypto'
import { INVITE_CODE_ALPHABET, INVITE_CODE_LENGTH } from '../../shared/invite-link'

/** What the script accepts as a code (lowercased first): the grammar the app reads. */
const INVITE_CODE_PATTERN = new RegExp(`^[${INVITE_CODE_ALPHABET}]{${INVITE_CODE_LENGTH}}$`)

/**
 * Everything it writes into the page goes through textContent, setAttribute or an input's value,
 * never markup. The server address is this page's own URL less its last "/invite", so a backend
 * behind a proxy under a path prefix still names itself correctly; the link shown for copying is
 * the canonical one, without a query or a trailing slash (what shared/invite-link.ts reads).
 */
export const INVITE_PAGE_SCRIPT = `
(function () {
  'use strict';
  var CODE = ${INVITE_CODE_PATTERN.toString()};
  function byId(id) {
    return document.getElementById(id);
  }
  function show() {
    var code = location.hash.slice(1).toLowerCase();
    var valid = CODE.test(code);
    byId('invite').hidden = !valid;
    byId('incomplete').hidden = valid;
    if (!valid) {
      byId('open').removeAttribute('href');
      byId('link').value = '';
      return;
    }
    var prefix = location.pathname.replace(/\\/invite\\/?$/, '');
    var server = location.origin + prefix;
    byId('host').textContent = location.host + prefix;
    byId('open').setAttribute(
      'href',
      'paracord://invite/' + code + '?server=' + encodeURIComponent(server)
    );
    byId('link').value = server + '/invite#' + code;
  }
  byId('link').addEventListener('focus', function (event) {
    event.target.select();
  });
  window.addEventListener('hashchange', show);
  show();
})();
`

/** Light or dark as the system prefers, in the app's palette; one column that fits a phone. */
export const INVITE_PAGE_STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f2f3f5;
  --card: #ffffff;
  --text: #1f2328;
  --muted: #4e5660;
  --border: #d4d7dc;
  --input: #ebedef;
  --accent: #3b5bdb;
  --accent-hover: #2f4fc2;
  --focus: #2f4fc2;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #1e1f22;
    --card: #2b2d31;
    --text: #dbdee1;
    --muted: #b5bac1;
    --border: #3f4147;
    --input: #1e1f22;
    --accent-hover: #364fc7;
    --focus: #8fa8ff;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body {
  margin: 0;
  min-height: 100vh;
  display: flex;
  align-items: center;
  justify-content: center;
  padding: 24px 16px;
  background: var(--bg);
  color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Ubuntu, 'Noto Sans', sans-serif;
}
main {
  width: 100%;
  max-width: 34rem;
  padding: 28px 28px 12px;
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: 12px;
}
h1 { margin: 0 0 16px; font-size: 1.5rem; line-height: 1.25; }
p { margin: 0 0 16px; }
strong { overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.button {
  display: inline-block;
  padding: 12px 22px;
  border-radius: 8px;
  background: var(--accent);
  color: #ffffff;
  font-weight: 600;
  text-decoration: none;
}
.button:hover { background: var(--accent-hover); }
a:focus-visible, input:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
label { display: block; margin-bottom: 6px; font-size: 0.875rem; color: var(--muted); }
input {
  width: 100%;
  margin-bottom: 16px;
  padding: 10px 12px;
  border: 1px solid var(--border);
  border-radius: 8px;
  background: var(--input);
  color: var(--text);
  font: 0.875rem/1.4 ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
}
@media (max-width: 480px) {
  body { align-items: flex-start; padding: 12px; }
  main { padding: 20px 16px 4px; }
  .button { display: block; text-align: center; }
}
`

export const INVITE_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Join a server on paracord</title>
<style>${INVITE_PAGE_STYLE}</style>
</head>
<body>
<main>
<h1>Join a server on paracord</h1>
<section id="invite" hidden>
<p>You've been invited to a paracord server at <strong id="host"></strong>.</p>
<p><a id="open" class="button">Open in paracord</a></p>
<p class="muted">Don't have paracord yet? Install the desktop app, then open this link again, or paste the whole link into paracord: on the Create account screen choose "I have an invite link", or, signed in, use the + beside your servers ("Create or join a server").</p>
<label for="link">Invite link</label>
<input id="link" type="text" readonly spellcheck="false" autocomplete="off">
</section>
<section id="incomplete" hidden>
<p>This invite link is incomplete. Ask for the link again and copy all of it, including the part after #.</p>
</section>
<noscript>
<p>This page needs JavaScript to read the invite. Without it, paste the whole link into paracord: on the Create account screen choose "I have an invite link", or, signed in, use the + beside your servers ("Create or join a server").</p>
</noscript>
</main>
<script>${INVITE_PAGE_SCRIPT}</script>
</body>
</html>
`

function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
}

/** Nothing loads or runs but the page's own script and style; no framing, no form, no base. */
export const INVITE_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256Source(INVITE_PAGE_SCRIPT)}`,
  `style-src ${sha256Source(INVITE_PAGE_STYLE)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
