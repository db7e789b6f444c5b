// The page a browser gets while the backend does not answer (restarting after a save, not started
// yet). It names the error and the backend, keeps devpush's client (so saves still reach it), and
// reloads itself once a request to the same URL is answered by the backend again.

/** Marks devpush's own "backend down" answers, so the page can tell them from the backend's. */
export const BACKEND_DOWN_HEADER = 'x-devpush-backend-down';
/** Sent by the notice's own checks: answered 200 while the backend is down, so the console stays quiet. */
export const BACKEND_CHECK_HEADER = 'x-devpush-backend-check';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function backendDownPage(backend: string, error: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Backend not answering</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:40rem;color:#222}code{background:#f3f3f3;padding:.1em .3em}</style>
</head><body>
<h1>The backend is not answering</h1>
<p>devpush could not reach <code>${escapeHtml(backend)}</code>: <code>${escapeHtml(error)}</code>.</p>
<p>Start it (or wait for it to restart); this page reloads by itself when it answers.</p>
<script>
(function check() {
  fetch(location.href, { method: 'HEAD', cache: 'no-store', headers: { '${BACKEND_CHECK_HEADER}': '1' } }).then(
    function (res) { if (!res.headers.has('${BACKEND_DOWN_HEADER}')) location.reload(); else setTimeout(check, 1000); },
    function () { setTimeout(check, 1000); }
  );
})();
</script>
</body></html>`;
}
