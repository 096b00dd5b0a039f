// A Content-Disposition header naming an image as its sender did, safely: the sender's file
// name is untrusted text, so the plain `filename` keeps only printable ASCII without quotes,
// backslashes or path separators, `filename*` carries the full name percent-encoded (RFC 6266,
// RFC 8187), and a name that is empty after that falls back to the image's hash.

export function contentDisposition(type: "inline" | "attachment", senderName: string | null, image: { sha256: string; mime_type: string }): string {
  const extension = image.mime_type === "image/png" ? "png" : "jpg";
  const fallback = `${image.sha256.slice(0, 16)}.${extension}`;
  const base = (senderName ?? "")
    .split(/[/\\]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .slice(0, 200);
  if (!base || base === "." || base === "..") return `${type}; filename="${fallback}"`;
  const ascii = base.replace(/[^\x20-\x7e]/g, "_").replace(/["\\;%]/g, "_");
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(base).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
