// Loads a list of images a few at a time, so that switching to any of them
// later is instant. The loader is injected (an Image's decode() in the app).

/**
 * Runs `load` over every url, at most `concurrency` at once, in order.
 * Resolves with the urls that failed. `cancelled()` stops starting new loads.
 */
export async function preloadAll(
  urls: readonly string[],
  load: (url: string) => Promise<unknown>,
  concurrency = 3,
  cancelled: () => boolean = () => false,
): Promise<string[]> {
  const failed: string[] = [];
  const unique = [...new Set(urls)];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < unique.length && !cancelled()) {
      const url = unique[next++];
      try {
        await load(url);
      } catch {
        failed.push(url);
      }
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, unique.length)) }, worker);
  await Promise.all(workers);
  return failed;
}

/** Loads and decodes one image, keeping it in `keep` so the decoded copy stays around. */
export function decodeImage(url: string, keep: HTMLImageElement[]): Promise<void> {
  const img = new Image();
  img.decoding = "async";
  img.src = url;
  keep.push(img);
  return img.decode();
}
