import { readFileSync } from "node:fs";
import path from "node:path";

// Server actions as the built app exposes them: every function exported from a "use server"
// file is an endpoint, named here by file and export, with the id the browser calls it by.

export interface ServerAction {
  id: string;
  file: string;
  name: string;
}

export function listServerActions(): ServerAction[] {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const manifest = JSON.parse(readFileSync(path.join(distDir, "server", "server-reference-manifest.json"), "utf8"));
  return Object.entries(manifest.node as Record<string, { filename: string; exportedName: string }>).map(([id, entry]) => ({
    id,
    file: entry.filename,
    name: entry.exportedName,
  }));
}

/**
 * Calls a server action the way React's client does for `action(previousState, formData)`:
 * a multipart body whose field 0 is the argument list, the FormData argument by reference.
 */
export async function callServerAction(options: {
  baseUrl: string;
  pagePath: string;
  actionId: string;
  fields: Record<string, string>;
  headers?: Record<string, string>;
  previousState?: unknown;
}): Promise<Response> {
  // React writes the FormData argument's entries first, prefixed `_1_`, then the root as `0`;
  // the server reads them in that order.
  const body = new FormData();
  for (const [name, value] of Object.entries(options.fields)) body.append(`_1_${name}`, value);
  body.append("0", JSON.stringify([options.previousState ?? {}, "$K1"]));
  return fetch(`${options.baseUrl}${options.pagePath}`, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { accept: "text/x-component", "next-action": options.actionId, origin: options.baseUrl, ...options.headers },
  });
}
