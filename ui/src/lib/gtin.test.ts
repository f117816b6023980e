import { describe, expect, it } from "vitest";
import { gtinCheckDigit, gtinProblem, isValidGtin, looksLikeBarcode } from "./gtin";

describe("GTIN check digit", () => {
  it("accepts valid codes of every length", () => {
    expect(isValidGtin("4006381333931")).toBe(true); // GTIN-13
    expect(isValidGtin("96385074")).toBe(true); // GTIN-8
    expect(isValidGtin("036000291452")).toBe(true); // GTIN-12 (UPC-A)
    expect(isValidGtin("10614141000415")).toBe(true); // GTIN-14
  });

  it("rejects a wrong check digit", () => {
    expect(isValidGtin("4006381333932")).toBe(false);
    expect(gtinProblem("4006381333932")).toBe("check_digit");
    expect(gtinProblem("96385075")).toBe("check_digit");
  });

  it("rejects bad formats", () => {
    expect(gtinProblem("")).toBe("format");
    expect(gtinProblem("1234567")).toBe("format");
    expect(gtinProblem("12345678901")).toBe("format");
    expect(gtinProblem("400638133393a")).toBe("format");
    expect(gtinProblem("400638133393100")).toBe("format");
  });

  it("computes the check digit", () => {
    expect(gtinCheckDigit("400638133393")).toBe(1);
    expect(gtinCheckDigit("9638507")).toBe(4);
  });

  it("recognises barcode-looking queries", () => {
    expect(looksLikeBarcode("4006381333931")).toBe(true);
    expect(looksLikeBarcode("12345678")).toBe(true);
    expect(looksLikeBarcode("123456789")).toBe(false);
    expect(looksLikeBarcode("JK-1024")).toBe(false);
  });
});
