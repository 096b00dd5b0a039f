import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { listAuditEvents } from "@/lib/audit/list-audit-events.ts";
import { createApiToken, type Operator } from "@/lib/auth/api-tokens.ts";
import { listApiTokens } from "@/lib/auth/list-api-tokens.ts";
import { ApiTokenAlreadyRevokedError, ApiTokenNotFoundError, revokeApiToken } from "@/lib/auth/revoke-api-token.ts";
import { createSession, findSessionOperator, SESSION_COOKIE } from "@/lib/auth/sessions.ts";
import { getPrisma } from "@/lib/db.ts";
import { addUser } from "@/lib/users/add-user.ts";
import { changeUserRole } from "@/lib/users/change-user-role.ts";
import { UserExistsError } from "@/lib/users/create-user.ts";
import { listUsers } from "@/lib/users/list-users.ts";
import { LastAdminError, removeUser, SelfRemovalError } from "@/lib/users/remove-user.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";

// Users, API tokens and the audit log, against the built app on a real PostgreSQL: the last
// admin is protected in the database transaction, removals and revocations take effect on the
// next request, and every change leaves an audit entry that names no secret.

let env: TestEnvironment;
// Everything secret this file types or receives; none of it may appear in the audit log.
const secrets: string[] = [];
const setup: Operator = { kind: "token", id: "00000000-0000-4000-8000-000000000001", name: "test setup", role: "admin" };

beforeAll(async () => {
  env = await startTestEnvironment();
});

afterAll(async () => {
  await env?.close();
});

const asOperator = (user: { id: string; email: string; role: "admin" | "viewer" }): Operator => ({
  kind: "user",
  id: user.id,
  name: user.email,
  role: user.role,
});
const password = (label: string) => {
  const value = `pw-${label}-${Math.random().toString(36).slice(2)}-long-enough`;
  secrets.push(value);
  return value;
};
const listDeliveries = (token: string) => fetch(`${env.app.baseUrl}/api/deliveries`, { headers: { authorization: `Bearer ${token}` } });
const adminCount = () => getPrisma().user.count({ where: { role: "admin" } });

describe("users", () => {
  it("never removes or demotes the last admin, and can once there is a second one", async () => {
    const first = await addUser({ email: "First.Admin@example.com", role: "admin", password: password("first"), actor: setup });
    expect(first.email).toBe("first.admin@example.com");
    await expect(removeUser({ userId: first.id, actor: setup })).rejects.toBeInstanceOf(LastAdminError);
    await expect(changeUserRole({ userId: first.id, role: "viewer", actor: asOperator(first) })).rejects.toBeInstanceOf(LastAdminError);
    expect(await adminCount()).toBe(1);

    const second = await addUser({ email: "second.admin@example.com", role: "admin", password: password("second"), actor: asOperator(first) });
    // Demoting oneself is allowed while another admin remains; then the other is the last one.
    await expect(changeUserRole({ userId: first.id, role: "viewer", actor: asOperator(first) })).resolves.toMatchObject({
      role: "viewer",
      previousRole: "admin",
      isChanged: true,
    });
    await expect(removeUser({ userId: second.id, actor: asOperator(first) })).rejects.toBeInstanceOf(LastAdminError);
    await expect(changeUserRole({ userId: second.id, role: "viewer", actor: asOperator(second) })).rejects.toBeInstanceOf(LastAdminError);

    await changeUserRole({ userId: first.id, role: "admin", actor: asOperator(second) });
    await expect(removeUser({ userId: second.id, actor: asOperator(first) })).resolves.toMatchObject({ email: "second.admin@example.com" });
    expect(await adminCount()).toBe(1);
  });

  it("lets only one of two admins demoting each other at the same moment succeed", async () => {
    const a = await addUser({ email: "race-a@example.com", role: "admin", password: password("race-a"), actor: setup });
    const b = await addUser({ email: "race-b@example.com", role: "admin", password: password("race-b"), actor: setup });
    // Leave these two as the only admins.
    const others = await getPrisma().user.findMany({ where: { role: "admin", id: { notIn: [a.id, b.id] } }, select: { id: true } });
    for (const other of others) await changeUserRole({ userId: other.id, role: "viewer", actor: setup });
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled([
        changeUserRole({ userId: a.id, role: "viewer", actor: asOperator(b) }),
        changeUserRole({ userId: b.id, role: "viewer", actor: asOperator(a) }),
      ]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      expect(results.find((result) => result.status === "rejected")?.reason).toBeInstanceOf(LastAdminError);
      expect(await adminCount()).toBe(1);
      await changeUserRole({ userId: a.id, role: "admin", actor: setup });
      await changeUserRole({ userId: b.id, role: "admin", actor: setup });
    }
    await Promise.all(
      [removeUser({ userId: a.id, actor: setup }), removeUser({ userId: b.id, actor: setup })].map((removal) => removal.catch((error) => error)),
    );
    expect(await adminCount()).toBe(1);
    for (const other of others) await changeUserRole({ userId: other.id, role: "admin", actor: setup });
  });

  it("refuses a second user with the same email, and an admin removing themself", async () => {
    const admin = await addUser({ email: "self@example.com", role: "admin", password: password("self"), actor: setup });
    await expect(addUser({ email: "SELF@example.com", role: "viewer", password: password("dup"), actor: setup })).rejects.toBeInstanceOf(UserExistsError);
    await expect(removeUser({ userId: admin.id, actor: asOperator(admin) })).rejects.toBeInstanceOf(SelfRemovalError);
    await expect(addUser({ email: "short@example.com", role: "viewer", password: "too short", actor: setup })).rejects.toBeInstanceOf(ZodError);
  });

  it("ends a removed user's sessions at once", async () => {
    const viewer = await addUser({ email: "leaving@example.com", role: "viewer", password: password("leaving"), actor: setup });
    const sessions = [await createSession(viewer.id), await createSession(viewer.id)];
    secrets.push(...sessions.map((session) => session.token));
    const withCookie = (token: string) => fetch(`${env.app.baseUrl}/api/deliveries`, { headers: { cookie: `${SESSION_COOKIE}=${token}` } });
    expect((await withCookie(sessions[0].token)).status).toBe(200);
    expect((await listUsers()).find((user) => user.id === viewer.id)).toMatchObject({ activeSessions: 2, lastSignInAt: expect.any(Date) });

    const removed = await removeUser({ userId: viewer.id, actor: setup });
    expect(removed.sessionsEnded).toBe(2);
    expect(await getPrisma().session.count({ where: { userId: viewer.id } })).toBe(0);
    expect(await findSessionOperator(sessions[1].token)).toBeNull();
    expect((await withCookie(sessions[0].token)).status).toBe(401);
  });

  it("applies a role change to open sessions on their next request", async () => {
    const user = await addUser({ email: "promoted@example.com", role: "viewer", password: password("promoted"), actor: setup });
    const { token } = await createSession(user.id);
    secrets.push(token);
    expect(await findSessionOperator(token)).toMatchObject({ role: "viewer" });
    await changeUserRole({ userId: user.id, role: "admin", actor: setup });
    expect(await findSessionOperator(token)).toMatchObject({ role: "admin" });
    await changeUserRole({ userId: user.id, role: "viewer", actor: setup });
    expect(await findSessionOperator(token)).toMatchObject({ role: "viewer" });
  });
});

describe("API tokens", () => {
  it("refuses a revoked token with 401, and says so when revoked twice", async () => {
    const { token, record } = await createApiToken({ name: "reporting job", role: "viewer", actor: setup, ip: "203.0.113.9" });
    secrets.push(token);
    expect((await listDeliveries(token)).status).toBe(200);
    await revokeApiToken({ tokenId: record.id, actor: setup });
    expect((await listDeliveries(token)).status).toBe(401);
    await expect(revokeApiToken({ tokenId: record.id, actor: setup })).rejects.toBeInstanceOf(ApiTokenAlreadyRevokedError);
    await expect(revokeApiToken({ tokenId: "00000000-0000-4000-8000-00000000dead", actor: setup })).rejects.toBeInstanceOf(ApiTokenNotFoundError);
  });

  it("refuses an expired token with 401", async () => {
    const expired = await createApiToken({ name: "expired", role: "admin", expiresAt: new Date(Date.now() - 1000), actor: setup });
    const soon = await createApiToken({ name: "expires soon", role: "viewer", expiresAt: new Date(Date.now() + 1500), actor: setup });
    secrets.push(expired.token, soon.token);
    expect((await listDeliveries(expired.token)).status).toBe(401);
    expect((await listDeliveries(soon.token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await listDeliveries(soon.token)).status).toBe(401);
  });

  it("lists tokens with their status, prefix and use, never the token or its hash", async () => {
    const tokens = await listApiTokens();
    const byName = (name: string) => tokens.find((token) => token.name === name);
    expect(byName("reporting job")).toMatchObject({
      status: "revoked",
      role: "viewer",
      prefix: expect.stringMatching(/^whi_.{6}$/),
      lastUsedAt: expect.any(Date),
    });
    expect(byName("expired")).toMatchObject({ status: "expired", lastUsedAt: null });
    expect(byName("test admin")).toMatchObject({ status: "active", expiresAt: null });
    for (const token of tokens) expect(Object.keys(token)).not.toContain("tokenHash");
  });
});

describe("audit log", () => {
  it("records every user and token change with its actor, target and detail", async () => {
    const { items } = await listAuditEvents({ limit: 200 });
    const find = (action: string, targetName: string) => items.find((item) => item.action === action && item.targetName === targetName);
    expect(find("user.create", "first.admin@example.com")).toMatchObject({
      actorKind: "token",
      actorName: "test setup",
      targetType: "user",
      detail: { email: "first.admin@example.com", role: "admin" },
    });
    expect(find("user.create", "second.admin@example.com")).toMatchObject({ actorKind: "user", actorName: "first.admin@example.com" });
    expect(items.filter((item) => item.action === "user.role_change" && item.targetName === "first.admin@example.com")).toContainEqual(
      expect.objectContaining({ actorName: "first.admin@example.com", detail: { email: "first.admin@example.com", from: "admin", to: "viewer" } }),
    );
    expect(find("user.remove", "second.admin@example.com")).toMatchObject({ actorName: "first.admin@example.com", detail: { role: "admin" } });
    expect(find("user.remove", "leaving@example.com")).toMatchObject({ detail: { role: "viewer", sessionsEnded: 2 } });
    expect(find("token.create", "reporting job")).toMatchObject({
      targetType: "token",
      ip: "203.0.113.9",
      detail: { role: "viewer", prefix: expect.stringMatching(/^whi_/), expiresAt: null },
    });
    expect(find("token.create", "expires soon")).toMatchObject({ detail: { expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } });
    expect(find("token.revoke", "reporting job")).toMatchObject({ actorName: "test setup", detail: { name: "reporting job" } });
    // Refused changes leave no entry: the last-admin refusals above changed nothing.
    expect(items.filter((item) => item.action === "token.revoke" && item.targetName === "reporting job")).toHaveLength(1);
  });

  it("names no password, token or hash anywhere in the log", async () => {
    const rows = await getPrisma().auditEvent.findMany();
    const hashes = (await getPrisma().apiToken.findMany({ select: { tokenHash: true } })).map((token) => token.tokenHash);
    const text = JSON.stringify(rows);
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of [...secrets, ...hashes, env.adminToken]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/whi_[A-Za-z0-9_-]{20,}/);
    expect(text).not.toMatch(/\$argon2/);
  });

  it("filters by action prefix, actor and UTC day, and pages newest first", async () => {
    const prisma = getPrisma();
    const day = (iso: string) => new Date(iso);
    await prisma.auditEvent.createMany({
      data: [
        {
          at: day("2020-03-01T23:59:59.999Z"),
          actorKind: "user",
          actorName: "old.admin@example.com",
          action: "source.create",
          targetType: "source",
          targetName: "cam-1",
        },
        {
          at: day("2020-03-02T00:00:00.000Z"),
          actorKind: "user",
          actorName: "old.admin@example.com",
          action: "credential.rotate",
          targetType: "source",
          targetName: "cam-1",
        },
        { at: day("2020-03-02T12:00:00.000Z"), actorKind: "anonymous", actorName: "someone@example.com", action: "auth.sign_in_failed" },
        {
          at: day("2020-03-03T00:00:00.000Z"),
          actorKind: "user",
          actorName: "Other@Example.com",
          action: "source.disable",
          targetType: "source",
          targetName: "cam-1",
        },
      ],
    });
    const actions = async (query: Parameters<typeof listAuditEvents>[0]) => (await listAuditEvents(query)).items.map((item) => item.action);
    expect(await actions({ from: "2020-03-02", to: "2020-03-02" })).toEqual(["auth.sign_in_failed", "credential.rotate"]);
    expect(await actions({ action: "source.", to: "2020-12-31" })).toEqual(["source.disable", "source.create"]);
    expect(await actions({ actor: "OLD.admin", from: "2020-01-01", to: "2020-12-31" })).toEqual(["credential.rotate", "source.create"]);
    expect(await actions({ action: "source.", actor: "other@", from: "2020-03-01" })).toEqual(["source.disable"]);
    expect(await actions({ action: "token.", actor: "TEST SETUP" })).toEqual(["token.create", "token.create", "token.revoke", "token.create"]);
    // Empty parameters, as a GET form sends them, mean "any".
    expect((await listAuditEvents({ action: "", actor: "", from: "", to: "", cursor: "" })).items.length).toBe((await listAuditEvents({})).items.length);

    const everything = (await listAuditEvents({ limit: 200 })).items;
    expect(everything.map((item) => item.at.getTime())).toEqual([...everything.map((item) => item.at.getTime())].sort((a, b) => b - a));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents({ limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(everything.map((item) => item.id));
  });

  it("refuses a query it cannot use", async () => {
    await expect(listAuditEvents({ cursor: "garbage" })).rejects.toBeInstanceOf(ZodError);
    await expect(listAuditEvents({ from: "2020-03-05", to: "2020-03-01" })).rejects.toBeInstanceOf(ZodError);
    await expect(listAuditEvents({ from: "yesterday" })).rejects.toBeInstanceOf(ZodError);
    await expect(listAuditEvents({ action: "user'; drop" })).rejects.toBeInstanceOf(ZodError);
    await expect(listAuditEvents({ limit: 0 })).rejects.toBeInstanceOf(ZodError);
  });
});
