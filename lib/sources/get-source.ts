import { listSources, type SourceSummary } from "./list-sources.ts";

/** One source with the same activity summary as the list, or null. */
export async function getSource(options: { slug: string; now?: Date }): Promise<SourceSummary | null> {
  const [source] = await listSources({ slug: options.slug, now: options.now });
  return source ?? null;
}
