import { Field } from "./field.tsx";
import { inputClass } from "./styles.ts";

// The signing options a new source of a lib/schemes kind takes, as `option.<name>` fields
// (lib/sources/scheme-options-form.ts reads them; the kind's scheme validates them). Empty
// fields take the scheme's defaults.

/** `values`: what was typed before a refused submit, given back because React resets the form after an action. */
export function SchemeOptionsFields({ kind, values = {} }: { kind: string; values?: Record<string, string> }) {
  if (kind === "standard-webhooks" || kind === "stripe") return <ToleranceField value={values.toleranceSeconds} />;
  if (kind !== "hmac") return null;
  return (
    <fieldset className="space-y-4 rounded-md border border-slate-200 p-4">
      <legend className="px-1 text-sm font-medium">Signature</legend>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Signature header" help="The header the sender puts its signature in.">
          {(control) => (
            <input
              {...control}
              name="option.header"
              defaultValue={values.header}
              required
              autoComplete="off"
              spellCheck={false}
              placeholder="X-Signature"
              className={`${inputClass} font-mono`}
            />
          )}
        </Field>
        <Field
          label="Prefix"
          isOptional
          help={
            <>
              Text before the digest, e.g. <span className="font-mono">sha256=</span>.
            </>
          }
        >
          {(control) => (
            <input
              {...control}
              name="option.prefix"
              defaultValue={values.prefix}
              autoComplete="off"
              spellCheck={false}
              placeholder="sha256="
              className={`${inputClass} font-mono`}
            />
          )}
        </Field>
        <Field label="Algorithm" help="SHA-1 is accepted for old senders, and reported as weak.">
          {(control) => (
            <select {...control} name="option.algorithm" defaultValue={values.algorithm ?? "sha256"} className={inputClass}>
              <option value="sha256">HMAC-SHA256</option>
              <option value="sha384">HMAC-SHA384</option>
              <option value="sha512">HMAC-SHA512</option>
              <option value="sha1">HMAC-SHA1 (weak)</option>
            </select>
          )}
        </Field>
        <Field label="Encoding">
          {(control) => (
            <select {...control} name="option.encoding" defaultValue={values.encoding ?? "hex"} className={inputClass}>
              <option value="hex">Hexadecimal</option>
              <option value="base64">Base64</option>
            </select>
          )}
        </Field>
        <Field label="Signed string">
          {(control) => (
            <select {...control} name="option.signedString" defaultValue={values.signedString ?? "body"} className={inputClass}>
              <option value="body">The raw body</option>
              <option value="timestamp.body">timestamp.body</option>
            </select>
          )}
        </Field>
        <Field label="Timestamp header" isOptional help="Required when the signed string is timestamp.body (Unix seconds).">
          {(control) => (
            <input
              {...control}
              name="option.timestampHeader"
              defaultValue={values.timestampHeader}
              autoComplete="off"
              spellCheck={false}
              placeholder="X-Timestamp"
              className={`${inputClass} font-mono`}
            />
          )}
        </Field>
      </div>
      <ToleranceField value={values.toleranceSeconds} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Deduplicate on a JSON field"
          isOptional
          help={
            <>
              A field of the payload that identifies a delivery, e.g. <span className="font-mono">data.id</span>.
            </>
          }
        >
          {(control) => (
            <input
              {...control}
              name="option.dedupeJsonField"
              defaultValue={values.dedupeJsonField}
              autoComplete="off"
              spellCheck={false}
              placeholder="id"
              className={`${inputClass} font-mono`}
            />
          )}
        </Field>
        <Field label="…or on a header" isOptional>
          {(control) => (
            <input
              {...control}
              name="option.dedupeHeader"
              defaultValue={values.dedupeHeader}
              autoComplete="off"
              spellCheck={false}
              placeholder="X-Request-Id"
              className={`${inputClass} font-mono`}
            />
          )}
        </Field>
      </div>
    </fieldset>
  );
}

function ToleranceField({ value }: { value?: string }) {
  return (
    <Field
      label="Timestamp tolerance (seconds)"
      isOptional
      help="Deliveries signed further from this server's clock are refused as possible replays. Default 300 (5 minutes)."
    >
      {(control) => (
        <input
          {...control}
          name="option.toleranceSeconds"
          defaultValue={value}
          type="number"
          min={1}
          max={86400}
          inputMode="numeric"
          placeholder="300"
          className={`${inputClass} max-w-40`}
        />
      )}
    </Field>
  );
}
