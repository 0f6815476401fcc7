// The home page's live channel (progressive enhancement: without this file the page works, it is just not live).
// The server says "newPost" with an id; the page counts ids newer than its newest post in a set (nothing counted
// twice), shows "N new posts", and on a click fetches the posts right after its newest one and puts them on top.
// After every (re)connect it asks the API what it missed while the channel was down: nothing is lost.
// It names the posts it shows (at most 50, newest first) and is told their new like counts and their deletion; the
// viewer's own Like/Unlike toggle is left as it is, only the count changes.
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
  const articlesOf = id => [...timeline.querySelectorAll('article.post')].filter(article => article.dataset.post === String(id));

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
      watch();
    }
  }

  const backoff = attempt => Math.min(10000, 500 * 2 ** attempt) + Math.random() * 500;
  const refused = error => error && error.statusCode === 401;   // signed out or revoked: stay closed
  const connection = new signalR.HubConnectionBuilder()
    // One WebSocket request and no negotiate round trip: behind a load balancer without sticky sessions the
    // negotiate POST and the upgrade can land on different clones, and the clone that did not negotiate refuses it.
    .withUrl('/live', { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: context => refused(context.retryReason) ? null : backoff(context.previousRetryCount) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  // The posts on the page, newest first, capped as the hub caps them: their likes and deletes are sent here.
  function watch() {
    const ids = [...timeline.querySelectorAll('article.post')].map(article => Number(article.dataset.post))
      .filter(id => Number.isSafeInteger(id) && id > 0);
    const newestFirst = [...new Set(ids)].sort((a, b) => b - a).slice(0, 50);
    if (connection.state !== signalR.HubConnectionState.Connected) return Promise.resolve();
    return connection.invoke('Watch', newestFirst).then(() => { root.dataset.watching = String(newestFirst.length); }, () => {});
  }

  function likes(id, count) {
    count = Number(count);
    if (!Number.isSafeInteger(count) || count < 0) return;
    for (const article of articlesOf(id)) {
      const span = article.querySelector('span.likes');
      if (span) span.textContent = count === 1 ? '1 like' : `${count} likes`;
    }
  }

  function deleted(id) {
    articlesOf(id).forEach(article => article.remove());
    pending.delete(Number(id));
    render();
    watch();
  }

  connection.on('newPost', announce);
  connection.on('likes', likes);
  connection.on('deleted', deleted);
  // The server names its clone once the connection is set up (its groups joined): then ask what was missed.
  connection.on('replica', name => { root.dataset.replica = name; setState('connected'); missed(); });
  connection.onreconnecting(() => setState('reconnecting'));
  connection.onreconnected(() => { setState('reconnecting'); watch(); });   // 'connected' once the server says it is set up
  connection.onclose(() => setState('closed'));

  async function start(attempt) {
    try {
      await connection.start();
      watch();    // once started: a hub method can only be called on a connected connection
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
