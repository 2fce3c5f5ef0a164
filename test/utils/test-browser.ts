/**
 * A minimal browser for redirect flows: fetch with `redirect: 'manual'` and a cookie jar per origin,
 * so a test can walk app → IdP → app the way a browser would, and inspect every hop.
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    const cookies = this.jar.get(origin) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(origin, cookies);
  }

  async request(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const cookies = [...(this.jar.get(origin) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      body: init.body,
      redirect: 'manual',
      headers: { ...(cookies ? { cookie: cookies } : {}), ...(init.headers ?? {}) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() < Date.now()));
      const cookiesOfOrigin = this.jar.get(origin) ?? new Map<string, string>();
      if (expired || value === '') cookiesOfOrigin.delete(name);
      else cookiesOfOrigin.set(name, value);
      this.jar.set(origin, cookiesOfOrigin);
    }
    return res;
  }

  /** Follows redirects from `url` until one points at `stopAt` (an origin + path prefix); returns that URL unvisited. */
  async followUntil(url: string, stopAt: string, maxHops = 15): Promise<{ url: string; hops: string[] }> {
    const hops: string[] = [];
    let current = url;
    for (let i = 0; i < maxHops; i++) {
      if (current.startsWith(stopAt)) return { url: current, hops };
      const res = await this.request(current);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) {
        throw new Error(`expected a redirect from ${current}, got ${res.status}: ${(await res.text()).slice(0, 300)}`);
      }
      hops.push(current);
      current = new URL(location, current).href;
    }
    throw new Error(`too many redirects from ${url}`);
  }
}
