import { describe, expect, it } from "vitest";
import { formatPhone } from "./phone";

describe("formatPhone", () => {
  it("groups the digits of each served country", () => {
    expect(formatPhone("+56912345678")).toBe("+56 9 1234 5678");
    expect(formatPhone("+573001234567")).toBe("+57 300 123 4567");
    expect(formatPhone("+525512345678")).toBe("+52 55 1234 5678");
    expect(formatPhone("+34612345678")).toBe("+34 612 34 56 78");
    expect(formatPhone("+12025550123")).toBe("+1 202 555 0123");
  });

  it("shows anything else as given", () => {
    expect(formatPhone("+4915112345678")).toBe("+4915112345678");
    expect(formatPhone("+5691234")).toBe("+5691234");
    expect(formatPhone("9 1234 5678")).toBe("9 1234 5678");
  });
});
