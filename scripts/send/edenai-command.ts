import { createPrivateKey, randomUUID, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { InvalidJsonError, parseJsonPreservingOrder, type CanonicalForm } from "../../lib/signatures/edenai-canonical.ts";
import { EDENAI_FORMS, signEdenaiDelivery } from "../../lib/senders/sign-edenai.ts";
import { collectImages, InputError } from "./collect-images.ts";
import { makeSampleJobResult, type SampleImage } from "./edenai-samples.ts";
import { DELIVERY_OPTIONS, makeBatchId, readDeliveryFlags, requiredString, UsageError } from "./options.ts";
import { runDeliveries } from "./run-deliveries.ts";

// `send edenai`: JSON job results signed with an RSA private key, as Eden AI signs them. The
// key is the operator's own (`send keygen`): Eden AI's is not public, so a source under test
// trusts the matching public key besides Eden AI's published one.

const PLACEHOLDERS = /\{(n|batch|uuid)\}/g;

export async function sendEdenai(args: string[]): Promise<boolean> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { ...DELIVERY_OPTIONS, "key-file": { type: "string" }, "payload-file": { type: "string" }, image: { type: "string" }, form: { type: "string" } },
  });
  const delivery = readDeliveryFlags(values);
  const form = (values.form ?? "sorted-utf8") as CanonicalForm;
  if (!EDENAI_FORMS.includes(form)) throw new UsageError(`--form must be one of ${EDENAI_FORMS.join(", ")}`);
  if (values["payload-file"] && values.image) throw new UsageError("give --payload-file or --image, not both");

  const privateKey = await readPrivateKey(requiredString(values, "key-file"));
  const batch = makeBatchId();
  const payloadFor = values["payload-file"] ? await loadPayloadTemplate(values["payload-file"], batch, delivery.count ?? 1) : await loadSamples(values.image);
  // Sign the first one now: a payload the chosen form cannot carry fails before anything is sent.
  signEdenaiDelivery({ payloadText: payloadFor(1), form, privateKey });
  const count = delivery.count ?? 1;
  console.error(`sending ${count} Eden AI deliver${count === 1 ? "y" : "ies"} signed over the ${form} form, batch ${batch}`);

  return runDeliveries({
    url: delivery.url,
    count,
    concurrency: delivery.concurrency,
    timeoutMs: delivery.timeoutMs,
    dumpDir: delivery.dumpDir,
    expectedStatus: delivery.isTampered ? 401 : "2xx",
    async prepare(n) {
      const request = signEdenaiDelivery({ payloadText: payloadFor(n), form, privateKey, isTampered: delivery.isTampered });
      return { label: `job ${n}`, request };
    },
  });
}

async function readPrivateKey(file: string): Promise<KeyObject> {
  const pem = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read --key-file ${file}: ${error.code ?? error.message}`);
  });
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) {
    throw new InputError(`${file} holds a public key; --key-file needs the private key that signs (the source trusts the public one)`);
  }
  if (!/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    throw new InputError(`${file} is not a PEM private key; make one with: npm run send -- keygen --out ${file}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw new InputError(`${file} could not be read as a private key (an encrypted key is not supported: ${(cause as Error).message})`);
  }
  if (key.asymmetricKeyType !== "rsa") throw new InputError(`${file} is a ${key.asymmetricKeyType} key; Eden AI signs with RSA`);
  return key;
}

async function loadSamples(imageFile: string | undefined): Promise<(n: number) => string> {
  let image: SampleImage | undefined;
  if (imageFile) {
    const [found] = (await collectImages([imageFile])).images;
    image = { bytes: await readFile(found.path) };
  }
  return (n) => makeSampleJobResult(n, image);
}

/** The file's text with {n}, {batch} and {uuid} filled in per delivery; checked to be JSON now. */
async function loadPayloadTemplate(file: string, batch: string, count: number): Promise<(n: number) => string> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read --payload-file ${file}: ${error.code ?? error.message}`);
  });
  const fill = (n: number) => text.replace(PLACEHOLDERS, (_match, name: string) => (name === "n" ? String(n) : name === "batch" ? batch : randomUUID()));
  try {
    parseJsonPreservingOrder(fill(1));
  } catch (error) {
    if (error instanceof InvalidJsonError) throw new InputError(`--payload-file ${file}: ${error.message}`);
    throw error;
  }
  if (count > 1 && !/\{(n|uuid)\}/.test(text)) {
    console.error(
      `warning: every delivery carries the same payload; the receiver answers repeats of a job_id with the first delivery's id (use {uuid} or {n} in ${file})`,
    );
  }
  return fill;
}
