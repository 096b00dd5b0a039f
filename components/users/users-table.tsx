import { removeUserAction, unlockUserAction } from "@/app/(dashboard)/users/actions.ts";
import type { UserSummary } from "@/lib/users/list-users.ts";
import { ConfirmAction } from "./confirm-action.tsx";
import { DateTime } from "./date-time.tsx";
import { RoleForm } from "./role-form.tsx";
import { CELL, HEAD_CELL, MOBILE_LABEL, ROW, TABLE, TABLE_FRAME, TBODY, THEAD } from "./table-classes.ts";

export function UsersTable({ users, currentUserId }: { users: UserSummary[]; currentUserId: string }) {
  const adminCount = users.filter((user) => user.role === "admin").length;
  return (
    <div className={TABLE_FRAME}>
      <table className={TABLE} aria-label="Users">
        <thead className={THEAD}>
          <tr>
            <th scope="col" className={HEAD_CELL}>
              Email
            </th>
            <th scope="col" className={HEAD_CELL}>
              Role
            </th>
            <th scope="col" className={HEAD_CELL}>
              Added
            </th>
            <th scope="col" className={HEAD_CELL}>
              Last sign-in
            </th>
            <th scope="col" className={HEAD_CELL}>
              Signed in now
            </th>
            <th scope="col" className={HEAD_CELL}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className={TBODY}>
          {users.map((user) => {
            const isSelf = user.id === currentUserId;
            const isLastAdmin = user.role === "admin" && adminCount <= 1;
            return (
              <tr key={user.id} className={ROW}>
                <th scope="row" className={`${CELL} max-sm:col-span-2 text-left font-medium max-sm:break-all sm:whitespace-nowrap`}>
                  {user.email}
                  {isSelf && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-600">you</span>}
                </th>
                <td className={`${CELL} max-sm:col-span-2`}>
                  <RoleForm userId={user.id} email={user.email} role={user.role} isSelf={isSelf} isLastAdmin={isLastAdmin} />
                </td>
                <td className={CELL}>
                  <span className={MOBILE_LABEL} aria-hidden>
                    Added
                  </span>
                  <DateTime value={user.createdAt} />
                </td>
                <td className={CELL}>
                  <span className={MOBILE_LABEL} aria-hidden>
                    Last sign-in
                  </span>
                  <DateTime value={user.lastSignInAt} fallback="never" />
                </td>
                <td className={CELL}>
                  <span className={MOBILE_LABEL} aria-hidden>
                    Signed in now
                  </span>
                  {user.activeSessions === 0 ? (
                    <span className="text-slate-400">no</span>
                  ) : user.activeSessions === 1 ? (
                    "1 session"
                  ) : (
                    `${user.activeSessions} sessions`
                  )}
                </td>
                <td className={`${CELL} max-sm:col-span-2 space-y-2 sm:text-right`}>
                  {user.recentSignInFailures > 0 && (
                    <ConfirmAction
                      action={unlockUserAction}
                      fields={{ email: user.email }}
                      label={`Unlock (${user.recentSignInFailures} failed)`}
                      accessibleLabel={`Unlock sign-in for ${user.email}`}
                      question={`Forget ${user.email}'s ${user.recentSignInFailures} failed sign-ins, lifting any lock?`}
                      confirmLabel="Unlock"
                    />
                  )}
                  <ConfirmAction
                    action={removeUserAction}
                    fields={{ userId: user.id }}
                    label="Remove"
                    accessibleLabel={`Remove ${user.email}`}
                    question={`Remove ${user.email}? They are signed out everywhere at once.`}
                    confirmLabel="Remove user"
                    isDisabled={isSelf || isLastAdmin}
                    disabledReason={isSelf ? "This is you" : "Only admin"}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
