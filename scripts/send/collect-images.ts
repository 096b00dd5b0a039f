import { open, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { sniffImageType, type ImageMimeType } from "../../lib/ingest/image-type.ts";

// Turns the command line's files, folders and quoted globs into a list of images, checked by
// their first bytes before anything is sent: a run that would fail half-way on a stray text
// file fails at once instead, naming it. Node 20 has no fs.glob, and `*`, `?` and `**` are all
// an operator needs here, so there is no glob dependency.

export interface ImageFile {
  path: string;
  name: string;
  mimeType: ImageMimeType;
}

export class InputError extends Error {}

const IMAGE_EXTENSION = /\.(jpe?g|png)$/i;

export async function collectImages(inputs: string[]): Promise<{ images: ImageFile[]; skipped: number }> {
  const paths: string[] = [];
  let skipped = 0;
  for (const input of inputs) {
    if (/[*?]/.test(input)) {
      const matches = await expandGlob(input);
      if (matches.length === 0) throw new InputError(`no file matches ${input}`);
      paths.push(...matches);
      continue;
    }
    const info = await stat(input).catch(() => null);
    if (!info) throw new InputError(`no such file or folder: ${input}`);
    if (!info.isDirectory()) {
      paths.push(input);
      continue;
    }
    // In a folder only image names are taken: folders of photos often hold a README or .DS_Store.
    const files = await listFiles(input, true);
    const images = files.filter((file) => IMAGE_EXTENSION.test(file));
    if (images.length === 0) throw new InputError(`no .jpg, .jpeg or .png file in the folder ${input}`);
    skipped += files.length - images.length;
    paths.push(...images);
  }
  const images: ImageFile[] = [];
  for (const file of paths) images.push({ path: file, name: path.basename(file), mimeType: await sniffFile(file) });
  return { images, skipped };
}

async function sniffFile(file: string): Promise<ImageMimeType> {
  const handle = await open(file, "r").catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const mimeType = sniffImageType(head.subarray(0, bytesRead));
    if (!mimeType) throw new InputError(`${file} is not a JPEG or PNG (by its first bytes); nothing was sent`);
    return mimeType;
  } finally {
    await handle.close();
  }
}

/** `dir/*.jpg`, `shots/**\/*.png`, `frame-??.jpg`: wildcards match within a name, `**` across folders. */
async function expandGlob(pattern: string): Promise<string[]> {
  const segments = pattern.split(/[\\/]/);
  const firstWild = segments.findIndex((segment) => /[*?]/.test(segment));
  const base = segments.slice(0, firstWild).join("/") || (path.isAbsolute(pattern) ? "/" : ".");
  const rest = segments.slice(firstWild);
  const matcher = new RegExp(`^${globToRegex(rest)}$`);
  const isDeep = rest.length > 1;
  const files = await listFiles(base, isDeep).catch(() => []);
  return files.filter((file) => matcher.test(path.relative(base, file).split(path.sep).join("/")));
}

function globToRegex(segments: string[]): string {
  return segments
    .map((segment, index) => {
      const isLast = index === segments.length - 1;
      if (segment === "**") return isLast ? ".*" : "(?:[^/]+/)*";
      const name = segment
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, "[^/]*")
        .replace(/\?/g, "[^/]");
      return isLast ? name : `${name}/`;
    })
    .join("");
}

async function listFiles(dir: string, isRecursive: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: isRecursive });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => path.join(entry.parentPath ?? dir, entry.name))
    .sort();
}
