import { randomUUID } from "node:crypto";

// Sample job results shaped like Eden AI's current webhook payload:
// { job_id, status, provider, feature, subfeature, cost, output }. They carry non-ASCII text on
// purpose, so that the canonical forms differ (Python's json.dumps escapes it, orjson does not)
// and a receiver that picks the wrong one fails here rather than in production.

export interface SampleImage {
  bytes: Buffer;
}

/** Delivery `n` of a run: the samples in turn, or an image generation result when given an image. */
export function makeSampleJobResult(n: number, image?: SampleImage): string {
  const job = { job_id: randomUUID(), status: "success" };
  if (image) {
    return JSON.stringify({
      ...job,
      provider: "openai",
      feature: "image",
      subfeature: "generation",
      cost: 0.04,
      output: { items: [{ image: image.bytes.toString("base64") }] },
    });
  }
  return JSON.stringify({ ...job, ...SAMPLES[(n - 1) % SAMPLES.length](n) });
}

const SAMPLES: Array<(n: number) => Record<string, unknown>> = [
  (n) => ({
    provider: "amazon",
    feature: "ocr",
    subfeature: "ocr_async",
    cost: 0.0015,
    output: {
      raw_text: `Facture n° ${n} — café crème 3,50 €`,
      pages: [{ lines: [{ text: `Facture n° ${n} — café crème 3,50 €`, confidence: 0.98, bounding_box: { left: 0.1, top: 0.2, width: 0.55, height: 0.04 } }] }],
    },
  }),
  (n) => ({
    provider: "openai",
    feature: "audio",
    subfeature: "speech_to_text_async",
    cost: 0.006,
    output: {
      text: `Grüße aus München, Aufnahme ${n}.`,
      diarization: {
        total_speakers: 1,
        entries: [{ segment: `Grüße aus München, Aufnahme ${n}.`, speaker: 1, start_time: "0.0", end_time: "2.4", confidence: 0.91 }],
      },
    },
  }),
  (n) => ({
    provider: "google",
    feature: "video",
    subfeature: "label_detection_async",
    cost: 0.1,
    output: {
      labels: [
        { name: "Person", confidence: 0.93, timestamps: [{ start: 0, end: 4.5 }] },
        { name: `Scène ${n}`, confidence: 0.71, timestamps: [] },
      ],
    },
  }),
];
