import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// The app's own pages and route handlers, read from app/ the way Next maps files to URLs, so
// that access and secrecy tests cover every route that exists, including ones added later.

export interface AppRoute {
  /** URL pattern, e.g. `/api/deliveries/[id]`. */
  pattern: string;
  kind: "page" | "api";
  methods: string[];
  file: string;
}

const APP_DIR = path.join(process.cwd(), "app");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

export function listAppRoutes(): AppRoute[] {
  const routes: AppRoute[] = [];
  for (const entry of readdirSync(APP_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/^(page\.tsx|route\.ts)$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const segments = path
      .relative(APP_DIR, entry.parentPath)
      .split(path.sep)
      .filter((segment) => segment && !/^\(.*\)$/.test(segment));
    const pattern = `/${segments.join("/")}`;
    if (entry.name === "page.tsx") {
      routes.push({ pattern, kind: "page", methods: ["GET"], file });
    } else {
      const source = readFileSync(file, "utf8");
      const methods = METHODS.filter((method) => new RegExp(`export (const|async function|function) ${method}\\b`).test(source));
      routes.push({ pattern, kind: "api", methods, file });
    }
  }
  return routes.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** A concrete URL for a pattern: each dynamic segment filled from `values`, or a placeholder. */
export function fillPattern(pattern: string, values: Record<string, string> = {}): string {
  return pattern.replace(/\[([^\]]+)\]/g, (_, name: string) => values[name] ?? "00000000-0000-4000-8000-000000000000");
}
