import { recordAudit } from "../audit/record-audit.ts";
import { getPool, getPrisma } from "../db.ts";
import { deleteUnreferencedBytes } from "../storage/blob-rows.ts";
import { getBlobWriter } from "../storage/configured-store.ts";
import type { ChangedBy } from "./changed-by.ts";
import { describeSourceDeletion } from "./describe-source-deletion.ts";
import { SlugConfirmationError, SourceNotFoundError } from "./errors.ts";

// Deleting a source deletes its credentials, deliveries, dedupe keys and each delivery's image
// links (all ON DELETE CASCADE), and here also the raw bodies those deliveries alone owned
// (quarantined bodies, kept JSON bodies). Images are not deleted: they are shared by content
// hash, and a delivery to another source may be taking a reference to one at this moment.
// Images this source alone delivered leave the gallery and stay stored, unreferenced, until a
// retention job removes them; the confirmation says so.

export interface DeleteSourceOptions extends ChangedBy {
  sourceId: string;
  /** The slug as the operator typed it: the deletion happens only if it matches. */
  confirmSlug: string;
}

export async function deleteSource(options: DeleteSourceOptions) {
  const { store } = await getBlobWriter();
  const freed: string[] = [];
  const result = await getPrisma().$transaction(
    async (tx) => {
      // Locking the row makes deliveries arriving meanwhile wait (their foreign key needs it),
      // so none is committed half-way through and every raw body is found below.
      const [source] = await tx.$queryRaw<Array<{ id: string; slug: string; name: string; kind: string }>>`
        SELECT id::text AS id, slug, name, kind::text AS kind FROM sources WHERE id = ${options.sourceId}::uuid FOR UPDATE`;
      if (!source) throw new SourceNotFoundError();
      if (options.confirmSlug.trim() !== source.slug) throw new SlugConfirmationError(source.slug);

      const impact = await describeSourceDeletion({ sourceId: source.id }, tx);
      const ownedBlobs = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT raw_body_blob_id::text AS id FROM deliveries WHERE source_id = ${source.id}::uuid AND raw_body_blob_id IS NOT NULL
        UNION ALL
        SELECT q.blob_id::text FROM quarantined_bodies q JOIN deliveries d ON d.id = q.delivery_id WHERE d.source_id = ${source.id}::uuid`;
      await tx.source.delete({ where: { id: source.id } });
      // After the deliveries that referenced them are gone; their bytes after the commit.
      if (ownedBlobs.length > 0) {
        const gone = await tx.$queryRaw<
          Array<{ sha256: string }>
        >`DELETE FROM blobs WHERE id = ANY(${ownedBlobs.map((blob) => blob.id)}::uuid[]) RETURNING sha256`;
        freed.push(...gone.map((blob) => blob.sha256));
      }

      await recordAudit(tx, {
        actor: options.actor,
        ip: options.ip,
        action: "source.delete",
        target: { type: "source", id: source.id, name: source.slug },
        detail: { slug: source.slug, name: source.name, kind: source.kind, ...impact },
      });
      return { slug: source.slug, name: source.name, impact };
    },
    // A source with years of deliveries takes a while to delete; the default is 5 seconds.
    { timeout: 120_000, maxWait: 10_000 },
  );
  await deleteUnreferencedBytes(getPool(), store, freed);
  return result;
}
