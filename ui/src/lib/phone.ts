// Phone numbers arrive in E.164 (+56912345678); this groups the digits the
// way they are read aloud in each country the chain serves.

const GROUPS: { code: string; national: number; groups: number[] }[] = [
  // Chile: mobiles "9 1234 5678", Santiago landlines "2 2123 4567".
  { code: "56", national: 9, groups: [1, 4, 4] },
  { code: "57", national: 10, groups: [3, 3, 4] },
  { code: "52", national: 10, groups: [2, 4, 4] },
  { code: "34", national: 9, groups: [3, 2, 2, 2] },
  { code: "1", national: 10, groups: [3, 3, 4] },
];

/** "+56 9 1234 5678"; anything not in E.164 of a served country is shown as given. */
export function formatPhone(e164: string): string {
  const m = /^\+(\d+)$/.exec(e164.trim());
  if (!m) return e164;
  const digits = m[1];
  for (const g of GROUPS) {
    if (!digits.startsWith(g.code) || digits.length !== g.code.length + g.national) continue;
    let rest = digits.slice(g.code.length);
    const parts = [`+${g.code}`];
    for (const n of g.groups) {
      parts.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    return parts.join(" ");
  }
  return e164;
}
