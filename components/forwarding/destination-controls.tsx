"use client";

import { useActionState } from "react";
import type { ActionState } from "@/app/(dashboard)/sources/actions.ts";
import { removeDestinationAction, setDestinationEnabledAction } from "@/app/(dashboard)/sources/destination-actions.ts";
import { FormFeedback } from "@/components/sources/form-feedback.tsx";
import { smallButtonClass, smallDangerButtonClass } from "@/components/sources/styles.ts";

/** Pause or resume, and remove (after the browser's confirmation), for one destination. */
export function DestinationControls({ destinationId, slug, name, isEnabled }: { destinationId: string; slug: string; name: string; isEnabled: boolean }) {
  const [toggled, toggle, isToggling] = useActionState<ActionState, FormData>(setDestinationEnabledAction, { error: null });
  const [removed, remove, isRemoving] = useActionState<ActionState, FormData>(removeDestinationAction, { error: null });
  return (
    <div className="space-y-1">
      <div className="flex gap-2">
        <form action={toggle}>
          <input type="hidden" name="destinationId" value={destinationId} />
          <input type="hidden" name="slug" value={slug} />
          <input type="hidden" name="enabled" value={String(!isEnabled)} />
          <button type="submit" disabled={isToggling} className={smallButtonClass} aria-label={`${isEnabled ? "Pause" : "Resume"} ${name}`}>
            {isEnabled ? "Pause" : "Resume"}
          </button>
        </form>
        <form
          action={remove}
          onSubmit={(event) => !window.confirm(`Remove ${name}? Its waiting deliveries and attempt log go with it.`) && event.preventDefault()}
        >
          <input type="hidden" name="destinationId" value={destinationId} />
          <input type="hidden" name="slug" value={slug} />
          <button type="submit" disabled={isRemoving} className={smallDangerButtonClass} aria-label={`Remove ${name}`}>
            Remove
          </button>
        </form>
      </div>
      <FormFeedback error={toggled.error ?? removed.error} message={toggled.message ?? removed.message} />
    </div>
  );
}
