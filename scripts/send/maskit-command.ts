import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { signMaskitDelivery } from "../../lib/senders/sign-maskit.ts";
import { readStdin } from "../cli/read-stdin.ts";
import { collectImages, InputError } from "./collect-images.ts";
import { DELIVERY_OPTIONS, makeBatchId, readDeliveryFlags, UsageError } from "./options.ts";
import { runDeliveries } from "./run-deliveries.ts";

// `send maskit`: one multipart delivery per image, as MaskIt posts them. The secret comes from
// standard input, never from the command line, where shell history and `ps` would keep it.

const DEFAULT_TEMPLATE = "{batch}/{n}/{file}";

export async function sendMaskit(args: string[]): Promise<boolean> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { ...DELIVERY_OPTIONS, "secret-stdin": { type: "boolean" }, "wrong-secret": { type: "boolean" }, metadata: { type: "string" } },
  });
  const delivery = readDeliveryFlags(values);
  const isWrongSecret = values["wrong-secret"] === true;
  if (positionals.length === 0) throw new UsageError("give the images to send: files, folders or quoted globs");
  if (!values["secret-stdin"] && !isWrongSecret)
    throw new UsageError("--secret-stdin is required: pipe the source's shared secret in (it is never taken from the command line)");

  // Everything that can be wrong with the input is found before the first delivery goes out.
  const { images, skipped } = await collectImages(positionals);
  if (skipped > 0) console.error(`skipped ${skipped} file(s) in folders that are not named .jpg, .jpeg or .png`);
  const secret = isWrongSecret ? randomBytes(32) : await readSecret();
  const template = values.metadata ?? DEFAULT_TEMPLATE;
  const batch = makeBatchId();
  const count = delivery.count ?? images.length;
  console.error(`sending ${count} MaskIt deliver${count === 1 ? "y" : "ies"} of ${images.length} image(s), batch ${batch}`);

  return runDeliveries({
    url: delivery.url,
    count,
    concurrency: delivery.concurrency,
    timeoutMs: delivery.timeoutMs,
    dumpDir: delivery.dumpDir,
    expectedStatus: delivery.isTampered || isWrongSecret ? 401 : "2xx",
    async prepare(n) {
      const image = images[(n - 1) % images.length];
      const metadata = fillTemplate(template, { file: image.name, n: String(n), batch });
      const bytes = await readFile(image.path);
      const request = signMaskitDelivery({ image: bytes, mimeType: image.mimeType, fileName: image.name, metadata, secret, isTampered: delivery.isTampered });
      return { label: image.name, request };
    },
  });
}

async function readSecret(): Promise<Buffer> {
  const text = await readStdin({ prompt: "Shared secret: ", isSecret: true });
  // Strip the newline that `echo` or a terminal adds, exactly as `npm run cli -- source add` does.
  const secret = text.replace(/\r?\n$/, "");
  if (secret === "")
    throw new InputError('no shared secret on standard input (pipe it in, e.g. `printf %s "$SECRET" | npm run send -- maskit --secret-stdin ...`)');
  return Buffer.from(secret, "utf8");
}

/** Only the three known placeholders are replaced: other braces are the operator's own text. */
function fillTemplate(template: string, values: Record<"file" | "n" | "batch", string>): string {
  return template.replace(/\{(file|n|batch)\}/g, (_match, name: keyof typeof values) => values[name]);
}
