/** A small HTTP client that behaves like a browser tab: it keeps cookies and sends its Origin. */
export class Client {
  cookie = "";
  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit & { form?: Record<string, string | string[]> } = {}) {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set("Cookie", this.cookie);
    if (!headers.has("Origin") && init.method && init.method !== "GET") headers.set("Origin", this.base);
    let body = init.body;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const one of [v].flat()) params.append(k, one);
      body = params;
    }
    const res = await fetch(this.base + path, { ...init, headers, body, redirect: "manual" });
    const set = res.headers.get("set-cookie");
    if (set) {
      const [pair] = set.split(";");
      this.cookie = pair.endsWith("=") ? "" : pair;
    }
    return res;
  }

  get(path: string, init: RequestInit = {}) {
    return this.request(path, { ...init, method: "GET" });
  }

  post(path: string, form: Record<string, string | string[]> = {}, init: RequestInit = {}) {
    return this.request(path, { ...init, method: "POST", form });
  }

  async login(email: string, password: string) {
    const res = await this.post("/login", { email, password });
    if (res.status !== 302) throw new Error(`login as ${email} failed: ${res.status} ${await res.text()}`);
    return res;
  }
}

/** React's markup, read as text: entities decoded, and the comments it puts between adjacent texts dropped. */
export const markupText = (text: string) =>
  text
    .replace(/<!-- -->/g, "")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
