// The receiver in MaskIt's own docs (seed 000, the Node example), as a user would run it:
// Express with express.raw up to 64 MB, HMAC over the whole buffered body, multer re-parsing
// it, the file written to disk with writeFileSync. Two changes, both so that it runs at all
// or runs safely on a benchmark machine: multer is handed the buffered body (express.raw has
// already consumed the request stream, so the docs' code would wait forever), and the
// sender's filename is reduced to its base name (the docs write it as given: a path traversal).
import { createHmac } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import express from "express";
import multer from "multer";

const secret = process.env.BENCH_SECRET ?? "";
const outputDir = process.env.OUTPUT_DIR ?? path.join(process.cwd(), "receivedimages");
const upload = multer();
const app = express();

app.use("/webhook", express.raw({ type: "*/*", limit: "64mb" }));
app.post("/webhook", (req, res) => {
  const signatureHeader = req.header("x-signature");
  if (!signatureHeader) return void res.status(401).send("missing signature");
  const computed = createHmac("sha256", secret)
    .update(req.body as Buffer)
    .digest("hex");
  if (computed.toLowerCase() !== signatureHeader.toLowerCase()) return void res.status(401).send("invalid signature");
  const replay = Object.assign(Readable.from([req.body as Buffer]), { headers: req.headers });
  upload.any()(replay as unknown as express.Request, res, (error?: unknown) => {
    if (error) return void res.status(400).send("invalid form data");
    const files = (replay as unknown as { files: Express.Multer.File[] }).files ?? [];
    const file = files.find((candidate) => candidate.fieldname.toLowerCase() === "maskedimage");
    if (!file) return void res.status(400).send("no maskedImage file provided");
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(path.join(outputDir, path.basename(file.originalname)), file.buffer);
    res.sendStatus(200);
  });
});

const server = app.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => console.log(`listening ${(server.address() as { port: number }).port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
