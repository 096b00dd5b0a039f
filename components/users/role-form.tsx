"use client";

import { useActionState, useState } from "react";
import { changeRoleAction, type ActionState } from "@/app/(dashboard)/users/actions.ts";
import type { Role } from "@/lib/generated/prisma/enums.ts";

interface RoleFormProps {
  userId: string;
  email: string;
  role: Role;
  isSelf: boolean;
  isLastAdmin: boolean;
}

/** The role of one user, changed with an explicit Save (a stray select change does nothing). */
export function RoleForm({ userId, email, role, isSelf, isLastAdmin }: RoleFormProps) {
  const [state, action, isPending] = useActionState<ActionState, FormData>(changeRoleAction, { status: "idle", message: null });
  const [selected, setSelected] = useState<Role>(role);
  // When the saved role changes (this tab or a refresh), the choice follows it.
  const [savedRole, setSavedRole] = useState(role);
  if (role !== savedRole) {
    setSavedRole(role);
    setSelected(role);
  }
  const isChanged = selected !== role;
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="userId" value={userId} />
      <div className="flex flex-wrap items-center gap-2">
        <select
          name="role"
          aria-label={`Role of ${email}`}
          aria-describedby={isLastAdmin ? `${userId}-last-admin` : undefined}
          value={selected}
          onChange={(event) => setSelected(event.target.value as Role)}
          disabled={isLastAdmin || isPending}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm disabled:bg-slate-50 disabled:text-slate-500"
        >
          <option value="admin">admin</option>
          <option value="viewer">viewer</option>
        </select>
        {isChanged && (
          <>
            <button
              type="submit"
              disabled={isPending}
              className="rounded-md bg-slate-900 px-2 py-1 text-xs font-medium text-white hover:bg-slate-700 disabled:opacity-60"
            >
              {isPending ? "Saving…" : "Save role"}
            </button>
            <button
              type="button"
              onClick={() => setSelected(role)}
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100"
            >
              Cancel
            </button>
          </>
        )}
      </div>
      {isLastAdmin && (
        <p id={`${userId}-last-admin`} className="text-xs text-slate-500">
          The only admin
        </p>
      )}
      {isChanged && isSelf && selected === "viewer" && <p className="text-xs text-amber-700">You lose admin access as soon as you save.</p>}
      {state.message && !isChanged && (
        <p role={state.status === "error" ? "alert" : "status"} className={state.status === "error" ? "text-xs text-red-700" : "text-xs text-slate-600"}>
          {state.message}
        </p>
      )}
    </form>
  );
}
