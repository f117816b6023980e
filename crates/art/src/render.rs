//! Renders a [`Scene`] into palette indices.
//!
//! Parts are composited in painter's order into a few per-pixel channels (coverage, shading,
//! line ink, material). Each part's shading comes from a coarse grid: its mask is blurred into a
//! soft height field, lit from the upper left, and sampled bilinearly at full resolution. The
//! backdrop (wall gradient, floor shadow and a soft drop shadow of the whole garment) is added
//! last and every pixel is quantised to a recipe of [`crate::palette`].

use crate::geom::{pt, Path, Pt, Rect, CANVAS_H, CANVAS_W};
use crate::palette::{self, Sample, NEUTRAL};
use crate::raster::{self, Field, Pool, View};
use crate::scene::{Detail, Layer, Material, Part, Scene, Shape};
use std::ops::Range;

/// Width of part outlines in design units.
const OUTLINE: f32 = 0.85;
/// Narrowest outline in pixels, so that thumbnails keep a crisp edge.
const OUTLINE_MIN_PX: f32 = 0.9;
/// Direction towards the key light (x right, y down, z towards the viewer), normalised.
const LIGHT: [f32; 3] = [-0.4364, -0.5820, 0.6862];
/// Weight of the diffuse light in a part's shading.
const DIFFUSE: f32 = 0.3;
/// Darkening of a part towards its edges, as if it were softly padded.
const PILLOW: f32 = 0.12;
/// Weight and tightness of the broad, matte sheen on edges facing the light.
const SHEEN: f32 = 0.05;
const SHEEN_POWER: i32 = 6;
/// Offset of the shadow a part casts on the parts beneath it, in design units.
const CAST_OFFSET: Pt = pt(1.5, 2.5);
/// Darkening of a cast shadow at full strength.
const CAST_STRENGTH: f32 = 0.2;
/// Cell size of the garment-wide mask used for the drop shadow, in design units.
const DROP_CELL: f32 = 2.0;
/// Offset of the drop shadow on the wall, in design units.
const DROP_OFFSET: Pt = pt(4.0, 7.0);
/// Darkening of the wall by the drop shadow at full strength.
const DROP_STRENGTH: f32 = 0.12;

/// The per-pixel channels of the garment over the pixels it may touch.
struct Canvas {
    /// Pixels covered by the channels, within the image.
    x0: i32,
    y0: i32,
    w: usize,
    h: usize,
    cov: Vec<f32>,
    shade: Vec<f32>,
    ink: Vec<f32>,
    material: Vec<Material>,
}

impl Canvas {
    fn new(area: Rect, width: u32, height: u32, pool: &mut Pool) -> Canvas {
        let x0 = (area.x0.floor() as i32).clamp(0, width as i32);
        let y0 = (area.y0.floor() as i32).clamp(0, height as i32);
        let x1 = (area.x1.ceil() as i32).clamp(x0, width as i32);
        let y1 = (area.y1.ceil() as i32).clamp(y0, height as i32);
        let (w, h) = ((x1 - x0) as usize, (y1 - y0) as usize);
        let n = w * h;
        Canvas {
            x0,
            y0,
            w,
            h,
            cov: pool.take(n, 0.0),
            shade: pool.take(n, NEUTRAL),
            ink: pool.take(n, 0.0),
            material: vec![Material::Main; n],
        }
    }

    /// Hands the channel buffers back to `pool`.
    fn recycle(self, pool: &mut Pool) {
        pool.give(self.cov);
        pool.give(self.shade);
        pool.give(self.ink);
    }

    /// Index in the channels of pixel `(x, y)`, which must lie on the canvas.
    fn at(&self, x: i32, y: i32) -> usize {
        (y - self.y0) as usize * self.w + (x - self.x0) as usize
    }

    /// `r` limited to the canvas's rows.
    fn rows(&self, r: Rect) -> Rect {
        Rect { y0: r.y0.max(self.y0 as f32), y1: r.y1.min((self.y0 + self.h as i32) as f32), ..r }
    }
}

/// Images with fewer pixels than this are rendered on the calling thread only.
const PARALLEL_PIXELS: usize = 250_000;
/// Most bands (threads) one image is split across.
const MAX_BANDS: usize = 4;

/// One layer of a scene, with a part's shading grid.
enum Prepared<'a> {
    Part(&'a Part, &'a Relief),
    Detail(&'a Detail),
}

/// The shading grids of a scene's parts, in layer order. They do not depend on the image size,
/// so one set serves every size of a drawing.
pub(crate) struct Reliefs(Vec<Relief>);

impl std::fmt::Debug for Reliefs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Reliefs({} grids)", self.0.len())
    }
}

/// Computes the shading grids of `scene`'s parts, spread over the available cores.
pub(crate) fn reliefs(scene: &Scene, pools: &mut Vec<Pool>) -> Reliefs {
    let parts: Vec<&Part> = scene
        .layers
        .iter()
        .filter_map(|l| match l {
            Layer::Part(p) => Some(p),
            Layer::Detail(_) => None,
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_BANDS);
    if pools.len() < threads {
        pools.resize_with(threads, Pool::default);
    }
    let per_thread = parts.len().div_ceil(threads).max(1);
    let grids = std::thread::scope(|scope| {
        let workers: Vec<_> = parts
            .chunks(per_thread)
            .zip(pools.iter_mut())
            .map(|(chunk, pool)| {
                (chunk.len(), scope.spawn(move || chunk.iter().map(|p| Relief::new(p, pool)).collect::<Vec<_>>()))
            })
            .collect();
        // Computing a relief cannot fail short of running out of memory; should a worker die
        // anyway, its parts get flat shading rather than taking the caller down.
        let flat = |n: usize| (0..n).map(|_| Relief::flat()).collect();
        workers.into_iter().flat_map(|(n, worker)| worker.join().unwrap_or_else(|_| flat(n))).collect()
    });
    Reliefs(grids)
}

/// Palette indices of `scene` drawn at `width` × `height` pixels, row by row.
///
/// Large images are cut into horizontal bands rendered in parallel, twice as many as there are
/// cores so that bands with more garment in them even out; the shading grids and the backdrop,
/// which do not depend on the band, are computed once beforehand. `pools` holds
/// reusable buffers, one pool per band; it grows as needed and can be kept between calls.
pub(crate) fn render(scene: &Scene, reliefs: &Reliefs, width: u32, height: u32, pools: &mut Vec<Pool>) -> Vec<u8> {
    let scale = (width as f32 / CANVAS_W).min(height as f32 / CANVAS_H);
    let view =
        View { scale, ox: (width as f32 - CANVAS_W * scale) / 2.0, oy: (height as f32 - CANVAS_H * scale) / 2.0 };
    let parts: Vec<&Part> = scene
        .layers
        .iter()
        .filter_map(|l| match l {
            Layer::Part(p) => Some(p),
            Layer::Detail(_) => None,
        })
        .collect();
    let bounds = parts.iter().fold(Rect::EMPTY, |r, p| r.union(p.shape.bounds()));
    let (w, h) = (width as usize, height as usize);
    let bands = if w * h < PARALLEL_PIXELS {
        1
    } else {
        (2 * std::thread::available_parallelism().map_or(1, |n| n.get())).clamp(1, MAX_BANDS)
    };
    if pools.len() < bands {
        pools.resize_with(bands, Pool::default);
    }
    let mut grids = reliefs.0.iter();
    let flat = Relief::flat();
    let layers: Vec<Prepared> = scene
        .layers
        .iter()
        .map(|l| match l {
            Layer::Part(p) => Prepared::Part(p, grids.next().unwrap_or(&flat)),
            Layer::Detail(d) => Prepared::Detail(d),
        })
        .collect();
    let floor = scene.floor.unwrap_or_else(|| default_floor(bounds));
    let backdrop = Backdrop::new(view, width, height, floor, drop_shadow(&parts, &mut pools[0]));
    let garment = view.rect(bounds).expand(outline_px(scale) + 3.0);
    let mut out = vec![0u8; w * h];
    let rows_per_band = h.div_ceil(bands).max(1);
    let band = |((k, chunk), pool): ((usize, &mut [u8]), &mut Pool)| {
        let rows = (k * rows_per_band) as i32..(k * rows_per_band + chunk.len() / w) as i32;
        render_band(&layers, view, &backdrop, garment, rows, chunk, pool);
    };
    let jobs = out.chunks_mut(rows_per_band * w).enumerate().zip(pools.iter_mut());
    if bands == 1 {
        jobs.for_each(band);
    } else {
        std::thread::scope(|threads| {
            for job in jobs {
                threads.spawn(move || band(job));
            }
        });
    }
    out
}

/// Renders the pixel rows `rows` into `out` (those rows of the image).
fn render_band(
    layers: &[Prepared],
    view: View,
    back: &Backdrop,
    garment: Rect,
    rows: Range<i32>,
    out: &mut [u8],
    pool: &mut Pool,
) {
    let area = Rect { y0: garment.y0.max(rows.start as f32), y1: garment.y1.min(rows.end as f32), ..garment };
    let mut canvas = Canvas::new(area, back.glow_x.len() as u32, rows.end.max(0) as u32, pool);
    let mut clip = Field::covering(Rect::EMPTY, 0.0, pool);
    for layer in layers {
        match layer {
            Prepared::Part(part, relief) => {
                let cover = draw_part(&mut canvas, part, relief, view, pool);
                std::mem::replace(&mut clip, cover).recycle(pool);
            }
            Prepared::Detail(detail) => draw_detail(&mut canvas, detail, &clip, view, pool),
        }
    }
    clip.recycle(pool);
    compose(&canvas, back, rows, out);
    canvas.recycle(pool);
}

/// Width of part outlines in pixels at `scale` pixels per design unit.
fn outline_px(scale: f32) -> f32 {
    (OUTLINE * scale).max(OUTLINE_MIN_PX)
}

/// Coverage of a shape at a view's resolution, over `area` (pixels of that view).
fn coverage(shape: &Shape, view: View, area: Rect, pool: &mut Pool) -> Field {
    match shape {
        Shape::Fill(paths) => {
            let px: Vec<_> = paths.iter().map(|p| view.path(p)).collect();
            raster::fill(&px, area, pool)
        }
        Shape::Band(paths, width) => {
            let px: Vec<_> = paths.iter().map(|p| view.path(p)).collect();
            let hw = width * view.scale / 2.0;
            let mut f = raster::distance(&px, area, hw + 1.5, pool);
            f.v.iter_mut().for_each(|d| *d = raster::line_coverage(*d, hw));
            f
        }
    }
}

/// Coverage of the shape's outline, `lw` pixels wide, over `area`.
fn outline(shape: &Shape, view: View, area: Rect, lw: f32, pool: &mut Pool) -> Field {
    match shape {
        Shape::Fill(paths) => {
            let px: Vec<_> = paths.iter().map(|p| view.path(p)).collect();
            raster::stroke(&px, area, lw / 2.0, 0.0, pool)
        }
        Shape::Band(paths, width) => {
            let px: Vec<_> = paths.iter().map(|p| view.path(p)).collect();
            raster::stroke(&px, area, lw / 2.0, width * view.scale / 2.0, pool)
        }
    }
}

/// The lit, softly bevelled shading of one part on a coarse grid.
struct Relief {
    /// Grid cell size in design units.
    cell: f32,
    /// Shading per cell.
    shade: Field,
    /// The blurred mask, which also serves as the part's cast shadow.
    soft: Field,
    /// How far the blurred mask extends beyond the part, in design units.
    reach: f32,
    /// The part's bounds in design units.
    bounds: Rect,
}

/// Smallest relief grid cell, in design units.
const MIN_CELL: f32 = 0.67;

impl Relief {
    /// A relief without bevel: plain, neutral shading.
    fn flat() -> Relief {
        let field = Field { x0: 0, y0: 0, w: 1, h: 1, v: vec![NEUTRAL] };
        let soft = Field { v: vec![0.0], ..field.clone() };
        Relief { cell: 1.0, shade: field, soft, reach: 0.0, bounds: Rect::EMPTY }
    }

    /// The relief of `part`. Its grid has about four cells across the bevel, but none smaller
    /// than two pixels of a [`crate::FULL`] image.
    fn new(part: &Part, pool: &mut Pool) -> Relief {
        let cell = (part.relief / 4.0).clamp(MIN_CELL, 3.0);
        let radius = (part.relief / cell).round().max(1.0) as usize;
        let grid = View { scale: 1.0 / cell, ox: 0.0, oy: 0.0 };
        let area = grid.rect(part.shape.bounds()).expand((3 * radius + 2) as f32);
        let mut soft = coverage(&part.shape, grid, area, pool);
        raster::blur(&mut soft, radius);
        let shade = light(&soft, radius as f32, part.tone);
        Relief { cell, shade, soft, reach: 3.0 * radius as f32 * cell, bounds: part.shape.bounds() }
    }
}

/// Shading of a soft height field `h` (blurred with `radius` cells) under the studio light.
fn light(h: &Field, radius: f32, tone: f32) -> Field {
    let mut out = h.clone();
    let slope = 3.0 * radius;
    let half = [LIGHT[0], LIGHT[1], LIGHT[2] + 1.0];
    let half_len = (half[0] * half[0] + half[1] * half[1] + half[2] * half[2]).sqrt();
    let half = half.map(|v| v / half_len);
    let flat_spec = half[2].powi(SHEEN_POWER);
    let at = |x: usize, y: usize| h.v[y * h.w + x];
    for y in 0..h.h {
        for x in 0..h.w {
            let gx = (at((x + 1).min(h.w - 1), y) - at(x.saturating_sub(1), y)) * 0.5;
            let gy = (at(x, (y + 1).min(h.h - 1)) - at(x, y.saturating_sub(1))) * 0.5;
            let n = [-gx * slope, -gy * slope, 1.0];
            let len = (n[0] * n[0] + n[1] * n[1] + 1.0).sqrt();
            let n = n.map(|v| v / len);
            let diffuse = n[0] * LIGHT[0] + n[1] * LIGHT[1] + n[2] * LIGHT[2] - LIGHT[2];
            let nh = (n[0] * half[0] + n[1] * half[1] + n[2] * half[2]).max(0.0);
            let sheen = (nh.powi(SHEEN_POWER) - flat_spec).max(0.0);
            let height = at(x, y);
            out.v[y * h.w + x] = NEUTRAL + tone + DIFFUSE * diffuse + PILLOW * (height - 1.0) + SHEEN * sheen;
        }
    }
    out
}

/// Maps pixel columns or rows of the image to coordinates of a grid with cells of `cell`
/// design units: `grid = pixel_centre * k + b`.
#[derive(Debug, Clone, Copy)]
struct Axis {
    k: f32,
    b: f32,
}

impl Axis {
    /// The axis of `view` along x (`horizontal`) or y, onto a grid of `cell` units shifted
    /// by `shift` design units.
    fn new(view: View, horizontal: bool, cell: f32, shift: f32) -> Axis {
        let o = if horizontal { view.ox } else { view.oy };
        let k = 1.0 / (view.scale * cell);
        Axis { k, b: (0.5 - o) * k - shift / cell }
    }

    fn at(&self, pixel: i32) -> f32 {
        pixel as f32 * self.k + self.b
    }
}

/// Bilinear resampling of a grid [`Field`] onto a run of pixel columns, one pixel row at a
/// time: the horizontal positions are computed once, and each row costs one vertical
/// interpolation of the grid row plus one lerp per pixel.
struct Resampler<'a> {
    field: &'a Field,
    y_axis: Axis,
    /// Per pixel column: left grid cell and the weight of the right one.
    cell: Vec<usize>,
    frac: Vec<f32>,
    /// The grid row interpolated at the current pixel row (one extra cell repeats the last).
    row: Vec<f32>,
}

impl<'a> Resampler<'a> {
    /// Prepares sampling of `field` (grid coordinates given by the axes) for pixel columns
    /// `xa..xb`.
    fn new(field: &'a Field, x_axis: Axis, y_axis: Axis, xa: i32, xb: i32) -> Resampler<'a> {
        let max = field.w.saturating_sub(1) as f32;
        let (cell, frac) = (xa..xb)
            .map(|x| {
                let fx = (x_axis.at(x) - 0.5 - field.x0 as f32).clamp(0.0, max);
                let i = fx as usize;
                (i, fx - i as f32)
            })
            .unzip();
        Resampler { field, y_axis, cell, frac, row: vec![0.0; field.w.max(1) + 1] }
    }

    /// Interpolates the grid at pixel row `y`.
    fn load_row(&mut self, y: i32) {
        let f = self.field;
        if f.w == 0 || f.h == 0 {
            return;
        }
        let fy = (self.y_axis.at(y) - 0.5 - f.y0 as f32).clamp(0.0, (f.h - 1) as f32);
        let iy = fy as usize;
        let ty = fy - iy as f32;
        let iy1 = (iy + 1).min(f.h - 1);
        let (top, bottom) = (&f.v[iy * f.w..(iy + 1) * f.w], &f.v[iy1 * f.w..(iy1 + 1) * f.w]);
        for ((r, a), b) in self.row.iter_mut().zip(top).zip(bottom) {
            *r = a + (b - a) * ty;
        }
        self.row[f.w] = self.row[f.w - 1];
    }

    /// The value at the `j`-th pixel column covered (column `xa + j`) of the loaded row.
    fn at(&self, j: usize) -> f32 {
        let i = self.cell[j];
        self.row[i] + (self.row[i + 1] - self.row[i]) * self.frac[j]
    }
}

/// The pixel columns `xa..xb` and rows `ya..yb` of `r` that lie on the canvas.
fn clip_to(canvas: &Canvas, r: Rect) -> (i32, i32, i32, i32) {
    let xa = (r.x0.floor() as i32).max(canvas.x0);
    let ya = (r.y0.floor() as i32).max(canvas.y0);
    let xb = (r.x1.ceil() as i32).min(canvas.x0 + canvas.w as i32).max(xa);
    let yb = (r.y1.ceil() as i32).min(canvas.y0 + canvas.h as i32).max(ya);
    (xa, xb, ya, yb)
}

/// Composites a part into the canvas and returns its coverage, which clips its details.
fn draw_part(canvas: &mut Canvas, part: &Part, relief: &Relief, view: View, pool: &mut Pool) -> Field {
    let lw = outline_px(view.scale);
    let area = canvas.rows(view.rect(part.shape.bounds()).expand(lw / 2.0 + 2.0));
    let mut cover = coverage(&part.shape, view, area, pool);
    let edge = outline(&part.shape, view, area, lw, pool);
    // The outline belongs to the part too; `edge` keeps the outline's own strength as ink.
    for (c, line) in cover.v.iter_mut().zip(&edge.v) {
        *c = c.max(*line);
    }
    if part.casts_shadow {
        cast_shadow(canvas, relief, &cover, view);
    }
    let (xa, xb, ya, yb) = clip_to(canvas, cover.rect());
    let axes = (Axis::new(view, true, relief.cell, 0.0), Axis::new(view, false, relief.cell, 0.0));
    let mut shading = Resampler::new(&relief.shade, axes.0, axes.1, xa, xb);
    let n = (xb - xa) as usize;
    for y in ya..yb {
        shading.load_row(y);
        let (k, i) = ((y - cover.y0) as usize * cover.w + (xa - cover.x0) as usize, canvas.at(xa, y));
        let (covers, lines) = (&cover.v[k..k + n], &edge.v[k..k + n]);
        let (shade, ink) = (&mut canvas.shade[i..i + n], &mut canvas.ink[i..i + n]);
        let (cov, material) = (&mut canvas.cov[i..i + n], &mut canvas.material[i..i + n]);
        for j in 0..n {
            let a = covers[j];
            if a <= 0.0 {
                continue;
            }
            shade[j] += (shading.at(j) - shade[j]) * a;
            ink[j] = ink[j] * (1.0 - a) + lines[j];
            cov[j] += a * (1.0 - cov[j]);
            if a >= 0.5 {
                material[j] = part.material;
            }
        }
    }
    edge.recycle(pool);
    cover
}

/// Darkens what lies under `relief`'s part (whose coverage is `cover`), slightly down and to
/// the right of it. Pixels the part itself covers fully are skipped: it paints over them.
fn cast_shadow(canvas: &mut Canvas, relief: &Relief, cover: &Field, view: View) {
    let spread = relief.reach * view.scale;
    let (sx, sy) = (CAST_OFFSET.x * view.scale, CAST_OFFSET.y * view.scale);
    let r = view.rect(relief.bounds);
    let r = Rect { x0: r.x0 + sx, y0: r.y0 + sy, x1: r.x1 + sx, y1: r.y1 + sy }.expand(spread);
    let (xa, xb, ya, yb) = clip_to(canvas, r);
    let axes = (Axis::new(view, true, relief.cell, CAST_OFFSET.x), Axis::new(view, false, relief.cell, CAST_OFFSET.y));
    let mut soft = Resampler::new(&relief.soft, axes.0, axes.1, xa, xb);
    let n = (xb - xa) as usize;
    let mut own = vec![0.0; n];
    for y in ya..yb {
        soft.load_row(y);
        cover.row_into(y, xa, &mut own);
        let i = canvas.at(xa, y);
        let (cov, shade) = (&canvas.cov[i..i + n], &mut canvas.shade[i..i + n]);
        for j in 0..n {
            if cov[j] > 0.0 && own[j] < 1.0 {
                shade[j] -= CAST_STRENGTH * soft.at(j);
            }
        }
    }
}

/// Draws a detail on the canvas, clipped to the coverage of the part it belongs to.
fn draw_detail(canvas: &mut Canvas, detail: &Detail, clip: &Field, view: View, pool: &mut Pool) {
    match detail {
        Detail::Line { paths, width, ink } => {
            draw_line(canvas, paths, width * view.scale / 2.0, *ink, clip, view, pool)
        }
        Detail::Fold { paths, width, amount } => draw_fold(canvas, paths, *width / 2.0, *amount, clip, view, pool),
    }
}

/// Inks lines of half-width `hw` pixels.
fn draw_line(canvas: &mut Canvas, paths: &[Path], hw: f32, ink: f32, clip: &Field, view: View, pool: &mut Pool) {
    let px: Vec<_> = paths.iter().map(|p| view.path(p)).collect();
    let area = canvas.rows(bounds(&px).expand(hw.max(0.5) + 2.0));
    let lines = raster::stroke(&px, area, hw, 0.0, pool);
    let (xa, xb, ya, yb) = clip_to(canvas, lines.rect());
    let n = (xb - xa) as usize;
    let mut clip_row = vec![0.0; n];
    for y in ya..yb {
        clip.row_into(y, xa, &mut clip_row);
        let k = (y - lines.y0) as usize * lines.w + (xa - lines.x0) as usize;
        let (line, i) = (&lines.v[k..k + n], canvas.at(xa, y));
        let inked = &mut canvas.ink[i..i + n];
        for j in 0..n {
            let a = line[j] * clip_row[j];
            if a > 0.0 {
                inked[j] = inked[j] * (1.0 - a) + ink * a;
            }
        }
    }
    lines.recycle(pool);
}

/// Shifts the shading by up to `amount` within `hw` design units of the paths, with a smooth
/// falloff. Being soft, the distance is computed on a coarse grid and interpolated.
fn draw_fold(canvas: &mut Canvas, paths: &[Path], hw: f32, amount: f32, clip: &Field, view: View, pool: &mut Pool) {
    let hw_px = (hw * view.scale).max(0.5);
    let cell = (hw_px / 5.0).max(1.0) / view.scale;
    let grid = View { scale: 1.0 / cell, ox: 0.0, oy: 0.0 };
    let gpaths: Vec<_> = paths.iter().map(|p| grid.path(p)).collect();
    // The fold's reach, limited to the canvas rows, in pixels and then in grid cells.
    let area = canvas.rows(view.rect(bounds(paths).expand(hw + 2.0 * cell)));
    let (top_left, bottom_right) = (view.du(pt(area.x0, area.y0)), view.du(pt(area.x1, area.y1)));
    let grid_area = grid.rect(Rect { x0: top_left.x, y0: top_left.y, x1: bottom_right.x, y1: bottom_right.y });
    let d = raster::distance(&gpaths, grid_area.expand(1.0), hw / cell + 2.0, pool);
    let (xa, xb, ya, yb) = clip_to(canvas, area);
    let mut dist = Resampler::new(&d, Axis::new(view, true, cell, 0.0), Axis::new(view, false, cell, 0.0), xa, xb);
    let inv = cell / hw;
    let n = (xb - xa) as usize;
    let mut clip_row = vec![0.0; n];
    for y in ya..yb {
        dist.load_row(y);
        clip.row_into(y, xa, &mut clip_row);
        let i = canvas.at(xa, y);
        let shade = &mut canvas.shade[i..i + n];
        for j in 0..n {
            let t = 1.0 - dist.at(j) * inv;
            if t > 0.0 {
                shade[j] += amount * t * t * (3.0 - 2.0 * t) * clip_row[j];
            }
        }
    }
    d.recycle(pool);
}

/// Bounds of paths (in whatever units they are in).
fn bounds(paths: &[Path]) -> Rect {
    paths.iter().fold(Rect::EMPTY, |r, p| r.union(p.bounds()))
}

/// The garment-wide soft mask that casts the drop shadow, on a grid of [`DROP_CELL`] units.
fn drop_shadow(parts: &[&Part], pool: &mut Pool) -> Field {
    let grid = View { scale: 1.0 / DROP_CELL, ox: 0.0, oy: 0.0 };
    let area = Rect { x0: 0.0, y0: 0.0, x1: CANVAS_W / DROP_CELL, y1: CANVAS_H / DROP_CELL };
    let mut union = Field::covering(area, 0.0, pool);
    for part in parts {
        let f = coverage(&part.shape, grid, grid.rect(part.shape.bounds()).expand(2.0), pool);
        for y in 0..f.h {
            for x in 0..f.w {
                let (gx, gy) = (f.x0 + x as i32, f.y0 + y as i32);
                if gx >= 0 && gy >= 0 && (gx as usize) < union.w && (gy as usize) < union.h {
                    let cell = &mut union.v[gy as usize * union.w + gx as usize];
                    *cell = cell.max(f.v[y * f.w + x]);
                }
            }
        }
        f.recycle(pool);
    }
    raster::blur(&mut union, 3);
    union
}

/// A floor shadow under the middle of the drawing's bounds.
fn default_floor(b: Rect) -> (Pt, f32, f32) {
    let w = b.x1 - b.x0;
    (pt((b.x0 + b.x1) / 2.0, b.y1 + 3.0), w * 0.42, (w * 0.05).clamp(5.0, 11.0))
}

/// The studio backdrop: a wall lit from above, a floor shadow and the garment's drop shadow.
struct Backdrop {
    /// Per-column and per-row factors of the separable terms.
    glow_x: Vec<f32>,
    glow_y: Vec<f32>,
    floor_x: Vec<f32>,
    floor_y: Vec<f32>,
    wide_x: Vec<f32>,
    wide_y: Vec<f32>,
    wall_y: Vec<f32>,
    /// The drop shadow's mask and where pixels fall on its grid.
    drop: Field,
    drop_x: Axis,
    drop_y: Axis,
}

impl Backdrop {
    fn new(view: View, width: u32, height: u32, floor: (Pt, f32, f32), drop: Field) -> Backdrop {
        let du_x: Vec<f32> = (0..width).map(|x| view.du(pt(x as f32 + 0.5, 0.0)).x).collect();
        let du_y: Vec<f32> = (0..height).map(|y| view.du(pt(0.0, y as f32 + 0.5)).y).collect();
        let gauss = |v: &[f32], c: f32, r: f32, k: f32| v.iter().map(|&u| (-k * ((u - c) / r).powi(2)).exp()).collect();
        let (c, rx, ry) = floor;
        Backdrop {
            glow_x: gauss(&du_x, CANVAS_W / 2.0, 150.0, 1.0),
            glow_y: gauss(&du_y, CANVAS_H * 0.45, 190.0, 1.0),
            floor_x: gauss(&du_x, c.x, rx, 2.2),
            floor_y: gauss(&du_y, c.y, ry, 2.2),
            wide_x: gauss(&du_x, c.x, rx * 1.5, 1.2),
            wide_y: gauss(&du_y, c.y + ry * 0.3, ry * 2.4, 1.2),
            wall_y: du_y.iter().map(|&y| 0.95 - 0.1 * (y / CANVAS_H).clamp(0.0, 1.0)).collect(),
            drop,
            drop_x: Axis::new(view, true, DROP_CELL, DROP_OFFSET.x),
            drop_y: Axis::new(view, false, DROP_CELL, DROP_OFFSET.y),
        }
    }
}

/// Spacing, in pixels along both axes, of the lattice on which the backdrop is evaluated.
/// The backdrop is smooth and its palette steps are about one sRGB unit apart, so placing a
/// step a pixel off is invisible, and this saves most of the work on large images.
const BACKDROP_STEP: usize = 2;

/// Quantises the pixels of the image rows `rows` into `out`.
fn compose(canvas: &Canvas, back: &Backdrop, rows: Range<i32>, out: &mut [u8]) {
    let (width, height) = (back.glow_x.len(), back.glow_y.len());
    let lut = palette::BackdropLut::new();
    let mut drop = Resampler::new(&back.drop, back.drop_x, back.drop_y, 0, width as i32);
    let mut lightness = vec![0.0f32; width];
    let mut backdrop = vec![0u8; width];
    let x_gradient: Vec<f32> = (0..width).map(|x| 0.025 * (0.5 - x as f32 / width as f32)).collect();
    let first = rows.start;
    for (y, out_row) in rows.zip(out.chunks_exact_mut(width)) {
        if y == first || (y as usize).is_multiple_of(BACKDROP_STEP) {
            backdrop_row(back, &mut drop, y, &mut lightness);
            for (chunk, &b) in backdrop.chunks_mut(BACKDROP_STEP).zip(lightness.iter().step_by(BACKDROP_STEP)) {
                chunk.fill(lut.index(b));
            }
        }
        out_row.copy_from_slice(&backdrop);
        if y < canvas.y0 || y >= canvas.y0 + canvas.h as i32 || canvas.w == 0 {
            continue;
        }
        let y_gradient = 0.05 * (0.5 - y as f32 / height as f32);
        let (n, x0, i) = (canvas.w, canvas.x0 as usize, canvas.at(canvas.x0, y));
        let (cov, shade, ink) = (&canvas.cov[i..i + n], &canvas.shade[i..i + n], &canvas.ink[i..i + n]);
        let material = &canvas.material[i..i + n];
        let (back_row, gradient, out) = (&lightness[x0..x0 + n], &x_gradient[x0..x0 + n], &mut out_row[x0..x0 + n]);
        for j in 0..n {
            if cov[j] < palette::MIN_COVERAGE {
                continue;
            }
            out[j] = palette::index(Sample {
                cov: cov[j],
                back: back_row[j],
                material: material[j],
                shade: shade[j] + y_gradient + gradient[j],
                ink: ink[j],
            });
        }
    }
}

/// Weight below which a backdrop term is left out of a row.
const NEGLIGIBLE: f32 = 1e-4;

/// The backdrop lightness of every pixel of row `y`.
fn backdrop_row(back: &Backdrop, drop: &mut Resampler, y: i32, out: &mut [f32]) {
    let yu = y as usize;
    let (wall, glow) = (back.wall_y[yu], 0.06 * back.glow_y[yu]);
    for (b, g) in out.iter_mut().zip(&back.glow_x) {
        *b = wall + glow * g;
    }
    let (floor, wide) = (0.5 * back.floor_y[yu], 0.16 * back.wide_y[yu]);
    if floor > NEGLIGIBLE || wide > NEGLIGIBLE {
        for ((b, f), w) in out.iter_mut().zip(&back.floor_x).zip(&back.wide_x) {
            *b -= floor * f + wide * w;
        }
    }
    // The drop shadow only darkens the columns where its grid row is not zero.
    drop.load_row(y);
    let first = drop.row.iter().position(|&v| v > NEGLIGIBLE);
    let last = drop.row.iter().rposition(|&v| v > NEGLIGIBLE);
    if let (Some(first), Some(last)) = (first, last) {
        // Grid cells grow with the column, so the affected columns form one run.
        let from = drop.cell.partition_point(|&c| c + 1 < first);
        let to = drop.cell.partition_point(|&c| c <= last);
        for (j, b) in out.iter_mut().enumerate().take(to).skip(from) {
            *b -= DROP_STRENGTH * drop.at(j);
        }
    }
}
