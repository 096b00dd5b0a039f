import { readFileSync } from "node:fs";
import path from "node:path";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import { ANY_DEFAULT, type ColumnShape, type DatabaseShape, type TableShape } from "./database-shape.ts";

// The database shape schema.prisma implies, following the SQL Prisma's PostgreSQL migrations
// emit: the same names (including its default constraint and index names), types, defaults and
// referential actions. The schema is parsed by Prisma's own engine (prisma-schema-wasm), so
// relation defaults, @map/@@map and @unique are resolved exactly as `prisma generate` sees them.

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object" | "unsupported";
  type: string;
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt: boolean;
  nativeType?: [string, string[]] | null;
  default?: { name: string; args: unknown[] } | string | number | boolean | unknown[];
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: "asc" | "desc"; operatorClass?: string }[];
}
interface DmmfEnum {
  name: string;
  dbName: string | null;
  values: { name: string; dbName: string | null }[];
}
interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };
}

export const SCHEMA_PATH = path.join(process.cwd(), "prisma", "schema.prisma");

export function readExpectedShape(schemaPath = SCHEMA_PATH): DatabaseShape {
  return expectedShapeFromSchema(readFileSync(schemaPath, "utf8"));
}

export function expectedShapeFromSchema(schema: string): DatabaseShape {
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schema]] }))) as Dmmf;
  const { models, enums, indexes } = dmmf.datamodel;
  const modelsByName = new Map(models.map((model) => [model.name, model]));
  const enumsByName = new Map(enums.map((e) => [e.name, e]));
  const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
  const columnOf = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`${model.name} has no field ${fieldName}`);
    return field.dbName ?? field.name;
  };

  const shape: DatabaseShape = { tables: {}, enums: {} };
  for (const e of enums) shape.enums[e.dbName ?? e.name] = e.values.map((value) => value.dbName ?? value.name);

  for (const model of models) {
    // Refuse, loudly, what this checker does not model rather than pass it silently.
    if (model.schema && model.schema !== "public") throw new Error(`${model.name}: multi-schema models are not supported`);
    const table = tableOf(model);
    const tableShape: TableShape = { columns: {}, primaryKey: null, indexes: {}, foreignKeys: {} };
    shape.tables[table] = tableShape;

    for (const field of model.fields) {
      if (field.kind === "object") {
        if (field.isList && !field.relationFromFields?.length && !isBackRelation(field, model, modelsByName)) {
          throw new Error(`${model.name}.${field.name}: implicit many-to-many relations are not supported`);
        }
        if (!field.relationFromFields?.length) continue;
        const target = modelsByName.get(field.type)!;
        const columns = field.relationFromFields.map((name) => columnOf(model, name));
        // Prisma's defaults: an optional relation is SET NULL on delete, a required one RESTRICT;
        // updates CASCADE. NB: @relation(map: ...) is not in the DMMF, so a custom FK name
        // shows up here as a name mismatch.
        tableShape.foreignKeys[constraintName(table, columns, "_fkey")] = {
          columns,
          referencedTable: tableOf(target),
          referencedColumns: field.relationToFields!.map((name) => columnOf(target, name)),
          onDelete: sqlAction(field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull")),
          onUpdate: sqlAction(field.relationOnUpdate ?? "Cascade"),
        };
        continue;
      }
      if (field.kind === "unsupported") throw new Error(`${model.name}.${field.name}: Unsupported(...) fields are not supported`);
      const column = field.dbName ?? field.name;
      tableShape.columns[column] = columnShape(field, table, column, enumsByName);
    }
  }

  for (const index of indexes) {
    const model = modelsByName.get(index.model)!;
    const table = tableOf(model);
    const columns = index.fields.map((f) => columnOf(model, f.name));
    if (index.type === "id") {
      shape.tables[table].primaryKey = { name: index.dbName ?? constraintName(table, [], "_pkey"), columns };
      continue;
    }
    if (index.type === "fulltext") throw new Error(`${index.model}: fulltext indexes are MySQL-only`);
    const unique = index.type === "unique";
    const name = index.dbName ?? constraintName(table, columns, unique ? "_key" : "_idx");
    shape.tables[table].indexes[name] = {
      unique,
      method: (index.algorithm ?? "BTree").toLowerCase(),
      columns: index.fields.map((f, i) => `${columns[i]}${f.sortOrder === "desc" ? " DESC" : ""}${f.operatorClass ? ` ${f.operatorClass}` : ""}`),
    };
  }
  return shape;
}

// A list relation field is fine when the other side holds the foreign key (a one-to-many).
function isBackRelation(field: DmmfField, model: DmmfModel, models: Map<string, DmmfModel>): boolean {
  return models.get(field.type)!.fields.some((f) => f.type === model.name && f.relationName === field.relationName && !!f.relationFromFields?.length);
}

function columnShape(field: DmmfField, table: string, column: string, enums: Map<string, DmmfEnum>): ColumnShape {
  const enumType = enums.get(field.type);
  const base = enumType ? (enumType.dbName ?? enumType.name) : scalarType(field);
  return {
    type: field.isList ? `${base}[]` : base,
    // The DMMF calls a list required, but Prisma creates list columns without NOT NULL.
    nullable: field.isList || !field.isRequired,
    default: renderDefault(field, table, column, enumType),
  };
}

// Native types (@db.X) as format_type() spells them; a new one fails loudly until added here.
const PLAIN_NATIVE: Record<string, string> = {
  Text: "text",
  Uuid: "uuid",
  SmallInt: "smallint",
  Integer: "integer",
  BigInt: "bigint",
  Real: "real",
  DoublePrecision: "double precision",
  Boolean: "boolean",
  ByteA: "bytea",
  Json: "json",
  JsonB: "jsonb",
  Date: "date",
  Citext: "citext",
  Inet: "inet",
};
const SIZED_NATIVE: Record<string, (size: string) => string> = {
  VarChar: (n) => `character varying${n}`,
  Char: (n) => `character${n || "(1)"}`,
  Decimal: (n) => `numeric${n}`,
  Timestamp: (n) => `timestamp${n} without time zone`,
  Timestamptz: (n) => `timestamp${n} with time zone`,
  Time: (n) => `time${n} without time zone`,
  Timetz: (n) => `time${n} with time zone`,
};

// What Prisma emits for a scalar without @db.X.
const DEFAULT_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

function scalarType(field: DmmfField): string {
  const [native, args] = field.nativeType ?? [];
  const type = !native ? DEFAULT_TYPES[field.type] : (PLAIN_NATIVE[native] ?? SIZED_NATIVE[native]?.(args!.length ? `(${args!.join(",")})` : ""));
  if (!type) throw new Error(`no PostgreSQL type known for ${field.type} ${native ?? ""}`);
  return type;
}

// The default as pg_get_expr() prints it back. uuid(), cuid(), nanoid() and @updatedAt are
// filled in by Prisma Client, so they leave no database default. Where the printed form is not
// predicted here (dbgenerated, DateTime, lists, non-empty jsonb, which PostgreSQL reformats, and
// Float/Decimal, which Prisma writes as spelt in the schema, "2.0", while the DMMF says 2), only
// the presence of a default is checked. Checked against Prisma 6.19's own SQL for each kind.
function renderDefault(field: DmmfField, table: string, column: string, enumType?: DmmfEnum): string | null {
  const value = field.default;
  if (value === undefined || field.isUpdatedAt) return null;
  if (typeof value === "object" && !Array.isArray(value)) {
    if (value.name === "now") return "CURRENT_TIMESTAMP";
    // SERIAL's sequence; PostgreSQL shortens long names its own way, so those are not predicted.
    const sequence = `${table}_${column}_seq`;
    if (value.name === "autoincrement") return sequence.length > 63 ? ANY_DEFAULT : `nextval('${quoteIdent(sequence)}'::regclass)`;
    if (value.name === "dbgenerated") return value.args.length ? ANY_DEFAULT : null;
    return null; // uuid(), cuid(), nanoid(), ulid(): client-side
  }
  if (field.isList) return ANY_DEFAULT;
  const literal = (text: string, type: string) => `'${text.replaceAll("'", "''")}'::${type}`;
  if (enumType) {
    const label = enumType.values.find((v) => v.name === value);
    return literal(label?.dbName ?? String(value), quoteIdent(enumType.dbName ?? enumType.name));
  }
  if (typeof value === "boolean") return String(value);
  if ((field.type === "Int" || field.type === "BigInt") && /^-?\d+$/.test(String(value))) {
    // Prisma writes the bare number; PostgreSQL keeps the constant's own type (int4 or int8)
    // behind an invisible implicit cast, and labels it only when negative or int8.
    const text = String(value);
    const type = Math.abs(Number(text)) <= 2 ** 31 - 1 ? "integer" : "bigint";
    return text.startsWith("-") || type === "bigint" ? literal(text, type) : text;
  }
  if (field.type === "String") {
    const native = field.nativeType?.[0] ?? "Text";
    if (native === "Text") return literal(String(value), "text");
    if (native === "VarChar") return literal(String(value), "character varying");
  }
  if (field.type === "Json" && field.nativeType?.[0] === "Json") return literal(String(value), "json"); // kept verbatim
  if (field.type === "Json" && /^(\{\s*\}|\[\s*\])$/.test(String(value))) return literal(String(value).replace(/\s/g, ""), "jsonb");
  return ANY_DEFAULT;
}

const ACTIONS: Record<string, string> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetNull: "SET NULL",
  SetDefault: "SET DEFAULT",
};

function sqlAction(action: string): string {
  const sql = ACTIONS[action];
  if (!sql) throw new Error(`unknown referential action ${action}`);
  return sql;
}

// Prisma's ConstraintNames: {table}_{columns joined by _}{suffix}, cut to fit PostgreSQL's
// 63-byte identifiers before the suffix is added.
function constraintName(table: string, columns: string[], suffix: string): string {
  const base = [table, ...columns].join("_");
  const limit = 63 - suffix.length;
  return (base.length >= limit ? base.slice(0, limit) : base) + suffix;
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}
