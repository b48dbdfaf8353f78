/** Longest cell id kept before a numeric suffix (file names stay well under common 255-byte limits). */
export const MAX_CELL_ID_LENGTH = 120;

/**
 * A piece of a file name made from free text: characters other than letters,
 * digits, `.`, `_` and `-` become `_`, leading dots are dropped (no hidden or
 * `..` names), and an empty result becomes `_`.
 */
export function safeNamePart(text: string): string {
  const replaced = text.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return replaced === '' ? '_' : replaced;
}

/**
 * Makes ids unique, keeping the order: each candidate is cut to
 * {@link MAX_CELL_ID_LENGTH} characters, and one that collides (ignoring
 * case, for case-insensitive file systems) with an earlier id gets the first
 * free suffix `-2`, `-3`, ... Deterministic: the same candidates give the
 * same ids.
 */
export function uniqueCellIds(candidates: readonly string[]): string[] {
  const taken = new Set<string>();
  return candidates.map((candidate) => {
    const base = safeNamePart(candidate).slice(0, MAX_CELL_ID_LENGTH);
    let id = base;
    for (let suffix = 2; taken.has(id.toLowerCase()); suffix += 1) id = `${base}-${suffix}`;
    taken.add(id.toLowerCase());
    return id;
  });
}
