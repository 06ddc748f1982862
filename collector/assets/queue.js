// Keeps an open callback queue current without a reload. Every 2 s it asks the collector for
// the queue's stamp (/inbox/queue/stamp: a few numbers that change whenever a request arrives,
// a call is recorded or a status changes, read from the database, so colleagues on another
// collector sharing it count too); when the stamp moved, or a minute passed (time left is
// worded to the minute), it fetches the queue again (/inbox/queue/fragment, rendered and
// escaped on the server like the page) and swaps it in. The tab's title carries the count of
// requests due within 15 minutes or overdue. Served from the inbox itself: its policy allows
// `script-src 'self'` and nothing inline.
(() => {
  'use strict';
  const POLL_MS = 2000;
  const REFRESH_MS = 60000;
  let queue = document.getElementById('queue');
  if (!queue) return;
  let stamp = queue.dataset.stamp;
  let shownAt = Date.now();
  let busy = false;

  // Someone choosing a retry time or typing a note must not lose it to an update.
  const editing = () => {
    const a = document.activeElement;
    return !!a && queue.contains(a) && a.matches('input, select, textarea');
  };

  const get = async (url) => {
    const r = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
    // The session ended (logout elsewhere, expiry): show the login page.
    if (r.status === 401) { location.reload(); return null; }
    return r.ok ? r.text() : null;
  };

  async function tick() {
    if (busy) return;
    busy = true;
    try {
      const now = await get('/inbox/queue/stamp');
      if (now === null) return;
      if (now.trim() === stamp && Date.now() - shownAt < REFRESH_MS) return;
      if (editing()) return;
      const html = await get('/inbox/queue/fragment' + location.search);
      if (html === null || editing()) return;
      const fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('queue');
      if (!fresh) return;
      const focused = document.activeElement && queue.contains(document.activeElement) ? document.activeElement.id : '';
      queue.replaceWith(fresh);
      queue = fresh;
      stamp = fresh.dataset.stamp;
      shownAt = Date.now();
      document.title = fresh.dataset.title;
      if (focused) document.getElementById(focused)?.focus();
    } catch (_) {
      // Offline for a moment, or the collector restarting: the next tick tries again.
    } finally {
      busy = false;
    }
  }
  setInterval(tick, POLL_MS);
})();
