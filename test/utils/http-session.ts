import { TEST_PASSWORD } from '../factories/world.factory.js';

export interface HttpResult {
  status: number;
  body: any;
  headers: Headers;
}

/** A browser-like client (session cookie + CSRF token) talking real HTTP to the app. */
export class HttpSession {
  private cookie = '';
  private csrf = '';
  /** Set: a request that takes longer is aborted (fault tests: a hung server must not hang the test). */
  timeoutMs: number | undefined;

  constructor(private readonly baseUrl: string) {}

  static async signIn(baseUrl: string, username: string, password = TEST_PASSWORD): Promise<HttpSession> {
    const s = new HttpSession(baseUrl);
    const res = await s.request('POST', '/api/v1/auth/sign-in', { username, password });
    if (res.status !== 200) throw new Error(`sign-in failed for ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return s;
  }

  /** `body` as a string is sent verbatim (for malformed JSON); anything else as JSON. */
  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
    const res = await fetch(`${this.baseUrl}${url}`, {
      method,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      signal: this.timeoutMs ? AbortSignal.timeout(this.timeoutMs) : undefined,
    });
    for (const c of res.headers.getSetCookie()) if (c.startsWith('mp_session=')) this.cookie = c.split(';')[0]!;
    const text = await res.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (parsed?.csrfToken) this.csrf = parsed.csrfToken;
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get(url: string, headers?: Record<string, string>) {
    return this.request('GET', url, undefined, headers);
  }
  post(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', url, body ?? {}, headers);
  }
  patch(url: string, body: unknown) {
    return this.request('PATCH', url, body);
  }

  /** The same session without its CSRF token, to show unsafe requests without it are refused. */
  withoutCsrf(): HttpSession {
    const s = new HttpSession(this.baseUrl);
    s.cookie = this.cookie;
    return s;
  }
}
