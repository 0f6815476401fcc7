// The home page's live channel (progressive enhancement: without this file the page works, it is just not live).
// The server says "newPost" with an id; the page counts ids newer than its newest post in a set (nothing counted
// twice), shows "N new posts", and on a click fetches the posts right after its newest one and puts them on top.
// After every (re)connect it asks the API what it missed while the channel was down: nothing is lost.
(() => {
  'use strict';
  const root = document.getElementById('live');
  const timeline = document.getElementById('timeline');
  if (!root || !timeline || !window.signalR) return;
  const button = root.querySelector('button');
  const pending = new Set();
  let newest = Number(root.dataset.newest || '0');

  const idOf = article => Number((article.getAttribute('aria-labelledby') || '').split('-')[1] || '0');
  const shown = id => document.getElementById(`post-${id}-author`) !== null;
  const setState = state => { root.dataset.state = state; };

  function render() {
    for (const id of pending) if (id <= newest || shown(id)) pending.delete(id);
    button.textContent = pending.size === 1 ? '1 new post' : `${pending.size} new posts`;
    root.hidden = pending.size === 0;
  }

  function announce(id) {
    id = Number(id);
    if (id > newest && !shown(id)) { pending.add(id); render(); }
  }

  // What arrived while the channel was down (or before it first opened): counted, not shown yet.
  async function missed() {
    let after = newest;
    for (let pages = 0; pages < 10; pages++) {
      const response = await fetch(`/api/timeline?after=${after}&limit=100`, { headers: { accept: 'application/json' } });
      if (!response.ok) return;
      const page = await response.json();
      page.items.forEach(post => announce(post.id));
      if (!page.next) return;
      after = page.next;
    }
  }

  // The posts right after the newest shown, rendered by the server as the page renders them, a page at a time.
  async function showNew() {
    button.disabled = true;
    try {
      for (let pages = 0; pages < 10; pages++) {
        const response = await fetch(`/?handler=Newer&after=${newest}`, { headers: { accept: 'text/html' } });
        if (!response.ok) return;
        const template = document.createElement('template');
        template.innerHTML = await response.text();
        const batch = template.content.firstElementChild;
        if (!batch) return;
        const articles = [...batch.querySelectorAll('article.post')];
        const fresh = articles.filter(article => !shown(idOf(article)));
        if (fresh.length > 0) {
          timeline.querySelector(':scope > p.muted')?.remove();    // "Nothing here yet."
          timeline.prepend(...fresh);
        }
        for (const article of articles) newest = Math.max(newest, idOf(article));
        root.dataset.newest = String(newest);
        if (!batch.dataset.next) return;
      }
    } finally {
      button.disabled = false;
      render();
    }
  }

  const backoff = attempt => Math.min(30000, 500 * 2 ** attempt) + Math.random() * 500;
  const refused = error => error && error.statusCode === 401;   // signed out or revoked: stay closed
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/live')
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: context => refused(context.retryReason) ? null : backoff(context.previousRetryCount) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.on('newPost', announce);
  // The server names its clone once the connection is set up (its groups joined): then ask what was missed.
  connection.on('replica', name => { root.dataset.replica = name; setState('connected'); missed(); });
  connection.onreconnecting(() => setState('reconnecting'));
  connection.onreconnected(() => setState('reconnecting'));   // until the server says it is set up
  connection.onclose(() => setState('closed'));

  async function start(attempt) {
    try {
      await connection.start();
    } catch (error) {
      if (refused(error)) { setState('closed'); return; }
      setState('reconnecting');
      setTimeout(() => start(attempt + 1), backoff(attempt));
    }
  }

  button.addEventListener('click', showNew);
  setState('connecting');
  start(0);
})();
