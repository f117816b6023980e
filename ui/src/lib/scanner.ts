// Detects barcode-scanner input among keystrokes. Hand-held scanners act as
// keyboards that type the digits very fast and finish with Enter; people type
// much slower. Pure: fed with (key, timestamp), no DOM access.

export interface ScanDetectorOptions {
  /** Fewest digits a scan may have. */
  minLength?: number;
  /** A gap of this many ms or more between keys breaks the burst. */
  maxGapMs?: number;
  /** Longest code kept; longer bursts are not scans. */
  maxLength?: number;
}

export class ScanDetector {
  private readonly minLength: number;
  private readonly maxGapMs: number;
  private readonly maxLength: number;
  private digits = "";
  private lastAt = -Infinity;

  constructor(options: ScanDetectorOptions = {}) {
    this.minLength = options.minLength ?? 8;
    this.maxGapMs = options.maxGapMs ?? 50;
    this.maxLength = options.maxLength ?? 64;
  }

  /** Digits of the burst in progress (for clearing what it typed). */
  get pending(): string {
    return this.digits;
  }

  reset(): void {
    this.digits = "";
    this.lastAt = -Infinity;
  }

  /**
   * Feeds one key (KeyboardEvent.key) pressed at `timestampMs`. Returns the
   * scanned code when this key completes a scan, otherwise null.
   */
  feed(key: string, timestampMs: number): string | null {
    const fast = timestampMs - this.lastAt < this.maxGapMs;
    if (key.length === 1 && key >= "0" && key <= "9") {
      this.digits = fast && this.digits.length < this.maxLength ? this.digits + key : key;
      this.lastAt = timestampMs;
      return null;
    }
    if (key === "Enter" && fast && this.digits.length >= this.minLength) {
      const code = this.digits;
      this.reset();
      return code;
    }
    // Anything else (including a slow Enter) ends the burst.
    if (key !== "Shift") this.reset();
    return null;
  }
}
