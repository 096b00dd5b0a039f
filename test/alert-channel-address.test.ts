import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertInputError } from "@/lib/alerts/alert-errors.ts";
import { generateSigningSecret } from "@/lib/alerts/channels/channel-config.ts";
import { createChannel } from "@/lib/alerts/channels/create-channel.ts";
import { sendTestAlert } from "@/lib/alerts/send-test-alert.ts";
import { useDatabaseUrl } from "@/lib/config.ts";
import { getEncryptionKey } from "@/lib/crypto/encryption-key.ts";
import { encryptSecret } from "@/lib/crypto/secret-box.ts";
import { closeDatabase, getPrisma } from "@/lib/db.ts";
import { startHttpReceiver } from "./helpers/alert-receivers.ts";
import { startTestDatabase, type TestDatabase } from "./helpers/test-database.ts";

// Slack and webhook channel URLs follow forwarding's address policy: link-local and cloud
// metadata addresses are refused always, loopback and private ones unless
// ALLOW_PRIVATE_DESTINATIONS is on; when the channel is added and again when it sends (a name
// can come to resolve elsewhere). No app server: the library, on a real PostgreSQL, sending to a
// real HTTP receiver on loopback. No request ever goes to a refused address.

const ACTOR = { kind: "system", name: "address test" } as const;
let db: TestDatabase;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;

function configure(allowPrivate: boolean) {
  process.env.ALLOW_PRIVATE_DESTINATIONS = allowPrivate ? "1" : "0";
  useDatabaseUrl(db.url); // and forget the configuration read so far
}

beforeAll(async () => {
  db = await startTestDatabase();
  process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
  receiver = await startHttpReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await closeDatabase();
  await db?.destroy();
});

describe("alert channel URLs", () => {
  it("refuse link-local and metadata addresses when the channel is added, even with private addresses allowed", async () => {
    configure(true);
    const refused = [
      { kind: "slack", url: "http://169.254.169.254/latest/meta-data/" },
      { kind: "slack", url: "http://[fe80::1]/hook" },
      { kind: "webhook", url: "http://metadata.google.internal/computeMetadata/v1/", secret: generateSigningSecret() },
    ] as const;
    for (const config of refused) {
      const attempt = createChannel({ actor: ACTOR, name: `refused ${config.url}`, config });
      await expect(attempt, config.url).rejects.toThrow(AlertInputError);
      await expect(attempt, config.url).rejects.toThrow(/link-local|metadata/);
    }
    expect(await getPrisma().alertChannel.count()).toBe(0);
  });

  it("refuse loopback unless ALLOW_PRIVATE_DESTINATIONS is on, at creation", async () => {
    configure(false);
    await expect(createChannel({ actor: ACTOR, name: "local chat", config: { kind: "slack", url: receiver.url } })).rejects.toThrow(
      /loopback or private address \(set ALLOW_PRIVATE_DESTINATIONS=1/,
    );
    configure(true);
    const channel = await createChannel({ actor: ACTOR, name: "local chat", config: { kind: "slack", url: receiver.url } });
    expect((await sendTestAlert({ actor: ACTOR, channelId: channel.id })).status).toBe("sent");
    expect(receiver.requests).toHaveLength(1);
  });

  it("refuse at send time too: a stored channel whose address is no longer allowed sends nothing", async () => {
    // As if the channel had been added where private addresses were allowed, or its name had
    // resolved elsewhere then: stored directly, past the creation check.
    configure(false);
    const id = randomUUID();
    const config = { kind: "webhook", url: receiver.url, secret: generateSigningSecret() };
    await getPrisma().alertChannel.create({
      data: {
        id,
        name: "moved pager",
        kind: "webhook",
        summary: "POST to 127.0.0.1",
        configCiphertext: new Uint8Array(encryptSecret(Buffer.from(JSON.stringify(config)), await getEncryptionKey(), id)),
      },
    });
    const before = receiver.requests.length;
    const outcome = await sendTestAlert({ actor: ACTOR, channelId: id });
    expect(outcome.status).not.toBe("sent");
    expect(outcome.lastError).toMatch(/127\.0\.0\.1 is a loopback or private address/);
    expect(receiver.requests).toHaveLength(before);
  });
});
