// Barcode lookup shared by the search box and the global scanner: checks the
// digits locally first, then asks the backend.
import { findBarcode } from "./api";
import type { AppError, BarcodeHit } from "./bindings";
import { gtinProblem } from "./gtin";
import type { MessageKey, Params } from "./i18n/index.svelte";
import { errorMessageKey } from "./i18n/translate";

export type BarcodeResult =
  | { ok: true; hit: BarcodeHit }
  | { ok: false; message: MessageKey; params?: Params };

function problemMessage(problem: string, code: string): BarcodeResult {
  return {
    ok: false,
    message: problem === "check_digit" ? "barcode_check_digit" : "barcode_format",
    params: { code },
  };
}

export async function lookupBarcode(code: string): Promise<BarcodeResult> {
  const problem = gtinProblem(code);
  if (problem) return problemMessage(problem, code);
  try {
    return { ok: true, hit: await findBarcode(code) };
  } catch (e) {
    const err = e as AppError;
    if (err.code === "not_found") return { ok: false, message: "barcode_not_found", params: { code } };
    if (err.code === "invalid" && err.field === "barcode") return problemMessage(err.reason, code);
    const [message, params] = errorMessageKey(err);
    return { ok: false, message, params };
  }
}
