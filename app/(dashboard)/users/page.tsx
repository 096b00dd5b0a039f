import type { Metadata } from "next";
import { AddUserForm } from "@/components/users/add-user-form.tsx";
import { UsersTable } from "@/components/users/users-table.tsx";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";
import { listUsers } from "@/lib/users/list-users.ts";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const operator = await requirePageOperator("/users", "admin");
  const users = await listUsers();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-lg font-semibold">Users</h1>
        <p className="mt-1 text-sm text-slate-500">
          People who can sign in. A role change applies to their open sessions at once; removing someone signs them out everywhere. There is always at least one
          admin.
        </p>
      </div>
      <section aria-labelledby="add-user-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="add-user-heading" className="text-sm font-semibold">
          Add a user
        </h2>
        <AddUserForm />
      </section>
      <section aria-labelledby="users-heading" className="space-y-2">
        <h2 id="users-heading" className="text-sm font-semibold">
          {users.length === 1 ? "1 user" : `${users.length} users`}
        </h2>
        <UsersTable users={users} currentUserId={operator.id} />
      </section>
    </div>
  );
}
