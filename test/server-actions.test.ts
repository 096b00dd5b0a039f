import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "@/lib/users/create-user.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { callServerAction, listServerActions } from "./helpers/server-actions.ts";

// Every function a "use server" file exports is a public endpoint. This pins the list: a new
// export (say, a helper that signs a browser in) fails here until someone has looked at it.
// And actions refuse calls from another site: Next compares Origin with Host.

const REVIEWED_ACTIONS = new Set([
  "app/sign-in/actions.ts#signIn",
  "app/sign-in/actions.ts#signOut",
  "app/setup/actions.ts#createFirstAdmin",
  "app/(dashboard)/users/actions.ts#addUserAction",
  "app/(dashboard)/users/actions.ts#changeRoleAction",
  "app/(dashboard)/users/actions.ts#removeUserAction",
  "app/(dashboard)/tokens/actions.ts#createTokenAction",
  "app/(dashboard)/tokens/actions.ts#revokeTokenAction",
  ...["createSourceAction", "renameSourceAction", "setSourceEnabledAction", "deleteSourceAction", "addSecretAction", "rotateSecretAction", "revokeCredentialAction", "addPublicKeyAction"].map(
    (name) => `app/(dashboard)/sources/actions.ts#${name}`,
  ),
]);

let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment();
  await createUser({ email: "actions@example.com", role: "admin", password: "a long enough password" });
});

afterAll(async () => {
  await env?.close();
});

describe("server actions", () => {
  it("are exactly the reviewed ones", () => {
    const exposed = listServerActions().map((action) => `${action.file}#${action.name}`);
    expect(exposed.filter((name) => !REVIEWED_ACTIONS.has(name)), "server actions nobody has reviewed").toEqual([]);
    expect(exposed).toContain("app/sign-in/actions.ts#signIn");
  });

  it("sign someone in when called from the app's own origin", async () => {
    const response = await signInCall({});
    expect(response.headers.get("set-cookie")).toContain("webhook_inbox_session=");
  });

  it("refuse a call from another site", async () => {
    const response = await signInCall({ origin: "https://evil.example" });
    expect(response.headers.get("set-cookie") ?? "").not.toContain("webhook_inbox_session=");
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});

function signInCall(headers: Record<string, string>) {
  const signIn = listServerActions().find((action) => action.name === "signIn")!;
  return callServerAction({
    baseUrl: env.app.baseUrl,
    pagePath: "/sign-in",
    actionId: signIn.id,
    fields: { email: "actions@example.com", password: "a long enough password", next: "/gallery" },
    previousState: { error: null, email: "" },
    headers,
  });
}
