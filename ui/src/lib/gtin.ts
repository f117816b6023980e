// GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) helpers for instant feedback before
// asking the backend.

export const GTIN_LENGTHS = [8, 12, 13, 14] as const;

/** True when the text is all digits with a GTIN length (8, 12, 13 or 14). */
export function looksLikeBarcode(text: string): boolean {
  return /^\d+$/.test(text) && (GTIN_LENGTHS as readonly number[]).includes(text.length);
}

/** The check digit for the digits that precede it. */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  // Weights alternate 3,1,3,… starting from the digit next to the check digit.
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) {
    sum += (body.charCodeAt(i) - 48) * w;
  }
  return (10 - (sum % 10)) % 10;
}

export type GtinProblem = "format" | "check_digit";

/** null when valid, otherwise what is wrong (same reasons the backend uses). */
export function gtinProblem(code: string): GtinProblem | null {
  if (!looksLikeBarcode(code)) return "format";
  const body = code.slice(0, -1);
  const check = code.charCodeAt(code.length - 1) - 48;
  return gtinCheckDigit(body) === check ? null : "check_digit";
}

export function isValidGtin(code: string): boolean {
  return gtinProblem(code) === null;
}
