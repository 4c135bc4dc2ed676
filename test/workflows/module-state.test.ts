// What preloading the workflows asks of their modules (src/workflows, src/contract): the SDK
// deep-freezes a preloaded module's exports, and every run of a workflow context shares its module
// instances. So no export may be a zod schema (zod writes its lazy parts onto the schema: frozen, it
// throws on its first parse), and no module-level variable or container may hold a run's data (the
// next run would see it: non-determinism).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const dirs = ['src/contract', 'src/workflows'].map((d) => fileURLToPath(new URL(`../../${d}/`, import.meta.url)));
const sources = dirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ dir, name: `${dir.split('/').at(-2)}/${f}`, text: readFileSync(`${dir}${f}`, 'utf8') })),
);

/** Module-level state that is shared on purpose, and why no run's data leaks through it. */
const ALLOWED: Record<string, string> = {
  'workflows/activity-options.ts: announced':
    "keyed by each run's own info object: a run sees only its own entries, which go with it",
  'contract/verification.ts: QUERY_OPERATORS': 'a lookup set of constants, never written after it is built',
  'contract/verification.ts: JS_OPERATORS': 'a lookup set of constants, never written after it is built',
  'contract/verification.ts: UPDATE_OPERATORS': 'a lookup set of constants, never written after it is built',
  'contract/verification.ts: NOT_IN_COUNT': 'a lookup set of constants, never written after it is built',
};

/** An initializer that makes a container to fill: `new X(...)`, `[]`, `{}` (through `as`/`satisfies`). */
function makesContainer(e: ts.Expression): boolean {
  if (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e))
    return makesContainer(e.expression);
  if (ts.isNewExpression(e)) return true;
  if (ts.isArrayLiteralExpression(e)) return e.elements.length === 0;
  if (ts.isObjectLiteralExpression(e)) return e.properties.length === 0;
  return false;
}

function moduleLevelState(name: string, text: string): string[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
    for (const d of statement.declarationList.declarations) {
      const what = `${name}: ${d.name.getText(file)}`;
      if (!isConst) found.push(`${what} (let/var)`);
      else if (d.initializer && makesContainer(d.initializer)) found.push(what);
    }
  }
  return found;
}

describe('module-level state of the preloaded workflow modules', () => {
  it('no let/var and no container at module level, but the allowed ones', () => {
    const found = sources.flatMap((s) => moduleLevelState(s.name, s.text));
    expect(found.filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  it('every allowed one still exists (the list names real code)', () => {
    const found = new Set(sources.flatMap((s) => moduleLevelState(s.name, s.text)));
    expect(Object.keys(ALLOWED).filter((k) => !found.has(k))).toEqual([]);
  });

  it('sees what it looks for (a module-level let, Map and empty array)', () => {
    const text = 'let runs = 0;\nexport const byRun = new Map<string, number>();\nconst seen: string[] = [];\n';
    expect(moduleLevelState('x.ts', text)).toEqual(['x.ts: runs (let/var)', 'x.ts: byRun', 'x.ts: seen']);
  });
});

describe('the schemas of the contract and the workflows', () => {
  it('no module exports a zod schema object: exported schemas are functions (contract/shared.ts)', async () => {
    const exported: string[] = [];
    for (const s of sources) {
      const mod = (await import(`${s.dir}${s.name.split('/')[1]}`)) as Record<string, unknown>;
      for (const [key, value] of Object.entries(mod))
        if (typeof value === 'object' && value !== null && '_zod' in value) exported.push(`${s.name}: ${key}`);
    }
    expect(exported).toEqual([]);
  });

  it('no module-level constant is a zod schema built outside schema() (built again in every run)', () => {
    const derived = String.raw`\w+(?:\(\))?\.(?:extend|pick|omit|partial|merge|and|or|refine|superRefine|shape)\b`;
    const bare = new RegExp(String.raw`^(?:export )?const (\w+)(?::[^=]+)? = (?:z\b|${derived})`, 'gm');
    const found = sources.flatMap((s) => [...s.text.matchAll(bare)].map((m) => `${s.name}: ${m[1]}`));
    expect(found).toEqual([]);
  });
});
