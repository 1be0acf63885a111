/**
 * A small SOQL engine for the fake org: parses SELECT … FROM … [WHERE …] [ORDER BY …] [LIMIT n]
 * [OFFSET n], validates objects, relationship paths and fields against the schema, and evaluates
 * the query on fixture records. Errors carry the codes and message shapes Salesforce returns
 * (INVALID_TYPE, INVALID_FIELD, MALFORMED_QUERY), so a changed query gets a truthful answer.
 */

export interface ObjectSchema {
  fields: string[];
  /** Relationship name → the id field on this object and the target object. */
  relationships?: Record<string, { field: string; to: string }>;
  /** When given, only these fields may appear in WHERE (LoginHistory). */
  filterable?: string[];
  /** Aggregate support: 'full' (default: GROUP BY, COUNT/MIN/MAX/SUM/COUNT_DISTINCT), 'count' (only COUNT()), 'none'. */
  aggregates?: 'full' | 'count' | 'none';
  /** When given, only these fields may appear in GROUP BY. */
  groupable?: string[];
  /** Rows per query page (default: the server's batch size, 2000). */
  pageSize?: number;
  /** Rows reachable through queryMore in all (OauthToken: 2,500); totalSize still says how many match. */
  maxRows?: number;
}
export type Schema = Record<string, ObjectSchema>;
export type Rec = Record<string, unknown>;

export class SoqlError extends Error {
  constructor(readonly errorCode: string, message: string) { super(message); }
}

type Tok = { t: 'id' | 'str' | 'num' | 'op' | 'punct' | 'date'; v: string; pos: number };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'") {
      let j = i + 1, v = '';
      while (j < s.length && s[j] !== "'") { if (s[j] === '\\') { j++; } v += s[j]; j++; }
      if (j >= s.length) { throw malformed(s, i, 'unterminated string'); }
      out.push({ t: 'str', v, pos: i }); i = j + 1; continue;
    }
    const date = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}))?/.exec(s.slice(i));
    if (date) { out.push({ t: 'date', v: date[0], pos: i }); i += date[0].length; continue; }
    const num = /^-?\d+(\.\d+)?/.exec(s.slice(i));
    if (num) { out.push({ t: 'num', v: num[0], pos: i }); i += num[0].length; continue; }
    const op = /^(!=|<>|<=|>=|=|<|>)/.exec(s.slice(i));
    if (op) { out.push({ t: 'op', v: op[0], pos: i }); i += op[0].length; continue; }
    if ('(),'.includes(c)) { out.push({ t: 'punct', v: c, pos: i }); i++; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_.]*(:\d+)?/.exec(s.slice(i));
    if (id) { out.push({ t: 'id', v: id[0], pos: i }); i += id[0].length; continue; }
    throw malformed(s, i, `unexpected token: '${c}'`);
  }
  return out;
}

function malformed(soql: string, pos: number, what: string): SoqlError {
  return new SoqlError('MALFORMED_QUERY', `\n${soql}\n${' '.repeat(Math.max(0, pos))}^\nERROR at Row:1:Column:${pos + 1}\n${what}`);
}

export type Expr =
  | { k: 'and' | 'or'; a: Expr; b: Expr }
  | { k: 'not'; a: Expr }
  | { k: 'cmp'; field: string; op: string; value: Value; pos: number }
  | { k: 'in'; field: string; not: boolean; values: Value[]; pos: number; sub?: string };
type Value = { t: 'str' | 'num' | 'bool' | 'null' | 'date' | 'literal'; v: string };

/** A SELECT item: a field, or an aggregate / date function of one (`COUNT(UserId) n`, `DAY_ONLY(Timestamp)`). */
export interface SelectItem { path: string; pos: number; fn?: string; alias?: string }
const AGGREGATE_FNS = ['COUNT', 'COUNT_DISTINCT', 'MIN', 'MAX', 'SUM', 'AVG'];
const DATE_FNS = ['DAY_ONLY', 'HOUR_IN_DAY', 'CALENDAR_YEAR'];

export interface Query {
  fields: SelectItem[];
  groupBy: SelectItem[];
  count: boolean;
  object: string;
  objectPos: number;
  where?: Expr;
  orderBy: { path: string; desc: boolean; nullsLast: boolean; pos: number }[];
  limit?: number;
  offset?: number;
}

export function parse(soql: string): Query {
  const toks = tokenize(soql);
  let i = 0;
  const peek = () => toks[i];
  const kw = (w: string) => peek()?.t === 'id' && peek().v.toUpperCase() === w;
  const expectKw = (w: string) => { if (!kw(w)) { throw malformed(soql, peek()?.pos ?? soql.length, `unexpected token: '${peek()?.v ?? '<EOF>'}'`); } i++; };
  expectKw('SELECT');
  const fields: Query['fields'] = [];
  let count = false;
  /** `field`, or `FN(field)` for an aggregate or date function. */
  const parseItem = (allowAggregate: boolean): SelectItem => {
    const t = peek();
    if (!t || t.t !== 'id') { throw malformed(soql, t?.pos ?? soql.length, `unexpected token: '${t?.v ?? '<EOF>'}'`); }
    const fn = t.v.toUpperCase();
    if (toks[i + 1]?.v === '(' && (DATE_FNS.includes(fn) || (allowAggregate && AGGREGATE_FNS.includes(fn)))) {
      const f = toks[i + 2];
      if (!f || f.t !== 'id' || toks[i + 3]?.v !== ')') { throw malformed(soql, f?.pos ?? soql.length, `unexpected token: '${f?.v ?? '<EOF>'}'`); }
      i += 4;
      return { path: f.v, pos: f.pos, fn };
    }
    i++;
    return { path: t.v, pos: t.pos };
  };
  for (;;) {
    const t = peek();
    if (!t || t.t !== 'id') { throw malformed(soql, t?.pos ?? soql.length, `unexpected token: '${t?.v ?? '<EOF>'}'`); }
    if (t.v.toUpperCase() === 'COUNT' && toks[i + 1]?.v === '(' && toks[i + 2]?.v === ')') { count = true; i += 3; }
    else if (t.v.toUpperCase() === 'FROM') { throw malformed(soql, t.pos, "unexpected token: 'FROM'"); }
    else {
      const item = parseItem(true);
      // An alias: an identifier that is not a keyword, right after the item.
      const a = peek();
      if (a?.t === 'id' && a.v.toUpperCase() !== 'FROM' && !a.v.includes('.')) { item.alias = a.v; i++; }
      fields.push(item);
    }
    if (peek()?.v === ',') { i++; continue; }
    break;
  }
  expectKw('FROM');
  const objTok = peek();
  if (!objTok || objTok.t !== 'id') { throw malformed(soql, objTok?.pos ?? soql.length, 'unexpected token'); }
  i++;
  const q: Query = { fields, groupBy: [], count, object: objTok.v, objectPos: objTok.pos, orderBy: [] };

  const parseValue = (): Value => {
    const t = peek(); i++;
    if (!t) { throw malformed(soql, soql.length, "unexpected token: '<EOF>'"); }
    if (t.t === 'str') { return { t: 'str', v: t.v }; }
    if (t.t === 'num') { return { t: 'num', v: t.v }; }
    if (t.t === 'date') { return { t: 'date', v: t.v }; }
    if (t.t === 'id') {
      const u = t.v.toUpperCase();
      if (u === 'TRUE' || u === 'FALSE') { return { t: 'bool', v: u.toLowerCase() }; }
      if (u === 'NULL') { return { t: 'null', v: '' }; }
      if (/^(TODAY|YESTERDAY|TOMORROW|LAST_N_DAYS:\d+|NEXT_N_DAYS:\d+|N_DAYS_AGO:\d+)$/.test(u)) { return { t: 'literal', v: u }; }
    }
    throw malformed(soql, t.pos, `unexpected token: '${t.v}'`);
  };
  const parseAtom = (): Expr => {
    if (peek()?.v === '(') { i++; const e = parseOr(); if (peek()?.v !== ')') { throw malformed(soql, peek()?.pos ?? soql.length, 'expected )'); } i++; return e; }
    if (kw('NOT')) { i++; return { k: 'not', a: parseAtom() }; }
    const f = peek();
    if (!f || f.t !== 'id') { throw malformed(soql, f?.pos ?? soql.length, `unexpected token: '${f?.v ?? '<EOF>'}'`); }
    i++;
    if (kw('NOT') && toks[i + 1]?.t === 'id' && toks[i + 1].v.toUpperCase() === 'IN') { i += 2; return { k: 'in', field: f.v, not: true, pos: f.pos, ...parseListOrSub() }; }
    if (kw('IN')) { i++; return { k: 'in', field: f.v, not: false, pos: f.pos, ...parseListOrSub() }; }
    if (kw('LIKE')) { i++; return { k: 'cmp', field: f.v, op: 'LIKE', value: parseValue(), pos: f.pos }; }
    const op = peek();
    if (!op || op.t !== 'op') { throw malformed(soql, op?.pos ?? soql.length, `unexpected token: '${op?.v ?? '<EOF>'}'`); }
    i++;
    return { k: 'cmp', field: f.v, op: op.v === '<>' ? '!=' : op.v, value: parseValue(), pos: f.pos };
  };
  /** `(v1, v2)` or a semi-join `(SELECT f FROM …)`, kept as its own SOQL text. */
  const parseListOrSub = (): { values: Value[]; sub?: string } => {
    if (peek()?.v === '(' && toks[i + 1]?.t === 'id' && toks[i + 1].v.toUpperCase() === 'SELECT') {
      const start = toks[i + 1].pos;
      let depth = 0, j = i;
      for (; j < toks.length; j++) { if (toks[j].v === '(') { depth++; } else if (toks[j].v === ')' && --depth === 0) { break; } }
      if (j >= toks.length) { throw malformed(soql, soql.length, 'expected )'); }
      const sub = soql.slice(start, toks[j].pos);
      i = j + 1;
      return { values: [], sub };
    }
    return { values: parseList() };
  };
  const parseList = (): Value[] => {
    if (peek()?.v !== '(') { throw malformed(soql, peek()?.pos ?? soql.length, 'expected ('); }
    i++;
    const vals: Value[] = [];
    for (;;) { vals.push(parseValue()); if (peek()?.v === ',') { i++; continue; } break; }
    if (peek()?.v !== ')') { throw malformed(soql, peek()?.pos ?? soql.length, 'expected )'); }
    i++;
    return vals;
  };
  const parseAnd = (): Expr => { let e = parseAtom(); while (kw('AND')) { i++; e = { k: 'and', a: e, b: parseAtom() }; } return e; };
  const parseOr = (): Expr => { let e = parseAnd(); while (kw('OR')) { i++; e = { k: 'or', a: e, b: parseAnd() }; } return e; };

  if (kw('WHERE')) { i++; q.where = parseOr(); }
  if (kw('GROUP')) {
    i++; expectKw('BY');
    for (;;) { q.groupBy.push(parseItem(false)); if (peek()?.v === ',') { i++; continue; } break; }
  }
  if (kw('ORDER')) {
    i++; expectKw('BY');
    for (;;) {
      const f = peek();
      if (!f || f.t !== 'id') { throw malformed(soql, f?.pos ?? soql.length, 'unexpected token'); }
      i++;
      let desc = false, nullsLast = false;
      if (kw('ASC')) { i++; } else if (kw('DESC')) { i++; desc = true; nullsLast = true; }
      if (kw('NULLS')) { i++; nullsLast = kw('LAST'); i++; }
      q.orderBy.push({ path: f.v, desc, nullsLast, pos: f.pos });
      if (peek()?.v === ',') { i++; continue; }
      break;
    }
  }
  if (kw('LIMIT')) { i++; const n = peek(); if (n?.t !== 'num') { throw malformed(soql, n?.pos ?? soql.length, 'expected number'); } q.limit = Number(n.v); i++; }
  if (kw('OFFSET')) { i++; const n = peek(); if (n?.t !== 'num') { throw malformed(soql, n?.pos ?? soql.length, 'expected number'); } q.offset = Number(n.v); i++; }
  if (i < toks.length) { throw malformed(soql, toks[i].pos, `unexpected token: '${toks[i].v}'`); }
  return q;
}

const norm = (s: string) => s.toLowerCase();

/** Database view the engine queries: object name → records, plus the schema. */
export interface Db { schema: Schema; records(object: string): Rec[] }

interface Resolved { object: string; steps: { rel: string; field: string; to: string }[]; field: string }

function resolvePath(db: Db, soql: string, object: string, path: string, pos: number): Resolved {
  const parts = path.split('.');
  // A leading object-name qualifier (SELECT Account.Name FROM Account) is allowed.
  if (parts.length > 1 && norm(parts[0]) === norm(object)) { parts.shift(); }
  let cur = object;
  const steps: Resolved['steps'] = [];
  for (const rel of parts.slice(0, -1)) {
    const rels = db.schema[cur].relationships ?? {};
    const key = Object.keys(rels).find(k => norm(k) === norm(rel));
    if (!key) {
      throw new SoqlError('INVALID_FIELD', `\n${soql}\n${' '.repeat(pos)}^\nERROR at Row:1:Column:${pos + 1}\nDidn't understand relationship '${rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`);
    }
    steps.push({ rel: key, field: rels[key].field, to: rels[key].to });
    cur = rels[key].to;
  }
  const last = parts[parts.length - 1];
  const field = db.schema[cur]?.fields.find(f => norm(f) === norm(last));
  if (!field) {
    throw new SoqlError('INVALID_FIELD', `\n${soql}\n${' '.repeat(pos)}^\nERROR at Row:1:Column:${pos + 1}\nNo such column '${last}' on entity '${cur}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
  }
  return { object: cur, steps, field };
}

/** Id → record per record array (fixtures at real scale have tens of thousands of rows). */
const ID_INDEX = new WeakMap<Rec[], Map<unknown, Rec>>();
function byId(db: Db, object: string, id: unknown): Rec | null {
  const rows = db.records(object);
  let idx = ID_INDEX.get(rows);
  if (!idx) { idx = new Map(rows.map(r => [r.Id, r])); ID_INDEX.set(rows, idx); }
  return idx.get(id) ?? null;
}

function follow(db: Db, rec: Rec, steps: Resolved['steps']): Rec | null {
  let cur: Rec | null = rec;
  for (const s of steps) {
    if (!cur) { return null; }
    const id: unknown = cur[s.field];
    cur = id == null ? null : byId(db, s.to, id);
  }
  return cur;
}

function dateFn(fn: string | undefined, v: unknown): unknown {
  if (!fn || v == null) { return v; }
  const t = Date.parse(scalar(v));
  if (Number.isNaN(t)) { return null; }
  const d = new Date(t);
  if (fn === 'DAY_ONLY') { return d.toISOString().slice(0, 10); }
  if (fn === 'HOUR_IN_DAY') { return d.getUTCHours(); }
  if (fn === 'CALENDAR_YEAR') { return d.getUTCFullYear(); }
  return v;
}

/** GROUP BY and aggregate functions, answered like the REST API (AggregateResult rows, `exprN` names). */
function aggregateRows(db: Db, soql: string, objKey: string, q: Query, selected: (SelectItem & { r: Resolved })[], rows: Rec[]): QueryOutput {
  const groupable = db.schema[objKey].groupable?.map(norm);
  const groups = q.groupBy.map(g => {
    const r = resolvePath(db, soql, objKey, g.path, g.pos);
    if (groupable && !r.steps.length && !groupable.includes(norm(r.field))) {
      throw new SoqlError('INVALID_FIELD', `\n${soql}\n${' '.repeat(g.pos)}^\nERROR at Row:1:Column:${g.pos + 1}\nfield '${r.field}' can not be grouped in a query call`);
    }
    return { ...g, r };
  });
  const key = (g: { fn?: string; r: Resolved }) => `${g.fn ?? ''}(${g.r.object}.${g.r.field})`;
  for (const f of selected) {
    if (f.fn && AGGREGATE_FNS.includes(f.fn)) { continue; }
    if (!groups.some(g => key(g) === key(f))) {
      throw new SoqlError('MALFORMED_QUERY', `\n${soql}\n${' '.repeat(f.pos)}^\nERROR at Row:1:Column:${f.pos + 1}\nField must be grouped or aggregated: ${f.path}`);
    }
  }
  const buckets = new Map<string, Rec[]>();
  for (const row of rows) {
    const k = JSON.stringify(groups.map(g => dateFn(g.fn, valueAt(db, row, g.r))));
    let b = buckets.get(k);
    if (!b) { b = []; buckets.set(k, b); }
    b.push(row);
  }
  if (!groups.length && !buckets.size) { buckets.set('[]', []); }
  let out: Rec[] = [];
  for (const members of buckets.values()) {
    const rec: Rec = { attributes: { type: 'AggregateResult' } };
    let expr = 0;
    for (const f of selected) {
      const isAgg = !!f.fn && AGGREGATE_FNS.includes(f.fn);
      const name = f.alias ?? (isAgg || f.fn ? `expr${expr}` : f.r.field);
      if ((isAgg || f.fn) && !f.alias) { expr++; }
      const vals = members.map(m => dateFn(isAgg ? undefined : f.fn, valueAt(db, m, f.r)));
      if (!isAgg) { rec[name] = vals[0] ?? null; continue; }
      const present = vals.filter(v => v != null);
      switch (f.fn) {
        case 'COUNT': rec[name] = present.length; break;
        case 'COUNT_DISTINCT': rec[name] = new Set(present.map(scalar)).size; break;
        case 'MIN': rec[name] = present.length ? present.reduce((a, b) => (compare(a, b) <= 0 ? a : b)) : null; break;
        case 'MAX': rec[name] = present.length ? present.reduce((a, b) => (compare(a, b) >= 0 ? a : b)) : null; break;
        case 'SUM': rec[name] = present.reduce((a: number, b) => a + Number(b), 0); break;
        case 'AVG': rec[name] = present.length ? present.reduce((a: number, b) => a + Number(b), 0) / present.length : null; break;
      }
    }
    out.push(rec);
  }
  const total = out.length;
  out = out.slice(q.offset ?? 0, q.limit !== undefined ? (q.offset ?? 0) + q.limit : undefined);
  return { totalSize: q.limit !== undefined ? out.length : total, records: out, object: objKey, aggregate: true, limit: q.limit };
}

function valueAt(db: Db, rec: Rec, r: Resolved): unknown {
  const target = follow(db, rec, r.steps);
  return target ? target[r.field] ?? null : null;
}

const DAY = 86_400_000;
const scalar = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));
function startOfDay(d: Date): number { return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()); }
/** Date literal → [from, to) in ms. */
function literalRange(lit: string, now: Date): [number, number] {
  const today = startOfDay(now);
  const n = Number(lit.split(':')[1] ?? 0);
  if (lit === 'TODAY') { return [today, today + DAY]; }
  if (lit === 'YESTERDAY') { return [today - DAY, today]; }
  if (lit === 'TOMORROW') { return [today + DAY, today + 2 * DAY]; }
  if (lit.startsWith('LAST_N_DAYS')) { return [today - n * DAY, today + DAY]; }
  if (lit.startsWith('NEXT_N_DAYS')) { return [today + DAY, today + (n + 1) * DAY]; }
  return [today - n * DAY, today - n * DAY + DAY]; // N_DAYS_AGO
}

function compare(a: unknown, b: unknown): number {
  if (a == null && b == null) { return 0; }
  if (a == null) { return -1; }
  if (b == null) { return 1; }
  if (typeof a === 'number' && typeof b === 'number') { return a - b; }
  if (typeof a === 'boolean' && typeof b === 'boolean') { return Number(a) - Number(b); }
  const sa = scalar(a), sb = scalar(b);
  const da = Date.parse(sa), dbb = Date.parse(sb);
  if (/^\d{4}-\d{2}-\d{2}/.test(sa) && /^\d{4}-\d{2}-\d{2}/.test(sb) && !Number.isNaN(da) && !Number.isNaN(dbb)) { return da - dbb; }
  return sa.toLowerCase() < sb.toLowerCase() ? -1 : sa.toLowerCase() > sb.toLowerCase() ? 1 : 0;
}

function literalValue(v: Value): unknown {
  switch (v.t) {
    case 'str': case 'date': return v.v;
    case 'num': return Number(v.v);
    case 'bool': return v.v === 'true';
    default: return null;
  }
}

function test(db: Db, soql: string, obj: string, rec: Rec, e: Expr, now: Date): boolean {
  switch (e.k) {
    case 'and': return test(db, soql, obj, rec, e.a, now) && test(db, soql, obj, rec, e.b, now);
    case 'or': return test(db, soql, obj, rec, e.a, now) || test(db, soql, obj, rec, e.b, now);
    case 'not': return !test(db, soql, obj, rec, e.a, now);
    case 'in': {
      const v = valueAt(db, rec, resolvePath(db, soql, obj, e.field, e.pos));
      const hit = e.sub ? v != null && semiJoin(db, e, now).has(scalar(v)) : e.values.some(x => compare(v, literalValue(x)) === 0 && v != null);
      return e.not ? !hit : hit;
    }
    case 'cmp': {
      const v = valueAt(db, rec, resolvePath(db, soql, obj, e.field, e.pos));
      if (e.value.t === 'literal') {
        if (v == null) { return e.op === '!='; }
        const t = Date.parse(scalar(v));
        const [from, to] = literalRange(e.value.v, now);
        switch (e.op) {
          case '=': return t >= from && t < to;
          case '!=': return !(t >= from && t < to);
          case '<': return t < from;
          case '<=': return t < to;
          case '>': return t >= to;
          case '>=': return t >= from;
        }
        return false;
      }
      const lit = literalValue(e.value);
      if (e.op === 'LIKE') {
        const re = new RegExp('^' + String(lit).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.') + '$', 'i');
        return v != null && re.test(scalar(v));
      }
      if (lit === null) { return e.op === '=' ? v == null : e.op === '!=' ? v != null : false; }
      if (v == null) { return e.op === '!='; }
      const c = compare(v, lit);
      switch (e.op) {
        case '=': return c === 0;
        case '!=': return c !== 0;
        case '<': return c < 0;
        case '<=': return c <= 0;
        case '>': return c > 0;
        case '>=': return c >= 0;
      }
      return false;
    }
  }
}

const hasOr = (e: Expr | undefined): boolean => !!e && (e.k === 'or' || ((e.k === 'and' || e.k === 'not') && (hasOr(e.a) || (e.k === 'and' && hasOr(e.b)))));
const hasSemi = (e: Expr | undefined): boolean => !!e && ((e.k === 'in' && !!e.sub) || ((e.k === 'and' || e.k === 'or') && (hasSemi(e.a) || hasSemi(e.b))) || (e.k === 'not' && hasSemi(e.a)));

/** The values of a semi-join subquery (one field), computed once per parsed expression. */
const SEMI = new WeakMap<Expr, Set<string>>();
function semiJoin(db: Db, e: Extract<Expr, { k: 'in' }>, now: Date): Set<string> {
  let set = SEMI.get(e);
  if (set) { return set; }
  const q = parse(e.sub!);
  if (hasOr(q.where)) {
    // SOQL guide, semi-join subquery limits: "You can't use subqueries with OR" (read strictly: not in the subquery either).
    throw new SoqlError('MALFORMED_QUERY', `\n${e.sub}\n^\nERROR at Row:1:Column:1\nSemi join sub-selects are not allowed with the 'OR' operator`);
  }
  if (q.fields.length !== 1 || q.fields[0].fn || q.count || q.groupBy.length) {
    throw new SoqlError('MALFORMED_QUERY', `\n${e.sub}\n^\nERROR at Row:1:Column:1\nA semi-join subquery selects exactly one Id or reference field`);
  }
  const out = execute(db, e.sub!, now, () => '');
  const name = q.fields[0].path.split('.').pop()!;
  set = new Set(out.records.map(r => scalar(r[Object.keys(r).find(k => k.toLowerCase() === name.toLowerCase()) ?? name])).filter(x => x && x !== 'null'));
  SEMI.set(e, set);
  return set;
}

function fieldsIn(e: Expr | undefined, out: { field: string; pos: number }[] = []): { field: string; pos: number }[] {
  if (!e) { return out; }
  if (e.k === 'and' || e.k === 'or') { fieldsIn(e.a, out); fieldsIn(e.b, out); }
  else if (e.k === 'not') { fieldsIn(e.a, out); }
  else if (e.k === 'cmp' || e.k === 'in') { out.push({ field: e.field, pos: e.pos }); }
  return out;
}

export interface QueryOutput { totalSize: number; records: Rec[]; object?: string; aggregate?: boolean; /** The query's LIMIT (aggregates: one batch when within 2,000). */ limit?: number }

/** Runs a query; `attributesUrl(type, id)` builds each record's attributes.url. */
export function execute(db: Db, soql: string, now: Date, attributesUrl: (type: string, id: unknown) => string): QueryOutput {
  const q = parse(soql);
  const objKey = Object.keys(db.schema).find(o => norm(o) === norm(q.object));
  if (!objKey) {
    throw new SoqlError('INVALID_TYPE', `\n${soql}\n${' '.repeat(q.objectPos)}^\nERROR at Row:1:Column:${q.objectPos + 1}\nsObject type '${q.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`);
  }
  const aggregate = q.groupBy.length > 0 || q.fields.some(f => f.fn && AGGREGATE_FNS.includes(f.fn));
  const support = db.schema[objKey].aggregates ?? 'full';
  if (aggregate && support !== 'full') {
    throw new SoqlError('MALFORMED_QUERY', `\n${soql}\n^\nERROR at Row:1:Column:1\nentity type ${objKey} does not support aggregate queries${support === 'count' ? ' (only COUNT())' : ''}`);
  }
  if (q.count && support === 'none') {
    throw new SoqlError('MALFORMED_QUERY', `\n${soql}\n^\nERROR at Row:1:Column:1\nentity type ${objKey} does not support COUNT()`);
  }
  if (q.offset !== undefined && q.offset > 2000) {
    throw new SoqlError('NUMBER_OUTSIDE_VALID_RANGE', `\n${soql}\n^\nERROR at Row:1:Column:1\nMaximum SOQL offset allowed is 2000`);
  }
  const selected = q.fields.map(f => ({ ...f, r: resolvePath(db, soql, objKey, f.path, f.pos) }));
  if (!aggregate && selected.some(f => f.alias)) { throw malformed(soql, selected.find(f => f.alias)!.pos, 'Aliases are only allowed in aggregate queries'); }
  if (hasSemi(q.where) && hasOr(q.where)) {
    throw new SoqlError('MALFORMED_QUERY', `\n${soql}\n^\nERROR at Row:1:Column:1\nSemi join sub-selects are not allowed with the 'OR' operator`);
  }
  const filterable = db.schema[objKey].filterable?.map(norm);
  for (const f of fieldsIn(q.where)) {
    const r = resolvePath(db, soql, objKey, f.field, f.pos);
    if (filterable && !r.steps.length && !filterable.includes(norm(r.field))) {
      throw new SoqlError('INVALID_FIELD', `\n${soql}\n${' '.repeat(f.pos)}^\nERROR at Row:1:Column:${f.pos + 1}\nfield '${r.field}' can not be filtered in a query call`);
    }
  }
  const order = q.orderBy.map(o => ({ ...o, r: resolvePath(db, soql, objKey, o.path, o.pos) }));
  let rows = db.records(objKey).filter(r => !q.where || test(db, soql, objKey, r, q.where, now));
  if (aggregate) { return aggregateRows(db, soql, objKey, q, selected, rows); }
  if (order.length) {
    rows = [...rows].sort((a, b) => {
      for (const o of order) {
        const va = valueAt(db, a, o.r), vb = valueAt(db, b, o.r);
        if (va == null || vb == null) {
          if (va == null && vb == null) { continue; }
          return (va == null) === o.nullsLast ? 1 : -1;
        }
        const c = compare(va, vb);
        if (c) { return o.desc ? -c : c; }
      }
      return 0;
    });
  }
  const total = rows.length;
  rows = rows.slice(q.offset ?? 0, q.limit !== undefined ? (q.offset ?? 0) + q.limit : undefined);
  if (q.count && !selected.length) { return { totalSize: total, records: [], object: objKey }; }
  const records = rows.map(row => {
    const out: Rec = { attributes: { type: objKey, url: attributesUrl(objKey, row.Id) } };
    for (const f of selected) {
      if (!f.r.steps.length) { out[f.r.field] = row[f.r.field] ?? null; continue; }
      // Nest relationship values: {Assignee: {attributes, Profile: {attributes, Name}}}.
      let cur = out, src: Rec | null = row;
      for (const s of f.r.steps) {
        const from: Rec = src;
        src = from[s.field] == null ? null : byId(db, s.to, from[s.field]);
        if (!src) { if (!(s.rel in cur)) { cur[s.rel] = null; } break; }
        let next = cur[s.rel] as Rec | null | undefined;
        if (!next) { next = { attributes: { type: s.to, url: attributesUrl(s.to, src.Id) } }; cur[s.rel] = next; }
        cur = next;
      }
      if (src) { cur[f.r.field] = src[f.r.field] ?? null; }
    }
    return out;
  });
  return { totalSize: q.limit !== undefined ? records.length : total, records, object: objKey };
}
