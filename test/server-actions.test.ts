import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDestination } from "@/lib/forwarding/create-destination.ts";
import { createApiToken } from "@/lib/auth/api-tokens.ts";
import { createSession } from "@/lib/auth/sessions.ts";
import { getPool, getPrisma } from "@/lib/db.ts";
import { createChannel } from "@/lib/alerts/channels/create-channel.ts";
import { createRule } from "@/lib/alerts/rules/create-rule.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { maskitBody } from "@/lib/senders/multipart-body.ts";
import { createUser } from "@/lib/users/create-user.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
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
  "app/(dashboard)/users/actions.ts#unlockUserAction",
  "app/(dashboard)/tokens/actions.ts#createTokenAction",
  "app/(dashboard)/tokens/actions.ts#revokeTokenAction",
  ...[
    "createSourceAction",
    "renameSourceAction",
    "setSourceEnabledAction",
    "deleteSourceAction",
    "addSecretAction",
    "rotateSecretAction",
    "revokeCredentialAction",
    "addPublicKeyAction",
  ].map((name) => `app/(dashboard)/sources/actions.ts#${name}`),
  ...["reverifyDeliveryAction", "deleteQuarantinedDeliveryAction", "deleteQuarantinedDeliveriesAction"].map(
    (name) => `app/(dashboard)/deliveries/actions.ts#${name}`,
  ),
  ...["replayDeliveryAction", "replayFilteredAction"].map((name) => `app/(dashboard)/deliveries/replay-actions.ts#${name}`),
  "app/(dashboard)/overview/actions.ts#setSilenceAlertAction",
  "app/(dashboard)/settings/actions.ts#saveRetentionAction",
  "app/(dashboard)/settings/actions.ts#saveQuarantineQuotaAction",
  ...["addChannelAction", "removeChannelAction", "sendTestAlertAction", "addRuleAction", "removeRuleAction"].map(
    (name) => `app/(dashboard)/alerts/actions.ts#${name}`,
  ),
  ...["addDestinationAction", "setDestinationEnabledAction", "removeDestinationAction"].map((name) => `app/(dashboard)/sources/destination-actions.ts#${name}`),
]);

const AUTH_ACTIONS = new Set(["signIn", "signOut", "createFirstAdmin"]);
let env: TestEnvironment;
let cookies: { admin: string; viewer: string };
let fields: Record<string, string>;

beforeAll(async () => {
  env = await startTestEnvironment({ ALLOW_PRIVATE_DESTINATIONS: "1" });
  const admin = await createUser({ email: "actions@example.com", role: "admin", password: "a long enough password" });
  const viewer = await createUser({ email: "viewer@example.com", role: "viewer", password: "a long enough password" });
  cookies = {
    admin: `webhook_inbox_session=${(await createSession(admin.id)).token}`,
    viewer: `webhook_inbox_session=${(await createSession(viewer.id)).token}`,
  };
  const source = await createSource({ kind: "maskit", slug: "target-camera", secret: Buffer.from("whsec_a-secret-for-the-target-0001") });
  const token = await createApiToken({ name: "target token", role: "viewer" });
  const system = { kind: "system", name: "test" } as const;
  const channel = await createChannel({ actor: system, name: "target channel", config: { kind: "slack", url: "http://127.0.0.1:9/hook" } });
  const rule = await createRule({ actor: system, kind: "failure_rate", sourceSlug: "target-camera" });
  const { destination } = await createDestination({ source: "target-camera", url: "http://127.0.0.1:9/target", actor: { kind: "system", name: "test" } });
  // A failed delivery with its quarantined body, for the inspector's re-verify and delete actions.
  const { body, contentType } = maskitBody(await makeJpeg(64, 48), "target delivery");
  const failed = await env.post("target-camera", body, { "content-type": contentType, "x-signature": "0".repeat(64) });
  const deliveryId = ((await failed.json()) as { id: string }).id;
  // Every field any admin form sends, filled with real ids, so that an action that forgot its
  // role check would have what it needs to change something.
  const id = source.id;
  fields = {
    id,
    sourceId: id,
    credentialId: source.credentials[0].id,
    userId: viewer.id,
    tokenId: token.record.id,
    slug: "target-camera",
    confirmSlug: "target-camera",
    confirmation: "target-camera",
    name: "Renamed by a viewer",
    label: "viewer label",
    kind: "maskit",
    role: "admin",
    email: "made-by-viewer@example.com",
    password: "a long enough password",
    confirm: "a long enough password",
    repeat: "a long enough password",
    passwordRepeat: "a long enough password",
    enabled: "false",
    generateSecret: "on",
    secret: "whsec_pasted-by-a-viewer-000000000",
    pastedSecret: "whsec_pasted-by-a-viewer-000000000",
    preset: "24h",
    oldExpiresIn: "24h",
    expiry: "30d",
    expiresIn: "30d",
    pem: "-----BEGIN PUBLIC KEY-----",
    deliveryId,
    source: "target-camera",
    status: "failed",
    expectedCount: "1",
    countedAt: new Date(Date.now() + 60_000).toISOString(),
    channelId: channel.id,
    ruleId: rule.id,
    channelKind: "slack",
    url: "http://127.0.0.1:9/viewer-hook",
    addresses: "viewer@example.com",
    ruleKind: "silence",
    ruleSource: "",
    silenceMinutes: "5",
    percent: "1",
    minDeliveries: "1",
    windowMinutes: "1",
    silenceUnit: "minutes",
    silenceAmount: "5",
    destinationId: destination.id,
    quarantineMode: "days",
    quarantineDays: "1",
    imageMode: "days",
    imageDays: "1",
    quotaMib: "1",
  };
});

afterAll(async () => {
  await env?.close();
});

describe("server actions", () => {
  it("are exactly the reviewed ones", () => {
    const exposed = listServerActions().map((action) => `${action.file}#${action.name}`);
    expect(
      exposed.filter((name) => !REVIEWED_ACTIONS.has(name)),
      "server actions nobody has reviewed",
    ).toEqual([]);
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

describe("admin mutations", () => {
  const adminActions = () => listServerActions().filter((action) => !AUTH_ACTIONS.has(action.name));

  it("refuse a viewer, each with the reason, and change nothing", async () => {
    expect(adminActions().length).toBeGreaterThan(10);
    const before = await databaseFingerprint();
    for (const action of adminActions()) {
      const response = await callServerAction({
        baseUrl: env.app.baseUrl,
        pagePath: "/sources",
        actionId: action.id,
        fields,
        headers: { cookie: cookies.viewer },
      });
      expect(await response.text(), `${action.file}#${action.name}`).toMatch(/admin role/i);
    }
    expect(await databaseFingerprint()).toEqual(before);
  });

  it("are carried out for an admin with the same calls (so the check above is not vacuous)", async () => {
    const before = await databaseFingerprint();
    const response = await callServerAction({
      baseUrl: env.app.baseUrl,
      pagePath: "/sources",
      actionId: adminActions().find((action) => action.name === "renameSourceAction")!.id,
      fields,
      headers: { cookie: cookies.admin },
    });
    expect(await response.text()).not.toMatch(/admin role/i);
    expect(await getPrisma().source.findUniqueOrThrow({ where: { slug: "target-camera" }, select: { name: true } })).toEqual({ name: "Renamed by a viewer" });
    expect(await databaseFingerprint()).not.toEqual(before);
  });
});

/** Everything an admin can change, in one comparable value; sign-in bookkeeping left out. */
async function databaseFingerprint(): Promise<string> {
  const { rows } = await getPool().query<{ fingerprint: string }>(`
    SELECT md5(concat_ws('|',
      (SELECT string_agg(concat_ws(',', id, slug, name, kind, enabled, silence_alert_minutes), ';' ORDER BY id) FROM sources),
      (SELECT string_agg(concat_ws(',', key, value::text), ';' ORDER BY key) FROM settings),
      (SELECT string_agg(concat_ws(',', id, label, expires_at, revoked_at), ';' ORDER BY id) FROM credentials),
      (SELECT string_agg(concat_ws(',', id, email, role), ';' ORDER BY id) FROM users),
      (SELECT string_agg(concat_ws(',', id, revoked_at, expires_at), ';' ORDER BY id) FROM api_tokens),
      (SELECT string_agg(concat_ws(',', id, status), ';' ORDER BY id) FROM deliveries),
      (SELECT count(*) FROM blobs),
      (SELECT string_agg(concat_ws(',', id, name, summary), ';' ORDER BY id) FROM alert_channels),
      (SELECT string_agg(concat_ws(',', id, kind, source_id, params::text), ';' ORDER BY id) FROM alert_rules),
      (SELECT count(*) FROM alert_notifications),
      (SELECT string_agg(concat_ws(',', id, name, url, enabled), ';' ORDER BY id) FROM destinations),
      (SELECT count(*) FROM audit_events WHERE action NOT LIKE 'auth.%'))) AS fingerprint`);
  return rows[0].fingerprint;
}

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
