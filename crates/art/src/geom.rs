//! Plane geometry in design units: points, polylines and smooth outlines.
//!
//! Every drawing is authored on a 300 × 400 unit canvas (y grows downwards) and
//! scaled to the output size, so one set of coordinates serves every resolution.

use std::ops::{Add, Mul, Sub};

/// Width of the design canvas.
pub(crate) const CANVAS_W: f32 = 300.0;
/// Height of the design canvas.
pub(crate) const CANVAS_H: f32 = 400.0;
/// Horizontal centre of the design canvas, the axis of symmetric garments.
pub(crate) const MID: f32 = CANVAS_W / 2.0;

/// A point (or vector) in design units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pt {
    pub x: f32,
    pub y: f32,
}

/// Shorthand constructor for a [`Pt`].
pub(crate) const fn pt(x: f32, y: f32) -> Pt {
    Pt { x, y }
}

impl Add for Pt {
    type Output = Pt;
    fn add(self, o: Pt) -> Pt {
        pt(self.x + o.x, self.y + o.y)
    }
}

impl Sub for Pt {
    type Output = Pt;
    fn sub(self, o: Pt) -> Pt {
        pt(self.x - o.x, self.y - o.y)
    }
}

impl Mul<f32> for Pt {
    type Output = Pt;
    fn mul(self, k: f32) -> Pt {
        pt(self.x * k, self.y * k)
    }
}

impl Pt {
    /// Euclidean length of the vector.
    pub fn len(self) -> f32 {
        self.x.hypot(self.y)
    }

    /// The point a fraction `t` of the way to `o`.
    pub fn lerp(self, o: Pt, t: f32) -> Pt {
        self + (o - self) * t
    }

    /// This point mirrored in the canvas's vertical axis.
    pub fn mirrored(self) -> Pt {
        pt(2.0 * MID - self.x, self.y)
    }
}

/// An axis-aligned rectangle `[x0, x1] × [y0, y1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    /// The empty rectangle, neutral for [`Rect::union`].
    pub const EMPTY: Rect = Rect { x0: f32::MAX, y0: f32::MAX, x1: f32::MIN, y1: f32::MIN };

    /// The smallest rectangle holding both.
    pub fn union(self, o: Rect) -> Rect {
        Rect { x0: self.x0.min(o.x0), y0: self.y0.min(o.y0), x1: self.x1.max(o.x1), y1: self.y1.max(o.y1) }
    }

    /// Grown by `m` on every side.
    pub fn expand(self, m: f32) -> Rect {
        Rect { x0: self.x0 - m, y0: self.y0 - m, x1: self.x1 + m, y1: self.y1 + m }
    }

    /// Whether the rectangle holds no point.
    pub fn is_empty(self) -> bool {
        self.x0 > self.x1 || self.y0 > self.y1
    }
}

/// A polyline; a closed one also joins its last point to its first.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Path {
    pub pts: Vec<Pt>,
    pub closed: bool,
}

impl Path {
    /// An open polyline through `pts`.
    pub fn open(pts: Vec<Pt>) -> Path {
        Path { pts, closed: false }
    }

    /// A closed polygon through `pts`.
    pub fn closed(pts: Vec<Pt>) -> Path {
        Path { pts, closed: true }
    }

    /// The straight line from `a` to `b`.
    pub fn line(a: Pt, b: Pt) -> Path {
        Path::open(vec![a, b])
    }

    /// Every point transformed by `f`.
    pub fn map(&self, f: impl Fn(Pt) -> Pt) -> Path {
        Path { pts: self.pts.iter().map(|&p| f(p)).collect(), closed: self.closed }
    }

    /// Moved by `(dx, dy)`.
    pub fn translate(&self, dx: f32, dy: f32) -> Path {
        self.map(|p| pt(p.x + dx, p.y + dy))
    }

    /// Mirrored in the canvas's vertical axis.
    pub fn mirrored(&self) -> Path {
        let mut pts: Vec<Pt> = self.pts.iter().map(|p| p.mirrored()).collect();
        // Keep the winding direction, which the rasteriser relies on for holes.
        pts.reverse();
        Path { pts, closed: self.closed }
    }

    /// The same points in the opposite order.
    pub fn reversed(&self) -> Path {
        let mut pts = self.pts.clone();
        pts.reverse();
        Path { pts, closed: self.closed }
    }

    /// Each straight segment, including the closing one of a closed path.
    pub fn segments(&self) -> impl Iterator<Item = (Pt, Pt)> + '_ {
        let n = self.pts.len();
        let count = match (self.closed, n) {
            (_, 0 | 1) => 0,
            (true, _) => n,
            (false, _) => n - 1,
        };
        (0..count).map(move |i| (self.pts[i], self.pts[(i + 1) % n]))
    }

    /// Bounding box of the points.
    pub fn bounds(&self) -> Rect {
        self.pts.iter().fold(Rect::EMPTY, |r, p| r.union(Rect { x0: p.x, y0: p.y, x1: p.x, y1: p.y }))
    }

    /// Total length of the segments.
    pub fn length(&self) -> f32 {
        self.segments().map(|(a, b)| (b - a).len()).sum()
    }

    /// A parallel path `d` units to the left of the direction of travel (right when negative).
    pub fn offset(&self, d: f32) -> Path {
        let mut src = self.pts.clone();
        src.dedup_by(|a, b| (*a - *b).len() < 1e-4);
        if self.closed && src.len() > 1 && (src[0] - src[src.len() - 1]).len() < 1e-4 {
            src.pop();
        }
        let n = src.len();
        let normal = |a: Pt, b: Pt| {
            let v = b - a;
            let l = v.len().max(1e-6);
            pt(v.y / l, -v.x / l)
        };
        let pts = (0..n)
            .map(|i| {
                let p = src[i];
                let prev = if i > 0 {
                    Some(src[i - 1])
                } else if self.closed {
                    Some(src[n - 1])
                } else {
                    None
                };
                let next = if i + 1 < n {
                    Some(src[i + 1])
                } else if self.closed {
                    Some(src[0])
                } else {
                    None
                };
                let (sum, count) = match (prev, next) {
                    (Some(a), Some(b)) => (normal(a, p) + normal(p, b), 2.0),
                    (Some(a), None) => (normal(a, p), 1.0),
                    (None, Some(b)) => (normal(p, b), 1.0),
                    (None, None) => (pt(0.0, 0.0), 1.0),
                };
                let l = sum.len();
                if l < 1e-6 {
                    return p;
                }
                // Scale so the offset lines keep distance `d` at bends too (capped at sharp ones).
                let unit = sum * (1.0 / l);
                let cos_half = (l / count).clamp(0.5, 1.0);
                p + unit * (d / cos_half)
            })
            .collect();
        Path { pts, closed: self.closed }
    }

    /// Twice the signed area (shoelace); positive when the path turns clockwise on screen.
    pub fn signed_area2(&self) -> f32 {
        self.segments().map(|(a, b)| a.x * b.y - b.x * a.y).sum()
    }

    /// A closed path shrunk by `d` units (grown when negative), whichever way it runs.
    pub fn inset(&self, d: f32) -> Path {
        if self.signed_area2() > 0.0 {
            self.offset(-d)
        } else {
            self.offset(d)
        }
    }

    /// The point a fraction `t` of the way along the path, by arc length.
    pub fn point_at(&self, t: f32) -> Pt {
        let target = self.length() * t.clamp(0.0, 1.0);
        let mut walked = 0.0;
        for (a, b) in self.segments() {
            let l = (b - a).len();
            if walked + l >= target && l > 0.0 {
                return a.lerp(b, (target - walked) / l);
            }
            walked += l;
        }
        self.pts.last().copied().unwrap_or(pt(0.0, 0.0))
    }

    /// The closed strip between this path and its [`Path::offset`] by `d`.
    pub fn ribbon(&self, d: f32) -> Path {
        let mut pts = self.pts.clone();
        pts.extend(self.offset(d).pts.into_iter().rev());
        Path::closed(pts)
    }

    /// The part from arc length `from` to `to`.
    pub fn slice(&self, from: f32, to: f32) -> Path {
        let mut out = Vec::new();
        let mut walked = 0.0;
        for (a, b) in self.segments() {
            let l = (b - a).len();
            let (s0, s1) = (walked, walked + l);
            walked = s1;
            if s1 < from || s0 > to || l <= 0.0 {
                continue;
            }
            let t0 = ((from - s0) / l).clamp(0.0, 1.0);
            let t1 = ((to - s0) / l).clamp(0.0, 1.0);
            if out.is_empty() {
                out.push(a.lerp(b, t0));
            }
            out.push(a.lerp(b, t1));
        }
        Path::open(out)
    }

    /// Dashes of length `on` separated by gaps of `off`, as open paths.
    pub fn dashes(&self, on: f32, off: f32) -> Vec<Path> {
        let total = self.length();
        let period = (on + off).max(0.1);
        // Centre the pattern so both ends look alike.
        let count = ((total + off) / period).floor().max(1.0);
        let start = (total - (count * period - off)) / 2.0;
        (0..count as usize)
            .map(|i| {
                let s = start + i as f32 * period;
                self.slice(s, s + on)
            })
            .filter(|p| p.pts.len() >= 2)
            .collect()
    }
}

/// A control point of a [`spline`]: the curve passes through it, smoothly or with a corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Knot {
    pub p: Pt,
    pub corner: bool,
}

/// A knot the curve passes through smoothly.
pub(crate) const fn sm(x: f32, y: f32) -> Knot {
    Knot { p: pt(x, y), corner: false }
}

/// A knot where the curve turns sharply; between two corners it runs straight.
pub(crate) const fn cr(x: f32, y: f32) -> Knot {
    Knot { p: pt(x, y), corner: true }
}

/// A curve through `knots` (Catmull–Rom between smooth knots, one-sided tangents at corners),
/// flattened into a polyline.
pub(crate) fn spline(knots: &[Knot], closed: bool) -> Path {
    let n = knots.len();
    if n < 2 {
        return Path { pts: knots.iter().map(|k| k.p).collect(), closed };
    }
    let at = |i: isize| -> Option<Knot> {
        if closed {
            Some(knots[i.rem_euclid(n as isize) as usize])
        } else if (0..n as isize).contains(&i) {
            Some(knots[i as usize])
        } else {
            None
        }
    };
    // Tangent leaving knot i (towards i + 1) and arriving at it (from i - 1).
    let tangent = |i: isize, leaving: bool| -> Pt {
        let Some(k) = at(i) else { return pt(0.0, 0.0) };
        let (prev, next) = (at(i - 1), at(i + 1));
        match (k.corner, prev, next) {
            (false, Some(a), Some(b)) => (b.p - a.p) * 0.5,
            (_, _, Some(b)) if leaving => b.p - k.p,
            (_, Some(a), _) if !leaving => k.p - a.p,
            (_, Some(a), None) => k.p - a.p,
            (_, None, Some(b)) => b.p - k.p,
            _ => pt(0.0, 0.0),
        }
    };
    let segments = if closed { n } else { n - 1 };
    let mut pts = Vec::new();
    for i in 0..segments as isize {
        let (Some(a), Some(b)) = (at(i), at(i + 1)) else { continue };
        let c1 = a.p + tangent(i, true) * (1.0 / 3.0);
        let c2 = b.p - tangent(i + 1, false) * (1.0 / 3.0);
        cubic(&mut pts, a.p, c1, c2, b.p);
    }
    if !closed {
        pts.push(knots[n - 1].p);
    }
    Path { pts, closed }
}

/// Appends a flattened cubic Bézier from `a` to `d` (without its end point).
fn cubic(out: &mut Vec<Pt>, a: Pt, b: Pt, c: Pt, d: Pt) {
    let hull = (b - a).len() + (c - b).len() + (d - c).len();
    let chord = (d - a).len();
    let steps = if hull - chord < 0.01 { 1 } else { ((hull / 1.5).ceil() as usize).clamp(2, 64) };
    for s in 0..steps {
        let t = s as f32 / steps as f32;
        let u = 1.0 - t;
        let p = a * (u * u * u) + b * (3.0 * u * u * t) + c * (3.0 * u * t * t) + d * (t * t * t);
        out.push(p);
    }
}

/// A closed outline symmetric about the canvas axis, from the right half's knots.
///
/// `half` runs from a knot on the axis (usually the top) down the right-hand side to another
/// knot on the axis; the left half is its mirror image.
pub(crate) fn mirrored(half: &[Knot]) -> Path {
    let mut knots = half.to_vec();
    let inner = half.len().saturating_sub(1);
    for k in half[1..inner].iter().rev() {
        knots.push(Knot { p: k.p.mirrored(), corner: k.corner });
    }
    spline(&knots, true)
}

/// A closed smooth curve through the knots.
pub(crate) fn outline(knots: &[Knot]) -> Path {
    spline(knots, true)
}

/// An open smooth curve through the knots.
pub(crate) fn curve(knots: &[Knot]) -> Path {
    spline(knots, false)
}

/// An ellipse arc from angle `a0` to `a1` (radians, clockwise on screen from +x).
pub(crate) fn arc(c: Pt, rx: f32, ry: f32, a0: f32, a1: f32) -> Path {
    let span = (a1 - a0).abs() * rx.max(ry);
    let steps = ((span / 1.5).ceil() as usize).clamp(4, 256);
    let pts = (0..=steps)
        .map(|i| {
            let a = a0 + (a1 - a0) * i as f32 / steps as f32;
            pt(c.x + rx * a.cos(), c.y + ry * a.sin())
        })
        .collect();
    Path::open(pts)
}

/// A closed ellipse.
pub(crate) fn ellipse(c: Pt, rx: f32, ry: f32) -> Path {
    let mut p = arc(c, rx, ry, 0.0, std::f32::consts::TAU);
    p.pts.pop();
    p.closed = true;
    p
}

/// A closed circle.
pub(crate) fn circle(c: Pt, r: f32) -> Path {
    ellipse(c, r, r)
}

/// A closed rectangle with corners rounded by `r`.
pub(crate) fn rounded_rect(x0: f32, y0: f32, x1: f32, y1: f32, r: f32) -> Path {
    use std::f32::consts::{FRAC_PI_2, PI};
    let r = r.min((x1 - x0) / 2.0).min((y1 - y0) / 2.0).max(0.0);
    if r < 0.01 {
        return Path::closed(vec![pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1)]);
    }
    let corners = [
        (pt(x1 - r, y0 + r), -FRAC_PI_2),
        (pt(x1 - r, y1 - r), 0.0),
        (pt(x0 + r, y1 - r), FRAC_PI_2),
        (pt(x0 + r, y0 + r), PI),
    ];
    let mut pts = Vec::new();
    for (c, a) in corners {
        pts.extend(arc(c, r, r, a, a + FRAC_PI_2).pts);
    }
    Path::closed(pts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spline_between_corners_is_straight() {
        let p = curve(&[cr(0.0, 0.0), cr(10.0, 10.0)]);
        assert_eq!(p.pts, vec![pt(0.0, 0.0), pt(10.0, 10.0)]);
    }

    #[test]
    fn spline_passes_through_its_knots() {
        let knots = [cr(0.0, 0.0), sm(10.0, 5.0), sm(20.0, 0.0), cr(30.0, 8.0)];
        let p = curve(&knots);
        for k in knots {
            assert!(p.pts.iter().any(|q| (*q - k.p).len() < 1e-4), "{k:?}");
        }
    }

    #[test]
    fn mirrored_outline_is_symmetric() {
        let p = mirrored(&[sm(MID, 0.0), cr(MID + 40.0, 20.0), sm(MID, 60.0)]);
        let b = p.bounds();
        assert!((b.x0 + b.x1 - 2.0 * MID).abs() < 1e-3, "{b:?}");
    }

    #[test]
    fn offset_of_a_line_is_parallel() {
        // Travelling right on a y-down canvas, the left is up.
        let p = Path::line(pt(0.0, 0.0), pt(10.0, 0.0)).offset(2.0);
        assert!(p.pts.iter().all(|q| (q.y + 2.0).abs() < 1e-4), "{p:?}");
    }

    #[test]
    fn inset_shrinks_either_winding() {
        let square = rounded_rect(0.0, 0.0, 20.0, 20.0, 0.0);
        for p in [square.clone(), square.reversed()] {
            let b = p.inset(2.0).bounds();
            assert!((b.x0 - 2.0).abs() < 1e-3 && (b.x1 - 18.0).abs() < 1e-3, "{b:?}");
        }
    }

    #[test]
    fn point_at_walks_by_arc_length() {
        let p = Path::open(vec![pt(0.0, 0.0), pt(10.0, 0.0), pt(10.0, 30.0)]);
        assert_eq!(p.point_at(0.5), pt(10.0, 10.0));
        assert_eq!(p.point_at(1.0), pt(10.0, 30.0));
    }

    #[test]
    fn dashes_cover_about_the_on_fraction() {
        let p = Path::line(pt(0.0, 0.0), pt(100.0, 0.0));
        let dashes = p.dashes(4.0, 2.0);
        let inked: f32 = dashes.iter().map(Path::length).sum();
        assert!((60.0..=72.0).contains(&inked), "{inked}");
    }
}
