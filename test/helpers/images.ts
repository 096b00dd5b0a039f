import sharp from "sharp";

// Real JPEG and PNG files made from generated pixels: a smooth gradient with some noise, so
// that they compress like photographs rather than like a flat colour.

export async function makeJpeg(width = 1920, height = 1080, options: { quality?: number; noise?: number; seed?: number } = {}): Promise<Buffer> {
  return sharp(photoLikePixels(width, height, options.noise ?? 24, options.seed ?? 1), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: options.quality ?? 80 })
    .toBuffer();
}

export async function makePng(width = 64, height = 48): Promise<Buffer> {
  return sharp(photoLikePixels(width, height, 8, 2), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

function photoLikePixels(width: number, height: number, noise: number, seed: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let state = seed * 2654435761;
  const random = () => ((state = (state * 1103515245 + 12345) >>> 0) >>> 16) / 65536;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3;
      const wave = Math.sin(x / 97 + seed) * 40 + Math.cos(y / 53) * 40;
      pixels[offset] = clamp(60 + (x / width) * 150 + wave + (random() - 0.5) * noise);
      pixels[offset + 1] = clamp(90 + (y / height) * 120 - wave / 2 + (random() - 0.5) * noise);
      pixels[offset + 2] = clamp(140 + wave + (random() - 0.5) * noise);
    }
  }
  return pixels;
}

function clamp(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}
