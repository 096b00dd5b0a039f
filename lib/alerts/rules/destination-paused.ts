import { z } from "zod";
import { getPool } from "../../db.ts";
import type { AlertCondition, RuleKind } from "./rule-kind.ts";

// A forwarding destination of the source is paused: by an operator, by a 410 Gone, or after too
// many failures in a row (lib/forwarding/record-attempt.ts). Nothing reaches it until it is
// resumed, and its deliveries wait. Resolved when it is resumed (or removed).

const paramsSchema = z.object({});

export const destinationPausedRule: RuleKind<z.infer<typeof paramsSchema>> = {
  kind: "destination_paused",
  label: "Destination paused",
  conditionKinds: ["destination_paused"],
  paramsSchema,
  describe: () => "a forwarding destination is paused",
  async evaluate(targets) {
    const byId = new Map(targets.map(({ source }) => [source.id, source]));
    const { rows } = await getPool().query<{ id: string; source_id: string; name: string; paused_reason: string | null; waiting: number }>(
      `SELECT d.id::text, d.source_id::text, d.name, d.paused_reason,
              (SELECT count(*)::int FROM forwards f WHERE f.destination_id = d.id AND f.state = 'waiting') AS waiting
         FROM destinations d WHERE d.source_id = ANY($1::uuid[]) AND NOT d.enabled`,
      [[...byId.keys()]],
    );
    return rows.map((destination): AlertCondition => {
      const source = byId.get(destination.source_id)!;
      return {
        key: `destination_paused:${destination.id}`,
        kind: "destination_paused",
        sourceId: source.id,
        title: `${source.name} (${source.slug}): destination "${destination.name}" is paused`,
        detail: `${destination.paused_reason ? `Paused: ${destination.paused_reason}.` : "Paused."} ${destination.waiting === 1 ? "1 delivery waits" : `${destination.waiting} deliveries wait`} until it is resumed.`,
        linkPath: "/forwarding",
      };
    });
  },
};
