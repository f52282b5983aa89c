// A logical dump of a whole store on either dialect, through c.sql: every table (the search
// index's virtual and shadow tables excepted: they mirror `users`), every row as JSON, ordered,
// so two dumps are equal exactly when the data is.
import type { Cli } from './cli.js';

export type Dump = Record<string, string[]>;

const tableLists = new WeakMap<Cli, Promise<string>>();

/** One statement returning (t, r) for every row of every table: the table's name and the row as JSON. */
async function dumpQuery(c: Cli): Promise<string> {
  if (c.dialect === 'postgres') {
    const tables = await c.sql<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name",
    );
    return tables.map(({ name }) => `select '${name}' as t, row_to_json(x)::text as r from "${name}" x`).join(' union all ');
  }
  const tables = await c.sql<{ name: string }>(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'users_fts%' order by name",
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const columns = await c.sql<{ name: string; type: string }>(`select name, type from pragma_table_info('${name}')`);
    const fields = columns.map((col) => `'${col.name}', ${/blob/i.test(col.type) ? `hex("${col.name}")` : `"${col.name}"`}`);
    parts.push(`select '${name}' as t, json_object(${fields.join(', ')}) as r from "${name}"`);
  }
  return parts.join(' union all ');
}

export async function dumpStore(c: Cli): Promise<Dump> {
  let query = tableLists.get(c);
  if (!query) tableLists.set(c, (query = dumpQuery(c)));
  const rows = await c.sql<{ t: string; r: string }>(`${await query} order by t, r`);
  const dump: Dump = {};
  for (const { t, r } of rows) (dump[t] ??= []).push(r);
  return dump;
}

/** The tables whose rows differ, with the rows only in one of the dumps (for a readable failure). */
export function dumpDiff(before: Dump, after: Dump): Record<string, { removed: string[]; added: string[] }> {
  const diff: Record<string, { removed: string[]; added: string[] }> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = new Set(before[table] ?? []);
    const b = new Set(after[table] ?? []);
    const removed = [...a].filter((r) => !b.has(r));
    const added = [...b].filter((r) => !a.has(r));
    if (removed.length + added.length > 0) diff[table] = { removed, added };
  }
  return diff;
}
