// The resident form page's service worker (registered by /f/… pages, scope /f/). It lets a phone reopen a
// form it has seen while the network is down: the page, its scripts and the form as last fetched are
// kept, and served only when the network fails. Answers are never touched here — the page keeps an
// unsent answer itself (localStorage) and resends it, with its Idempotency-Key, once online.
const CACHE = 'linli-form-v1';

self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/** The form's definition and its address cascade: public, no personal data, wanted offline. */
const PUBLIC_FORM_API = /^\/api\/public\/forms\/[^/]+(\/places)?$/;

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === 'navigate' && url.pathname.startsWith('/f/')) {
    event.respondWith(networkFirst(request, keepOnlyAssetsOf));
  } else if (PUBLIC_FORM_API.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});

/** Hashed file names never change content: the network is asked only for one not kept yet. */
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

/** The network's answer whenever there is one (a closed form must say so); the kept copy otherwise. */
async function networkFirst(request, afterStore) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
      if (afterStore) await afterStore(cache, response.clone());
    } else if (response.status === 404) {
      await cache.delete(request);
    }
    return response;
  } catch (error) {
    // A locale switch changes the request's Accept-Language; any kept copy beats no page at all.
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

/**
 * After a page is kept, scripts and styles it does not name (an older build's) are dropped, so the cache
 * does not grow with every release. A chunk the page loads on demand is dropped too, and kept again as
 * soon as the page asks for it (this is an online visit, and the browser's own cache has it).
 */
async function keepOnlyAssetsOf(cache, page) {
  const html = await page.text();
  const named = new Set([...html.matchAll(/\/assets\/[\w.-]+/g)].map((m) => m[0]));
  if (!named.size) return;
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/assets/') && !named.has(path)) await cache.delete(request);
  }
}
