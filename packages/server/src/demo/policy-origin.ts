/** `s` with the characters that mean something in a regular expression escaped. */
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The policy text with `from` replaced by `to` where it begins a `url:` value, e.g. an executor's
 * `url: "http://127.0.0.1:4747/demo/receiver/email"`. Comments and other text that name the origin
 * stay as written, so the loaded policy still explains itself truthfully.
 *
 * @example
 * withExecutorOrigin('url: "http://127.0.0.1:4747/x" # not http://127.0.0.1:4747', "http://127.0.0.1:4747", "http://127.0.0.1:4811");
 * // 'url: "http://127.0.0.1:4811/x" # not http://127.0.0.1:4747'
 */
export function withExecutorOrigin(text: string, from: string, to: string): string {
  const value = new RegExp(`(\\burl:[ \\t]*["']?)${escaped(from)}(?=[/"'\\s,}]|$)`, "gm");
  return text.replace(value, (_, before: string) => `${before}${to}`);
}
