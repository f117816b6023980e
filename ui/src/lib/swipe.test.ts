import { describe, expect, it } from "vitest";
import { SWIPE_DEFAULTS, SwipeTracker, classifySwipe, lockAxis } from "./swipe";

describe("classifySwipe", () => {
  it("goes to the next colour on a long swipe to the left, the previous one to the right", () => {
    expect(classifySwipe({ dx: -120, dy: 10, velocityX: -0.1 })).toBe("next");
    expect(classifySwipe({ dx: 120, dy: -10, velocityX: 0.1 })).toBe("prev");
  });

  it("counts the distance threshold itself", () => {
    expect(classifySwipe({ dx: -SWIPE_DEFAULTS.distance, dy: 0, velocityX: 0 })).toBe("next");
    expect(classifySwipe({ dx: -(SWIPE_DEFAULTS.distance - 1), dy: 0, velocityX: 0 })).toBeNull();
  });

  it("accepts a short fast flick", () => {
    expect(classifySwipe({ dx: -40, dy: 4, velocityX: -0.9 })).toBe("next");
    expect(classifySwipe({ dx: 40, dy: 4, velocityX: 0.9 })).toBe("prev");
  });

  it("ignores a tiny flick, a slow short drag and a flick back against the drag", () => {
    expect(classifySwipe({ dx: -10, dy: 0, velocityX: -2 })).toBeNull();
    expect(classifySwipe({ dx: -40, dy: 0, velocityX: -0.1 })).toBeNull();
    expect(classifySwipe({ dx: -40, dy: 0, velocityX: 0.9 })).toBeNull();
  });

  it("leaves mostly vertical moves to scrolling", () => {
    expect(classifySwipe({ dx: -150, dy: 200, velocityX: -1 })).toBeNull();
    expect(classifySwipe({ dx: 90, dy: -90, velocityX: 1 })).toBeNull();
  });
});

describe("lockAxis", () => {
  it("waits for the slop and then follows the dominant direction", () => {
    expect(lockAxis(3, 4)).toBeNull();
    expect(lockAxis(12, 3)).toBe("x");
    expect(lockAxis(-3, 14)).toBe("y");
  });
});

describe("SwipeTracker", () => {
  function drag(points: [number, number, number][]) {
    const tracker = new SwipeTracker();
    const [first, ...rest] = points;
    tracker.begin(...first);
    const last = rest.pop()!;
    for (const p of rest) tracker.move(...p);
    return { tracker, result: tracker.end(...last) };
  }

  it("reports a mouse drag to the left as next", () => {
    expect(drag([[500, 300, 0], [460, 302, 50], [380, 305, 120], [360, 305, 400]]).result).toBe("next");
  });

  it("uses the recent speed: a flick at the end of a slow short drag counts", () => {
    // 30 px in 1 s, then 30 px in 40 ms.
    expect(drag([[500, 300, 0], [485, 300, 500], [470, 300, 1000], [440, 300, 1040]]).result).toBe("next");
  });

  it("does not count a long pause before release as a flick", () => {
    // 50 px flicked, then held still for 300 ms.
    expect(drag([[500, 300, 0], [450, 300, 40], [450, 300, 340]]).result).toBeNull();
  });

  it("gives up once the gesture locked vertically, even if it drifts sideways", () => {
    const { result } = drag([[500, 300, 0], [502, 330, 30], [420, 340, 90], [380, 345, 120]]);
    expect(result).toBeNull();
  });

  it("locks horizontally and tracks the distance while dragging", () => {
    const tracker = new SwipeTracker();
    tracker.begin(100, 100, 0);
    expect(tracker.active).toBe(true);
    tracker.move(104, 101, 10);
    expect(tracker.axis).toBeNull();
    tracker.move(130, 104, 20);
    expect(tracker.axis).toBe("x");
    expect(tracker.dx).toBe(30);
    tracker.cancel();
    expect(tracker.active).toBe(false);
    expect(tracker.dx).toBe(0);
    expect(tracker.end(0, 0, 30)).toBeNull();
  });

  it("treats a tap as nothing", () => {
    expect(drag([[100, 100, 0], [101, 100, 80]]).result).toBeNull();
  });
});
