//! The palette layout shared by every drawing, and the colours of each entry for a product
//! colour.
//!
//! A rendered pixel is described by a handful of numbers: how much of it the garment covers,
//! how light the backdrop behind it is, which material it shows, how it is shaded and how much
//! line ink lies on it. [`index`] quantises those into one of at most 256 *recipes*; [`colours`]
//! turns each recipe into an sRGB colour once the product colour is known. The layout is the
//! same for every drawing, so a palette depends only on the product and accent colours.

use crate::scene::Material;

/// Backdrop lightness levels (floor shadow to lit wall), finer towards the lit end.
const BACK: usize = 32;
/// Shading levels of the product colour.
const MAIN_TONES: usize = 96;
/// Shading levels of the accent colour.
const ACCENT_TONES: usize = 24;
/// Partial dark-ink strengths over the product colour (a solid-ink entry follows them).
const DARK_STEPS: usize = 5;
/// Shading bands under dark ink.
const DARK_BANDS: usize = 6;
/// Light-ink strengths over the product colour.
const LIGHT_STEPS: usize = 3;
/// Shading bands under light ink.
const LIGHT_BANDS: usize = 5;
/// Dark-ink strengths over the accent colour.
const ACCENT_INK_STEPS: usize = 3;
/// Shading bands under ink on the accent colour.
const ACCENT_INK_BANDS: usize = 3;
/// Partial-coverage levels at the garment's outer edge.
const EDGE_STEPS: usize = 7;
/// Backdrop bands behind edge pixels of the product colour.
const EDGE_BANDS: usize = 4;
/// Backdrop bands behind edge pixels of the accent colour.
const ACCENT_EDGE_BANDS: usize = 2;

const BACK_AT: usize = 0;
const MAIN_AT: usize = BACK_AT + BACK;
const ACCENT_AT: usize = MAIN_AT + MAIN_TONES;
const DARK_AT: usize = ACCENT_AT + ACCENT_TONES;
const SOLID_AT: usize = DARK_AT + DARK_STEPS * DARK_BANDS;
const LIGHT_AT: usize = SOLID_AT + 1;
const ACCENT_INK_AT: usize = LIGHT_AT + LIGHT_STEPS * LIGHT_BANDS;
const EDGE_AT: usize = ACCENT_INK_AT + ACCENT_INK_STEPS * ACCENT_INK_BANDS;
const ACCENT_EDGE_AT: usize = EDGE_AT + EDGE_STEPS * EDGE_BANDS;
/// Number of palette entries.
pub(crate) const ENTRIES: usize = ACCENT_EDGE_AT + EDGE_STEPS * ACCENT_EDGE_BANDS;

const _: () = assert!(ENTRIES <= 256);

/// Shading value at which a material shows exactly its own colour.
pub(crate) const NEUTRAL: f32 = 0.55;

/// What one palette entry depicts.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Recipe {
    /// Bare backdrop of lightness `b`.
    Backdrop { b: f32 },
    /// A material fully covering the pixel, shaded `s`.
    Tone { material: Material, s: f32 },
    /// A material shaded `s` under ink of strength `ink` (negative: light ink).
    Ink { material: Material, s: f32, ink: f32 },
    /// The outline of a material covering a fraction `cov` of the pixel over backdrop `b`.
    Edge { material: Material, b: f32, cov: f32 },
}

/// Centre of band `i` of `n` equal bands of `[0, 1]`.
fn band_centre(i: usize, n: usize) -> f32 {
    (i as f32 + 0.5) / n as f32
}

/// The band of `[0, 1]` that `v` falls in.
fn band(v: f32, n: usize) -> usize {
    ((v.clamp(0.0, 1.0) * n as f32) as usize).min(n - 1)
}

/// The nearest of `n` evenly spaced levels from 0 to 1.
fn level(v: f32, n: usize) -> usize {
    // Adding 0.5 and truncating rounds these non-negative values without a libm call.
    (v.clamp(0.0, 1.0) * (n - 1) as f32 + 0.5) as usize
}

/// `v` rounded to the nearest step of `1 / n`, as a step count in `1..=max`.
fn step(v: f32, n: usize, max: usize) -> usize {
    ((v * n as f32 + 0.5) as usize).clamp(1, max)
}

/// Lightness of backdrop level `i`: levels crowd towards the lit end, where the wall's gentle
/// gradients would otherwise show steps.
fn backdrop_level(i: usize) -> f32 {
    let u = (BACK - 1 - i) as f32 / (BACK - 1) as f32;
    1.0 - u * u
}

/// The backdrop level nearest to lightness `b` (the inverse of [`backdrop_level`]).
fn backdrop_index(b: f32) -> usize {
    let u = (1.0 - b.clamp(0.0, 1.0)).sqrt();
    BACK - 1 - (u * (BACK - 1) as f32 + 0.5) as usize
}

/// The recipe of every palette entry, in index order.
fn recipes() -> Vec<Recipe> {
    let mut out = Vec::with_capacity(ENTRIES);
    out.extend((0..BACK).map(|i| Recipe::Backdrop { b: backdrop_level(i) }));
    let tones = |material, n: usize| (0..n).map(move |i| Recipe::Tone { material, s: i as f32 / (n - 1) as f32 });
    out.extend(tones(Material::Main, MAIN_TONES));
    out.extend(tones(Material::Accent, ACCENT_TONES));
    let inks = |material, steps: usize, bands: usize, sign: f32| {
        (0..steps).flat_map(move |a| {
            (0..bands).map(move |s| Recipe::Ink {
                material,
                s: band_centre(s, bands),
                ink: sign * (a + 1) as f32 / (steps + 1) as f32,
            })
        })
    };
    out.extend(inks(Material::Main, DARK_STEPS, DARK_BANDS, 1.0));
    out.push(Recipe::Ink { material: Material::Main, s: NEUTRAL, ink: 1.0 });
    out.extend((0..LIGHT_STEPS).flat_map(|a| {
        (0..LIGHT_BANDS).map(move |s| Recipe::Ink {
            material: Material::Main,
            s: band_centre(s, LIGHT_BANDS),
            ink: -((a + 1) as f32) / LIGHT_STEPS as f32,
        })
    }));
    out.extend((0..ACCENT_INK_STEPS).flat_map(|a| {
        (0..ACCENT_INK_BANDS).map(move |s| Recipe::Ink {
            material: Material::Accent,
            s: band_centre(s, ACCENT_INK_BANDS),
            ink: (a + 1) as f32 / ACCENT_INK_STEPS as f32,
        })
    }));
    let edges = |material, bands: usize| {
        (0..EDGE_STEPS).flat_map(move |c| {
            (0..bands).map(move |b| Recipe::Edge {
                material,
                b: band_centre(b, bands),
                cov: (c + 1) as f32 / (EDGE_STEPS + 1) as f32,
            })
        })
    };
    out.extend(edges(Material::Main, EDGE_BANDS));
    out.extend(edges(Material::Accent, ACCENT_EDGE_BANDS));
    out
}

/// What a pixel shows, before quantisation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sample {
    /// Fraction of the pixel covered by the garment.
    pub cov: f32,
    /// Lightness of the backdrop behind it, 0 (deepest floor shadow) to 1.
    pub back: f32,
    pub material: Material,
    /// Shading, 0 (darkest) to 1 (brightest); [`NEUTRAL`] is the plain colour.
    pub shade: f32,
    /// Line ink: positive darkens towards the outline colour, negative lightens.
    pub ink: f32,
}

/// Garment coverage below which a pixel shows bare backdrop.
pub(crate) const MIN_COVERAGE: f32 = 1.0 / 16.0;

/// Resolution of [`BackdropLut`].
const LUT_STEPS: usize = 2048;

/// Backdrop palette indices by lightness, precomputed for the renderer's inner loop.
pub(crate) struct BackdropLut(Vec<u8>);

impl BackdropLut {
    pub fn new() -> BackdropLut {
        let last = (LUT_STEPS - 1) as f32;
        BackdropLut((0..LUT_STEPS).map(|i| (BACK_AT + backdrop_index(i as f32 / last)) as u8).collect())
    }

    /// The index of bare backdrop of lightness `b`.
    pub fn index(&self, b: f32) -> u8 {
        let i = (b.clamp(0.0, 1.0) * (LUT_STEPS - 1) as f32 + 0.5) as usize;
        self.0[i.min(LUT_STEPS - 1)]
    }
}

/// The palette index that best depicts `px`.
#[inline]
pub(crate) fn index(px: Sample) -> u8 {
    let i = if px.cov < MIN_COVERAGE {
        BACK_AT + backdrop_index(px.back)
    } else if px.cov < 15.0 / 16.0 {
        let c = step(px.cov, EDGE_STEPS + 1, EDGE_STEPS) - 1;
        match px.material {
            Material::Main => EDGE_AT + c * EDGE_BANDS + band(px.back, EDGE_BANDS),
            Material::Accent => ACCENT_EDGE_AT + c * ACCENT_EDGE_BANDS + band(px.back, ACCENT_EDGE_BANDS),
        }
    } else {
        covered(px.material, px.shade, px.ink)
    };
    // Every branch above stays below ENTRIES, which is at most 256.
    i.min(ENTRIES - 1) as u8
}

/// Index for a pixel fully covered by `material`.
#[inline]
fn covered(material: Material, s: f32, ink: f32) -> usize {
    match material {
        Material::Main if ink >= 11.0 / 12.0 => SOLID_AT,
        Material::Main if ink > 1.0 / 12.0 => {
            let a = step(ink, DARK_STEPS + 1, DARK_STEPS) - 1;
            DARK_AT + a * DARK_BANDS + band(s, DARK_BANDS)
        }
        Material::Main if ink < -1.0 / 8.0 => {
            let a = step(-ink, LIGHT_STEPS, LIGHT_STEPS) - 1;
            LIGHT_AT + a * LIGHT_BANDS + band(s, LIGHT_BANDS)
        }
        Material::Main => MAIN_AT + level(s, MAIN_TONES),
        Material::Accent if ink > 1.0 / 8.0 => {
            let a = step(ink, ACCENT_INK_STEPS, ACCENT_INK_STEPS) - 1;
            ACCENT_INK_AT + a * ACCENT_INK_BANDS + band(s, ACCENT_INK_BANDS)
        }
        Material::Accent => ACCENT_AT + level(s, ACCENT_TONES),
    }
}

/// An sRGB colour with components in 0–1.
type Rgb = [f32; 3];

fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    std::array::from_fn(|i| a[i] + (b[i] - a[i]) * t)
}

/// Approximate perceived lightness (luma of the gamma-encoded components), 0–1.
fn lightness(c: Rgb) -> f32 {
    0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
}

/// The white that highlights lift colours towards: slightly warm, like studio light.
const HIGHLIGHT: Rgb = [1.0, 0.99, 0.97];

/// How one material looks under the studio light. All arithmetic is on gamma-encoded values,
/// so equal steps of shading give roughly equal perceived steps and gradients do not band.
#[derive(Debug, Clone, Copy)]
struct Ramp {
    base: Rgb,
    light: f32,
}

impl Ramp {
    fn new(rgb: [u8; 3]) -> Ramp {
        let base = rgb.map(|c| c as f32 / 255.0);
        Ramp { base, light: lightness(base) }
    }

    /// The material shaded `s`. Shadows deepen and slightly cool the colour; highlights lift it
    /// towards white, more for dark colours so that they still show their form.
    fn tone(&self, s: f32) -> Rgb {
        if s < NEUTRAL {
            let t = (NEUTRAL - s) / NEUTRAL;
            let k = 1.0 - 0.55 * t;
            let cool = [1.0 - 0.04 * t, 1.0 - 0.01 * t, 1.0 + 0.05 * t];
            std::array::from_fn(|i| self.base[i] * k * cool[i])
        } else {
            // Dark colours get a steeper and higher ramp: otherwise black shows no form at all.
            let dark = (1.0 - self.light).powi(2);
            let t = ((s - NEUTRAL) / (1.0 - NEUTRAL) * (1.0 + 1.3 * dark)).min(1.0);
            let white = std::array::from_fn(|i| self.base[i].max(HIGHLIGHT[i]));
            mix(self.base, white, t * (0.22 + 0.3 * (1.0 - self.light)))
        }
    }

    /// The outline and seam colour: a deep shade of the material.
    fn ink(&self) -> Rgb {
        let k = 0.36 + 0.26 * self.light;
        [self.base[0] * k, self.base[1] * k, (self.base[2] * k * 1.04).min(1.0)]
    }

    /// The colour of light lines (stitching highlights) on the material.
    fn shine(&self) -> Rgb {
        mix(self.base, HIGHLIGHT, 0.3 + 0.3 * (1.0 - self.light))
    }
}

/// Lit backdrop.
const BACKDROP_LIT: Rgb = [0.965, 0.957, 0.945];
/// Backdrop in the deepest floor shadow.
const BACKDROP_SHADOW: Rgb = [0.70, 0.685, 0.67];

fn backdrop(b: f32) -> Rgb {
    mix(BACKDROP_SHADOW, BACKDROP_LIT, b)
}

/// The palette (RGB triples, [`ENTRIES`] of them) for a product colour and an accent colour.
pub(crate) fn colours(main: [u8; 3], accent: [u8; 3]) -> Vec<u8> {
    let ramps = [Ramp::new(main), Ramp::new(accent)];
    let ramp = |m: Material| match m {
        Material::Main => ramps[0],
        Material::Accent => ramps[1],
    };
    let mut out = Vec::with_capacity(ENTRIES * 3);
    for recipe in recipes() {
        // Anti-aliasing mixes gamma-encoded values, as screens and browsers blend edges.
        let c = match recipe {
            Recipe::Backdrop { b } => backdrop(b),
            Recipe::Tone { material, s } => ramp(material).tone(s),
            Recipe::Ink { material, s, ink } => {
                let r = ramp(material);
                let over = if ink >= 0.0 { r.ink() } else { r.shine() };
                mix(r.tone(s), over, ink.abs())
            }
            Recipe::Edge { material, b, cov } => mix(backdrop(b), ramp(material).ink(), cov),
        };
        out.extend(c.map(|v| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8));
    }
    out
}

/// The colours of the backdrop entries, which do not depend on the garment's colours.
#[cfg(test)]
pub(crate) fn backdrop_colours() -> Vec<[u8; 3]> {
    colours([0, 0, 0], [0, 0, 0])[BACK_AT * 3..(BACK_AT + BACK) * 3]
        .chunks_exact(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_has_one_recipe_per_entry() {
        assert_eq!(recipes().len(), ENTRIES);
        assert_eq!(colours([200, 40, 45], [240, 240, 240]).len(), ENTRIES * 3);
    }

    fn sample(cov: f32, material: Material, shade: f32, ink: f32) -> Sample {
        Sample { cov, back: 0.8, material, shade, ink }
    }

    #[test]
    fn every_index_depicts_its_sample() {
        let table = recipes();
        for &material in &[Material::Main, Material::Accent] {
            for cov in [0.0, 0.3, 0.7, 1.0] {
                for ink in [-1.0, -0.5, 0.0, 0.3, 0.6, 1.0] {
                    for shade in [0.0, 0.2, 0.55, 0.9, 1.0] {
                        let px = sample(cov, material, shade, ink);
                        let r = table[index(px) as usize];
                        match r {
                            Recipe::Backdrop { b } => assert!(cov < 0.1 && (b - 0.8).abs() < 0.03, "{px:?} {r:?}"),
                            Recipe::Edge { material: m, cov: c, .. } => {
                                assert!(m == material && (c - cov).abs() < 0.1, "{px:?} {r:?}")
                            }
                            Recipe::Tone { material: m, s } => {
                                assert!(m == material && cov > 0.9 && (s - shade).abs() < 0.05, "{px:?} {r:?}")
                            }
                            Recipe::Ink { material: m, ink: k, .. } => {
                                assert!(m == material && cov > 0.9 && (k - ink).abs() < 0.26, "{px:?} {r:?}")
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn backdrop_lut_agrees_with_index() {
        let lut = BackdropLut::new();
        for i in 0..=200 {
            let b = i as f32 / 200.0;
            let px = Sample { cov: 0.0, back: b, material: Material::Main, shade: NEUTRAL, ink: 0.0 };
            assert!((lut.index(b) as i32 - index(px) as i32).abs() <= 1, "{b}");
        }
    }

    #[test]
    fn backdrop_levels_round_trip() {
        for i in 0..BACK {
            assert_eq!(backdrop_index(backdrop_level(i)), i);
        }
    }

    #[test]
    fn tones_get_lighter_with_shading() {
        for rgb in [[0x11, 0x11, 0x11], [0xFF, 0xFF, 0xFF], [0xC0, 0x28, 0x2D]] {
            let r = Ramp::new(rgb);
            let lum: Vec<f32> = (0..=10).map(|i| lightness(r.tone(i as f32 / 10.0))).collect();
            assert!(lum.windows(2).all(|w| w[0] <= w[1] + 1e-6), "{rgb:?} {lum:?}");
        }
    }
}
