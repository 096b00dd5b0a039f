import type pg from "pg";

// The shape of a PostgreSQL schema, reduced to what a Prisma schema decides: tables, columns,
// keys, indexes, foreign keys and enums. test/helpers/prisma-datamodel.ts derives the expected
// shape from schema.prisma; readDatabaseShape() reads the actual one from the catalogs, and
// diffShapes() lists every difference in words, so that a drifting migration fails readably.

export interface ColumnShape {
  /** format_type() spelling, e.g. "timestamp(3) with time zone"; enums by bare name, e.g. "Role". */
  type: string;
  nullable: boolean;
  /** pg_get_expr() of the column default, null for none; ANY_DEFAULT when only its presence is checked. */
  default: string | null;
}

export interface IndexShape {
  unique: boolean;
  method: string;
  /** Key columns in order, with " DESC" appended to descending ones and a non-default operator class after a space (e.g. "metadata gin_trgm_ops"). */
  columns: string[];
}

export interface ForeignKeyShape {
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string;
  onUpdate: string;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: { name: string; columns: string[] } | null;
  /** Every index but the primary key's, by name (a unique constraint shows up here as its index). */
  indexes: Record<string, IndexShape>;
  foreignKeys: Record<string, ForeignKeyShape>;
}

export interface DatabaseShape {
  tables: Record<string, TableShape>;
  enums: Record<string, string[]>;
}

export const ANY_DEFAULT = "<any default>";

// Prisma's bookkeeping table is created by the migrator, not by the schema.
const IGNORED_TABLES = new Set(["_prisma_migrations"]);

const ACTIONS: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

type Queryable = Pick<pg.ClientBase, "query">;

/** Reads schema `public` through `client`, so a caller inside a transaction sees its own uncommitted DDL. */
export async function readDatabaseShape(client: Queryable): Promise<DatabaseShape> {
  const shape: DatabaseShape = { tables: {}, enums: {} };
  const table = (name: string) => shape.tables[name];

  const tables = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
  );
  for (const { name } of tables.rows) {
    if (!IGNORED_TABLES.has(name)) shape.tables[name] = { columns: {}, primaryKey: null, indexes: {}, foreignKeys: {} };
  }

  // pg_attribute rather than information_schema.columns: format_type() keeps precision and
  // array-ness ("timestamp(3) with time zone", "text[]") that data_type flattens away.
  const columns = await client.query<{ table: string; name: string; type: string; nullable: boolean; default: string | null }>(
    `SELECT c.relname AS table, a.attname AS name, NOT a.attnotnull AS nullable,
            CASE WHEN t.typtype = 'e' THEN t.typname
                 WHEN et.typtype = 'e' THEN et.typname || '[]'
                 ELSE format_type(a.atttypid, a.atttypmod) END AS type,
            pg_get_expr(d.adbin, d.adrelid) AS default
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  for (const row of columns.rows) {
    if (table(row.table)) table(row.table).columns[row.name] = { type: row.type, nullable: row.nullable, default: row.default };
  }

  // Key columns by attribute name (an expression key falls back to its definition); bit 0 of
  // indoption is DESC; an operator class is named only when it is not its type's default.
  const indexes = await client.query<{ table: string; name: string; unique: boolean; primary: boolean; method: string; columns: string[] }>(
    `SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary, am.amname AS method,
            ARRAY(SELECT COALESCE(quote_ident(a.attname), pg_get_indexdef(ix.indexrelid, k, true))
                         || CASE WHEN ix.indoption[k - 1] & 1 = 1 THEN ' DESC' ELSE '' END
                         || CASE WHEN opc.opcdefault THEN '' ELSE ' ' || opc.opcname END
                  FROM generate_series(1, ix.indnkeyatts) AS k
                  LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k - 1]
                  JOIN pg_opclass opc ON opc.oid = ix.indclass[k - 1]
                  ORDER BY k) AS columns
     FROM pg_index ix
     JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
     WHERE n.nspname = 'public'`,
  );
  for (const row of indexes.rows) {
    const columns = row.columns.map(unquote);
    if (!table(row.table)) continue;
    if (row.primary) table(row.table).primaryKey = { name: row.name, columns };
    else table(row.table).indexes[row.name] = { unique: row.unique, method: row.method, columns };
  }

  // Arrays of `name` are cast to text[]: node-postgres hands name[] back as an unparsed string.
  const foreignKeys = await client.query<{
    table: string;
    name: string;
    columns: string[];
    ref_table: string;
    ref_columns: string[];
    del: string;
    upd: string;
  }>(
    `SELECT t.relname AS table, con.conname AS name, r.relname AS ref_table, con.confdeltype AS del, con.confupdtype AS upd,
            ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS columns,
            ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS ref_columns
     FROM pg_constraint con
     JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND con.contype = 'f'`,
  );
  for (const row of foreignKeys.rows) {
    if (!table(row.table)) continue;
    table(row.table).foreignKeys[row.name] = {
      columns: row.columns,
      referencedTable: row.ref_table,
      referencedColumns: row.ref_columns,
      onDelete: ACTIONS[row.del] ?? row.del,
      onUpdate: ACTIONS[row.upd] ?? row.upd,
    };
  }

  const enums = await client.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS name, ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)::text[] AS values
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' AND t.typtype = 'e'`,
  );
  for (const row of enums.rows) shape.enums[row.name] = row.values;
  return shape;
}

// quote_ident() above keeps an expression key distinguishable from a column; the shape itself
// holds bare names, as Prisma's do.
function unquote(key: string): string {
  return key.replace(/^"((?:[^"]|"")*)"/, (_, name: string) => name.replaceAll('""', '"'));
}

/** Every difference between the shape schema.prisma implies and the database's, in words. Empty when they match. */
export function diffShapes(expected: DatabaseShape, actual: DatabaseShape): string[] {
  const out: string[] = [];

  for (const [name, values] of Object.entries(expected.enums)) {
    const found = actual.enums[name];
    if (!found) out.push(`missing enum ${name}`);
    else if (show(found) !== show(values)) out.push(`enum ${name}: values ${show(found)}, expected ${show(values)}`);
  }
  for (const name of Object.keys(actual.enums)) if (!expected.enums[name]) out.push(`unexpected enum ${name}`);

  for (const [name, want] of Object.entries(expected.tables)) {
    const have = actual.tables[name];
    if (!have) {
      out.push(`missing table ${name}`);
      continue;
    }
    for (const [column, wantColumn] of Object.entries(want.columns)) {
      const haveColumn = have.columns[column];
      if (!haveColumn) {
        out.push(`missing column ${name}.${column} (${wantColumn.type})`);
        continue;
      }
      if (haveColumn.type !== wantColumn.type) out.push(`column ${name}.${column}: type ${haveColumn.type}, expected ${wantColumn.type}`);
      if (haveColumn.nullable !== wantColumn.nullable) {
        out.push(`column ${name}.${column}: ${haveColumn.nullable ? "nullable" : "NOT NULL"}, expected ${wantColumn.nullable ? "nullable" : "NOT NULL"}`);
      }
      const defaultMatches = wantColumn.default === ANY_DEFAULT ? haveColumn.default !== null : haveColumn.default === wantColumn.default;
      if (!defaultMatches) out.push(`column ${name}.${column}: default ${haveColumn.default ?? "none"}, expected ${wantColumn.default ?? "none"}`);
    }
    for (const column of Object.keys(have.columns)) if (!want.columns[column]) out.push(`unexpected column ${name}.${column}`);

    if (show(have.primaryKey) !== show(want.primaryKey)) {
      out.push(`table ${name}: primary key ${show(have.primaryKey)}, expected ${show(want.primaryKey)}`);
    }
    compareNamed(out, `index`, name, want.indexes, have.indexes);
    compareNamed(out, `foreign key`, name, want.foreignKeys, have.foreignKeys);
  }
  for (const name of Object.keys(actual.tables)) if (!expected.tables[name]) out.push(`unexpected table ${name}`);
  return out;
}

// Key order differs between the two builders; compare and print with sorted keys.
function show(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))) : item,
  );
}

function compareNamed<T>(out: string[], kind: string, table: string, want: Record<string, T>, have: Record<string, T>): void {
  for (const [name, definition] of Object.entries(want)) {
    const found = have[name];
    if (!found) out.push(`missing ${kind} ${name} on ${table}: ${show(definition)}`);
    else if (show(found) !== show(definition)) out.push(`${kind} ${name} on ${table}: ${show(found)}, expected ${show(definition)}`);
  }
  for (const name of Object.keys(have)) if (!want[name]) out.push(`unexpected ${kind} ${name} on ${table}: ${show(have[name])}`);
}
