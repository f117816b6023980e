//! Pixel-level primitives: exact-area polygon coverage, distance to polylines, box blur and
//! bilinear sampling, all on rectangular [`Field`]s of `f32`.

use crate::geom::{pt, Path, Pt, Rect};

/// Shortest segment kept when a path is mapped to pixels.
const MIN_STEP: f32 = 0.4;

/// Maps design units to pixels of some grid: `px = du * scale + offset`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct View {
    pub scale: f32,
    pub ox: f32,
    pub oy: f32,
}

impl View {
    /// The pixel position of a design point.
    pub fn px(&self, p: Pt) -> Pt {
        pt(p.x * self.scale + self.ox, p.y * self.scale + self.oy)
    }

    /// The design point at a pixel position.
    pub fn du(&self, p: Pt) -> Pt {
        pt((p.x - self.ox) / self.scale, (p.y - self.oy) / self.scale)
    }

    /// A path in pixel coordinates, without points closer than [`MIN_STEP`] pixels to the
    /// previous one (curves are flattened finely enough for the largest images).
    pub fn path(&self, path: &Path) -> Path {
        let mut pts: Vec<Pt> = Vec::with_capacity(path.pts.len());
        for &p in &path.pts {
            let q = self.px(p);
            match pts.last() {
                Some(&prev) if (q - prev).len() < MIN_STEP => {}
                _ => pts.push(q),
            }
        }
        // An open path keeps its exact end point.
        if let (false, Some(&end), Some(last)) = (path.closed, path.pts.last(), pts.last_mut()) {
            *last = self.px(end);
        }
        Path { pts, closed: path.closed }
    }

    /// A design rectangle in pixel coordinates.
    pub fn rect(&self, r: Rect) -> Rect {
        let (a, b) = (self.px(pt(r.x0, r.y0)), self.px(pt(r.x1, r.y1)));
        Rect { x0: a.x, y0: a.y, x1: b.x, y1: b.y }
    }
}

/// Buffers to reuse between fields, so that rendering does not keep asking the OS for fresh
/// pages (which, for multi-megabyte images, costs more than the drawing itself).
#[derive(Default)]
pub(crate) struct Pool {
    free: Vec<Vec<f32>>,
}

/// Most buffers a [`Pool`] keeps.
const POOL_SIZE: usize = 12;

impl Pool {
    /// A buffer of `len` copies of `value`, reusing a free one when possible.
    pub fn take(&mut self, len: usize, value: f32) -> Vec<f32> {
        // The smallest free buffer that is big enough, else the biggest one (it will grow).
        let fits =
            (0..self.free.len()).filter(|&i| self.free[i].capacity() >= len).min_by_key(|&i| self.free[i].capacity());
        let biggest = (0..self.free.len()).max_by_key(|&i| self.free[i].capacity());
        let mut v = match fits.or(biggest) {
            Some(i) => self.free.swap_remove(i),
            None => Vec::new(),
        };
        v.clear();
        v.resize(len, value);
        v
    }

    /// Returns a buffer for reuse.
    pub fn give(&mut self, v: Vec<f32>) {
        if self.free.len() < POOL_SIZE {
            self.free.push(v);
        } else if let Some(smallest) = self.free.iter_mut().min_by_key(|f| f.capacity()) {
            if smallest.capacity() < v.capacity() {
                *smallest = v;
            }
        }
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let floats: usize = self.free.iter().map(Vec::capacity).sum();
        write!(f, "Pool {{ buffers: {}, floats: {floats} }}", self.free.len())
    }
}

/// A rectangle of pixels `[x0, x0 + w) × [y0, y0 + h)` holding one value per pixel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    pub x0: i32,
    pub y0: i32,
    pub w: usize,
    pub h: usize,
    pub v: Vec<f32>,
}

impl Field {
    /// A field filled with `value` covering the pixels that touch `r` (pixel coordinates).
    pub fn covering(r: Rect, value: f32, pool: &mut Pool) -> Field {
        if r.is_empty() {
            return Field { x0: 0, y0: 0, w: 0, h: 0, v: Vec::new() };
        }
        let (x0, y0) = (r.x0.floor() as i32, r.y0.floor() as i32);
        let (x1, y1) = (r.x1.ceil() as i32, r.y1.ceil() as i32);
        let (w, h) = ((x1 - x0).max(1) as usize, (y1 - y0).max(1) as usize);
        Field { x0, y0, w, h, v: pool.take(w * h, value) }
    }

    /// Hands the field's buffer back to `pool`.
    pub fn recycle(self, pool: &mut Pool) {
        pool.give(self.v);
    }

    /// The value at pixel `(x, y)`, or 0 outside the field.
    #[cfg(test)]
    pub fn get(&self, x: i32, y: i32) -> f32 {
        let (lx, ly) = (x - self.x0, y - self.y0);
        if lx < 0 || ly < 0 || lx as usize >= self.w || ly as usize >= self.h {
            return 0.0;
        }
        self.v[ly as usize * self.w + lx as usize]
    }

    /// Copies row `y` for the columns `xa..xa + out.len()` into `out`, with 0 outside the field.
    pub fn row_into(&self, y: i32, xa: i32, out: &mut [f32]) {
        out.fill(0.0);
        let ly = y - self.y0;
        if ly < 0 || ly as usize >= self.h {
            return;
        }
        let from = xa.max(self.x0);
        let to = (xa + out.len() as i32).min(self.x0 + self.w as i32);
        if from >= to {
            return;
        }
        let src = ly as usize * self.w + (from - self.x0) as usize;
        let len = (to - from) as usize;
        out[(from - xa) as usize..][..len].copy_from_slice(&self.v[src..src + len]);
    }

    /// The pixel rectangle of the field.
    pub fn rect(&self) -> Rect {
        Rect {
            x0: self.x0 as f32,
            y0: self.y0 as f32,
            x1: (self.x0 + self.w as i32) as f32,
            y1: (self.y0 + self.h as i32) as f32,
        }
    }
}

/// Exact-area coverage of closed paths given in pixel coordinates, over the pixels of `area`.
///
/// Each path adds its signed winding, so a hole must run opposite to its outline; overlapping
/// outlines of the same direction simply union. Coverage is clamped to `[0, 1]`.
pub(crate) fn fill(paths: &[Path], area: Rect, pool: &mut Pool) -> Field {
    let mut out = Field::covering(area, 0.0, pool);
    if out.w == 0 {
        return out;
    }
    out.v.clear();
    let stride = out.w + 2;
    let mut acc = pool.take(stride * out.h, 0.0);
    let (ox, oy) = (out.x0 as f32, out.y0 as f32);
    let max_x = out.w as f32;
    for path in paths {
        for (a, b) in path.segments().chain(closing(path)) {
            let a = pt((a.x - ox).clamp(0.0, max_x), a.y - oy);
            let b = pt((b.x - ox).clamp(0.0, max_x), b.y - oy);
            add_edge(&mut acc, stride, out.h, a, b);
        }
    }
    for row in acc.chunks_exact(stride) {
        let mut sum = 0.0;
        out.v.extend(row[..out.w].iter().map(|cell| {
            sum += cell;
            f32::min(f32::abs(sum), 1.0)
        }));
    }
    pool.give(acc);
    out
}

/// The segment that closes an open path, which a fill treats as closed anyway.
fn closing(path: &Path) -> Option<(Pt, Pt)> {
    match (path.closed, path.pts.first(), path.pts.last()) {
        (false, Some(&a), Some(&b)) if path.pts.len() > 2 => Some((b, a)),
        _ => None,
    }
}

/// Accumulates the signed area an edge contributes, row by row.
///
/// A piece of edge crossing a row over vertical extent `dy` adds `dy` to the coverage of every
/// pixel to its right; the pixel it passes through gets the part of that area right of the edge.
/// Prefix sums along each row then yield the coverage.
fn add_edge(acc: &mut [f32], stride: usize, rows: usize, a: Pt, b: Pt) {
    if a.y == b.y {
        return;
    }
    let (dir, top, bot) = if a.y < b.y { (1.0, a, b) } else { (-1.0, b, a) };
    let dxdy = (bot.x - top.x) / (bot.y - top.y);
    let y_start = top.y.max(0.0);
    let y_end = bot.y.min(rows as f32);
    let mut y = y_start;
    while y < y_end {
        let row = y.floor() as usize;
        let y_next = ((row + 1) as f32).min(y_end);
        let xa = top.x + (y - top.y) * dxdy;
        let xb = top.x + (y_next - top.y) * dxdy;
        let cells = &mut acc[row * stride..(row + 1) * stride];
        add_piece(cells, xa, xb, (y_next - y) * dir);
        y = y_next;
    }
}

/// Adds one row's piece of an edge running from `xa` to `xb` with signed height `dy`.
fn add_piece(cells: &mut [f32], xa: f32, xb: f32, dy: f32) {
    let (x0, x1) = if xa < xb { (xa, xb) } else { (xb, xa) };
    let last = cells.len() - 2;
    let mut put = |c: usize, mid: f32, d: f32| {
        let c = c.min(last);
        cells[c] += d * (1.0 - mid);
        cells[c + 1] += d * mid;
    };
    let span = x1 - x0;
    if span < 1e-6 || x0.floor() == x1.floor() || (x1 == x1.floor() && x1 - x0 <= 1.0) {
        let c = x0.floor();
        put(c as usize, (0.5 * (x0 + x1) - c).clamp(0.0, 1.0), dy);
        return;
    }
    let mut s = x0;
    while s < x1 {
        let c = s.floor();
        let e = (c + 1.0).min(x1);
        put(c as usize, 0.5 * (s + e) - c, dy * (e - s) / span);
        s = e;
    }
}

/// For each pixel of `area`, the distance from its centre to the nearest segment of `paths`
/// (pixel coordinates), or `reach` when nothing is nearer than that.
pub(crate) fn distance(paths: &[Path], area: Rect, reach: f32, pool: &mut Pool) -> Field {
    let mut out = squared_distance(paths, area, reach, pool);
    let reach2 = reach * reach;
    for d in &mut out.v {
        *d = if *d < reach2 { d.sqrt() } else { reach };
    }
    out
}

/// Anti-aliased coverage of lines of half-width `hw` (pixels) along `paths`, over `area`;
/// with `offset`, of the lines running `offset` pixels either side of the paths instead.
pub(crate) fn stroke(paths: &[Path], area: Rect, hw: f32, offset: f32, pool: &mut Pool) -> Field {
    let reach = offset + hw.max(0.5) + 1.0;
    let mut out = squared_distance(paths, area, reach, pool);
    let reach2 = reach * reach;
    for d in &mut out.v {
        *d = if *d < reach2 { line_coverage((d.sqrt() - offset).abs(), hw) } else { 0.0 };
    }
    out
}

/// For each pixel of `area`, the squared distance from its centre to the nearest segment of
/// `paths`, or `reach²` when nothing is nearer than `reach`.
fn squared_distance(paths: &[Path], area: Rect, reach: f32, pool: &mut Pool) -> Field {
    let mut out = Field::covering(area, reach * reach, pool);
    for path in paths {
        for (a, b) in path.segments() {
            segment_distance2(&mut out, a, b, reach);
        }
        if path.pts.len() == 1 {
            segment_distance2(&mut out, path.pts[0], path.pts[0], reach);
        }
    }
    out
}

/// Lowers `out` to the squared distance to segment `ab` wherever the distance is below `reach`.
fn segment_distance2(out: &mut Field, a: Pt, b: Pt, reach: f32) {
    let x0 = ((a.x.min(b.x) - reach).floor() as i32).max(out.x0);
    let x1 = ((a.x.max(b.x) + reach).ceil() as i32).min(out.x0 + out.w as i32);
    let y0 = ((a.y.min(b.y) - reach).floor() as i32).max(out.y0);
    let y1 = ((a.y.max(b.y) + reach).ceil() as i32).min(out.y0 + out.h as i32);
    let ab = b - a;
    let len2 = ab.x * ab.x + ab.y * ab.y;
    let inv = if len2 > 1e-12 { 1.0 / len2 } else { 0.0 };
    for y in y0..y1 {
        let row = (y - out.y0) as usize * out.w;
        let py = y as f32 + 0.5 - a.y;
        for x in x0..x1 {
            let px = x as f32 + 0.5 - a.x;
            let t = ((px * ab.x + py * ab.y) * inv).clamp(0.0, 1.0);
            let (dx, dy) = (px - ab.x * t, py - ab.y * t);
            let d = dx * dx + dy * dy;
            let cell = &mut out.v[row + (x - out.x0) as usize];
            if d < *cell {
                *cell = d;
            }
        }
    }
}

/// Anti-aliased coverage of a line of half-width `hw` at distance `d` from its centre line.
/// Lines thinner than a pixel are drawn a pixel wide and proportionally fainter.
pub(crate) fn line_coverage(d: f32, hw: f32) -> f32 {
    let (hw, alpha) = if hw < 0.5 { (0.5, hw * 2.0) } else { (hw, 1.0) };
    (hw + 0.5 - d).clamp(0.0, 1.0) * alpha
}

/// Approximate Gaussian blur: three box blurs of radius `r` in each direction; outside is 0.
pub(crate) fn blur(f: &mut Field, r: usize) {
    if r == 0 || f.w == 0 || f.h == 0 {
        return;
    }
    let mut line = Vec::new();
    let mut sums = vec![0.0f32; f.w];
    let mut out = vec![0.0f32; f.v.len()];
    for _ in 0..3 {
        for row in f.v.chunks_exact_mut(f.w) {
            line.clear();
            line.extend_from_slice(row);
            box_line(&line, r, row);
        }
        box_columns(&f.v, f.w, r, &mut sums, &mut out);
        std::mem::swap(&mut f.v, &mut out);
    }
}

/// Running-sum box filter of radius `r` of one line `src` into `dst`.
fn box_line(src: &[f32], r: usize, dst: &mut [f32]) {
    let n = src.len();
    let norm = 1.0 / (2 * r + 1) as f32;
    let mut sum: f32 = src.iter().take(r.min(n)).sum();
    for (i, d) in dst.iter_mut().enumerate() {
        if i + r < n {
            sum += src[i + r];
        }
        if i > r {
            sum -= src[i - r - 1];
        }
        *d = sum * norm;
    }
}

/// Box filter of radius `r` down the columns of `src` (rows of width `w`) into `dst`, a whole
/// row at a time, with `sums` as the running column sums.
fn box_columns(src: &[f32], w: usize, r: usize, sums: &mut [f32], dst: &mut [f32]) {
    let h = src.len() / w;
    let norm = 1.0 / (2 * r + 1) as f32;
    let row = |y: usize| &src[y * w..(y + 1) * w];
    sums.fill(0.0);
    for y in 0..r.min(h) {
        sums.iter_mut().zip(row(y)).for_each(|(s, v)| *s += v);
    }
    for (y, out) in dst.chunks_exact_mut(w).enumerate() {
        if y + r < h {
            sums.iter_mut().zip(row(y + r)).for_each(|(s, v)| *s += v);
        }
        if y > r {
            sums.iter_mut().zip(row(y - r - 1)).for_each(|(s, v)| *s -= v);
        }
        out.iter_mut().zip(sums.iter()).for_each(|(o, s)| *o = s * norm);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::{circle, rounded_rect};

    fn total(f: &Field) -> f32 {
        f.v.iter().sum()
    }

    #[test]
    fn fill_of_an_axis_aligned_square_is_exact() {
        let square = rounded_rect(2.25, 3.5, 12.25, 9.5, 0.0);
        let f = fill(&[square], Rect { x0: 0.0, y0: 0.0, x1: 16.0, y1: 16.0 }, &mut Pool::default());
        assert!((total(&f) - 60.0).abs() < 1e-3, "{}", total(&f));
        assert!((f.get(2, 5) - 0.75).abs() < 1e-4);
        assert!((f.get(5, 5) - 1.0).abs() < 1e-4);
        assert_eq!(f.get(1, 5), 0.0);
    }

    #[test]
    fn fill_of_a_circle_matches_its_area() {
        let c = circle(pt(20.3, 18.7), 11.0);
        let f = fill(&[c], Rect { x0: 0.0, y0: 0.0, x1: 40.0, y1: 40.0 }, &mut Pool::default());
        let expected = std::f32::consts::PI * 121.0;
        assert!((total(&f) - expected).abs() / expected < 0.01, "{}", total(&f));
        assert!(f.v.iter().all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn a_hole_running_the_other_way_is_empty() {
        let outer = rounded_rect(0.0, 0.0, 20.0, 20.0, 0.0);
        let hole = rounded_rect(5.0, 5.0, 15.0, 15.0, 0.0).reversed();
        let f = fill(&[outer, hole], Rect { x0: 0.0, y0: 0.0, x1: 20.0, y1: 20.0 }, &mut Pool::default());
        assert!((total(&f) - 300.0).abs() < 1e-2, "{}", total(&f));
        assert_eq!(f.get(10, 10), 0.0);
    }

    #[test]
    fn distance_to_a_segment() {
        let area = Rect { x0: 0.0, y0: 0.0, x1: 10.0, y1: 10.0 };
        let d = distance(&[Path::line(pt(0.0, 5.0), pt(10.0, 5.0))], area, 4.0, &mut Pool::default());
        assert!((d.get(3, 5) - 0.5).abs() < 1e-5);
        assert!((d.get(3, 8) - 3.5).abs() < 1e-5);
        assert_eq!(d.get(3, 0), 4.0);
    }

    #[test]
    fn row_into_pads_with_zeros() {
        let mut pool = Pool::default();
        let mut f = Field::covering(Rect { x0: 2.0, y0: 1.0, x1: 5.0, y1: 2.0 }, 1.0, &mut pool);
        f.v[1] = 2.0;
        let mut row = [9.0; 6];
        f.row_into(1, 0, &mut row);
        assert_eq!(row, [0.0, 0.0, 1.0, 2.0, 1.0, 0.0]);
        f.row_into(0, 0, &mut row);
        assert_eq!(row, [0.0; 6]);
    }

    #[test]
    fn pool_reuses_buffers() {
        let mut pool = Pool::default();
        let a = pool.take(100, 1.0);
        let ptr = a.as_ptr();
        pool.give(a);
        let b = pool.take(50, 2.0);
        assert_eq!((b.as_ptr(), b.len(), b[49]), (ptr, 50, 2.0));
    }

    #[test]
    fn stroke_covers_the_line_and_fades_at_its_edge() {
        let area = Rect { x0: 0.0, y0: 0.0, x1: 10.0, y1: 10.0 };
        let line = [Path::line(pt(0.0, 5.5), pt(10.0, 5.5))];
        let f = stroke(&line, area, 1.0, 0.0, &mut Pool::default());
        assert_eq!((f.get(3, 5), f.get(3, 6), f.get(3, 7)), (1.0, 0.5, 0.0));
        let band = stroke(&line, area, 0.5, 3.0, &mut Pool::default());
        assert_eq!((band.get(3, 2), band.get(3, 5), band.get(3, 8)), (1.0, 0.0, 1.0));
    }

    #[test]
    fn blur_is_the_same_along_both_axes() {
        let mut pool = Pool::default();
        let mut f = Field::covering(Rect { x0: 0.0, y0: 0.0, x1: 30.0, y1: 30.0 }, 0.0, &mut pool);
        f.v[12 * 30 + 17] = 1.0;
        blur(&mut f, 3);
        for d in 1..8 {
            assert!((f.get(17 + d, 12) - f.get(17, 12 + d)).abs() < 1e-6, "{d}");
        }
    }

    #[test]
    fn blur_keeps_mass_away_from_the_edges() {
        let mut f = Field::covering(Rect { x0: 0.0, y0: 0.0, x1: 40.0, y1: 40.0 }, 0.0, &mut Pool::default());
        f.v[20 * 40 + 20] = 1.0;
        blur(&mut f, 2);
        assert!((total(&f) - 1.0).abs() < 1e-4);
        assert!(f.get(20, 20) > f.get(23, 20));
    }
}
