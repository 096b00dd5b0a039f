// Builds multipart/form-data bodies byte by byte, as a sender on the wire would, so that tests
// control every byte the signature covers (FormData would choose its own boundary and layout).

export type Part =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; data: Buffer };

export function buildMultipart(parts: Part[], boundary = "----webhook-inbox-test-7MA4YWxkTrZu0gW"): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = "filename" in part ? `form-data; name="${part.name}"; filename="${part.filename}"` : `form-data; name="${part.name}"`;
    const head = [`--${boundary}`, `Content-Disposition: ${disposition}`];
    if ("filename" in part) head.push(`Content-Type: ${part.contentType}`);
    chunks.push(Buffer.from(head.join("\r\n") + "\r\n\r\n"));
    chunks.push("filename" in part ? part.data : Buffer.from(part.value, "utf8"));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The usual MaskIt delivery: a metadata part and one maskedImage file part. */
export function maskitBody(image: Buffer, metadata = "batch-1/frame-1", options: { filename?: string; contentType?: string; field?: string } = {}) {
  return buildMultipart([
    { name: "metadata", value: metadata },
    { name: options.field ?? "maskedImage", filename: options.filename ?? "masked.jpg", contentType: options.contentType ?? "image/jpeg", data: image },
  ]);
}
