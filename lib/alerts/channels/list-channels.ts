import { getPrisma } from "../../db.ts";

/** Channels as the Alerts page and `channel list` show them: never their configuration. */
export function listChannels() {
  return getPrisma().alertChannel.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, kind: true, summary: true, createdAt: true } });
}

export type ChannelSummary = Awaited<ReturnType<typeof listChannels>>[number];
