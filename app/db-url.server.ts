import path from "node:path";

/** The SQLite file behind a `file:` URL, resolved against the working directory. */
export function sqliteFilePath(url: string): string {
  const raw = url.replace(/^file:(\/\/)?/, "");
  return path.resolve(raw);
}
