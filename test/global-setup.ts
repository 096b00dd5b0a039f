import { ensureBuilt } from "../scripts/lib/ensure-built.ts";

// Integration tests run the built app, as `npm start` does; build it first if it is stale.
export default async function setup(): Promise<void> {
  await ensureBuilt();
}
