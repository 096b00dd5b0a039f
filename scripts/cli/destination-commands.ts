import { createDestination } from "../../lib/forwarding/create-destination.ts";
import { listDestinations } from "../../lib/forwarding/list-destinations.ts";
import { removeDestination } from "../../lib/forwarding/remove-destination.ts";
import { setDestinationEnabled } from "../../lib/forwarding/set-destination-enabled.ts";
import type { AuditActor } from "../../lib/audit/record-audit.ts";

// `destination add|list|pause|resume|remove` (lib/forwarding). The signing secret is printed
// once, alone on the last line, as `source add --generate` prints a source's.

type Flags = Record<string, string | boolean | undefined>;

export async function addDestinationCommand(flags: Flags, actor: AuditActor, required: (name: string) => string): Promise<void> {
  const { destination, secret } = await createDestination({ source: required("source"), url: required("url"), name: flags.name as string | undefined, actor });
  console.log(`destination ${destination.name} (${destination.id}) added to source ${destination.source}: ${destination.url}`);
  console.log("signing secret (Standard Webhooks, shown once, store it now):");
  console.log(secret);
}

export async function listDestinationsCommand(): Promise<void> {
  const destinations = await listDestinations();
  if (destinations.length === 0) return void console.log("no destinations");
  for (const d of destinations) {
    const state = d.enabled ? "enabled" : `paused (${d.pausedReason ?? "by an operator"})`;
    console.log(`${d.id}  ${d.source}  ${d.name}  ${d.url}  ${state}  waiting ${d.waiting}  failed ${d.failed}`);
  }
}

export async function setDestinationCommand(isEnabled: boolean, actor: AuditActor, required: (name: string) => string): Promise<void> {
  const result = await setDestinationEnabled({ destinationId: required("id"), isEnabled, actor });
  if (!result.isChanged) return void console.log(`destination ${result.name} was already ${isEnabled ? "enabled" : "paused"}`);
  console.log(isEnabled ? `destination ${result.name} resumed; ${result.resent} waiting deliveries sent again` : `destination ${result.name} paused`);
}

export async function removeDestinationCommand(actor: AuditActor, required: (name: string) => string): Promise<void> {
  const { name } = await removeDestination({ destinationId: required("id"), actor });
  console.log(`destination ${name} removed`);
}
