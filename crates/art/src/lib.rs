//! Product art for Vitrina's demo catalogue: a garment silhouette tinted with the product's
//! colour, as a PNG, at tablet resolution ([`FULL`]) and as a thumbnail ([`THUMB`]).
//!
//! # Design: draw once, recolour by palette swap
//!
//! The demo has a few dozen garment kinds in 33 colours, and the central draws every image at
//! start-up (in debug builds too), so colour must be nearly free. Images are therefore 8-bit
//! *indexed* PNGs whose pixels do not store colours but *recipes*:
//!
//! - a drawing ([`Silhouette`] at a [`Size`]) is rendered once into palette indices, where each
//!   index stands for a combination like "product colour, shading level 37", "outline ink at
//!   60 % over shading band 3", "outline covering 3/8 of the pixel over backdrop band 2" or
//!   "backdrop lightness 28" (at most 256 such recipes, one fixed layout for every drawing);
//! - those indices are compressed once, and the compressed `IDAT` data is kept;
//! - a coloured image is the kept chunks with a `PLTE` chunk computed from the colour: each
//!   recipe becomes an sRGB colour (shadows deepen and cool the colour, highlights lift it —
//!   strongly enough that near-black garments still show their form —, the outline is a deep
//!   shade of it). Palettes are memoised per colour too.
//!
//! So an extra colour costs only writing a few chunks, and [`Studio`] memoises both the
//! compressed drawings and the palettes.
//!
//! # Cost
//!
//! Rendering a drawing at [`FULL`] takes a few tens of milliseconds of CPU and is spread over
//! the available cores (horizontal bands on scoped threads); a [`THUMB`] takes a few. The
//! shading grids of a silhouette do not depend on the size and are kept for its next size, so
//! asking for both sizes of one silhouette in a row is cheapest. Compression uses the `png`
//! crate's fast deflate with the `Up` filter: about 75 KiB per [`FULL`] image and 9 KiB per
//! [`THUMB`].
//!
//! # Drawing
//!
//! Drawings are authored in design units on a 300 × 400 canvas as stacks of parts (body,
//! sleeves, collar, sole...) with garment details (seams, stitching, buttons, pockets, laces,
//! zips, folds). Each part has an exact-area anti-aliased fill, a thin darker outline, soft
//! bevel shading lit from the upper left and a soft shadow on the parts beneath it. The
//! backdrop is a light neutral wall with a soft floor shadow and drop shadow.

mod drawings;
mod encode;
mod geom;
mod palette;
mod raster;
mod render;
mod scene;
mod silhouette;

use std::collections::HashMap;
use std::fmt;

pub use silhouette::Silhouette;

/// Pixel size of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

/// Tablet resolution, 3:4.
pub const FULL: Size = Size { width: 900, height: 1200 };
/// Thumbnail, 3:4.
pub const THUMB: Size = Size { width: 180, height: 240 };

/// Largest width or height rendered; larger requests are clamped to it.
const MAX_SIDE: u32 = 4096;

/// Why an image could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArtError {
    /// The colour was not of the form `#RRGGBB`.
    BadColor(String),
    /// The PNG encoder refused the image.
    Encode(String),
}

impl fmt::Display for ArtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArtError::BadColor(hex) => write!(f, "colour must be #RRGGBB, got {hex:?}"),
            ArtError::Encode(reason) => write!(f, "encoding the PNG: {reason}"),
        }
    }
}

impl std::error::Error for ArtError {}

/// A drawing rendered and compressed at one size, waiting for a palette.
#[derive(Debug)]
struct Drawing {
    encoded: encode::Encoded,
    accent: [u8; 3],
}

/// Renders and memoises silhouettes; hands out PNGs per colour.
///
/// Everything it renders stays cached (the compressed drawings, a `PLTE` chunk per colour) along
/// with a few megabytes of scratch buffers, so drop it once the images are made.
#[derive(Debug, Default)]
pub struct Studio {
    drawings: HashMap<(Silhouette, Size), Drawing>,
    /// `PLTE` chunks per (product colour, accent colour).
    palettes: HashMap<([u8; 3], [u8; 3]), Vec<u8>>,
    /// Scratch buffers kept between renders, one pool per rendering thread.
    pools: Vec<raster::Pool>,
    /// Shading grids of the last silhouette drawn, which its other sizes reuse.
    reliefs: Option<(Silhouette, render::Reliefs)>,
}

impl Studio {
    /// A studio with nothing drawn yet.
    pub fn new() -> Studio {
        Studio::default()
    }

    /// PNG bytes of `silhouette` in colour `hex` ("#RRGGBB"); error on a malformed hex.
    ///
    /// The first request for a silhouette at a size renders and compresses it (a few
    /// milliseconds at [`FULL`]); later ones, in any colour, only assemble chunks. Sides are
    /// clamped to 1..=4096 pixels.
    pub fn png(&mut self, silhouette: Silhouette, size: Size, hex: &str) -> Result<Vec<u8>, ArtError> {
        let colour = parse_hex(hex)?;
        let size = Size { width: size.width.clamp(1, MAX_SIDE), height: size.height.clamp(1, MAX_SIDE) };
        let (pools, reliefs) = (&mut self.pools, &mut self.reliefs);
        let drawing = match self.drawings.entry((silhouette, size)) {
            std::collections::hash_map::Entry::Occupied(drawn) => drawn.into_mut(),
            std::collections::hash_map::Entry::Vacant(empty) => empty.insert(draw(silhouette, size, pools, reliefs)?),
        };
        let palette = self
            .palettes
            .entry((colour, drawing.accent))
            .or_insert_with(|| encode::palette_chunk(&palette::colours(colour, drawing.accent)));
        Ok(drawing.encoded.with_palette(palette))
    }
}

/// Renders and compresses one drawing, reusing the shading grids in `reliefs` when they belong
/// to the same silhouette and leaving this one's there.
fn draw(
    silhouette: Silhouette,
    size: Size,
    pools: &mut Vec<raster::Pool>,
    reliefs: &mut Option<(Silhouette, render::Reliefs)>,
) -> Result<Drawing, ArtError> {
    let scene = drawings::scene(silhouette);
    let grids = match reliefs.take() {
        Some((s, grids)) if s == silhouette => grids,
        _ => render::reliefs(&scene, pools),
    };
    let indices = render::render(&scene, &grids, size.width, size.height, pools);
    *reliefs = Some((silhouette, grids));
    let encoded = encode::Encoded::new(size.width, size.height, &indices, palette::ENTRIES)?;
    Ok(Drawing { encoded, accent: scene.accent })
}

/// Parses `#RRGGBB` (either case).
fn parse_hex(hex: &str) -> Result<[u8; 3], ArtError> {
    let bad = || ArtError::BadColor(hex.to_owned());
    let digits = hex.strip_prefix('#').filter(|d| d.len() == 6 && d.bytes().all(|b| b.is_ascii_hexdigit()));
    let digits = digits.ok_or_else(bad)?;
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).map_err(|_| bad());
    Ok([channel(0)?, channel(2)?, channel(4)?])
}

#[cfg(test)]
mod tests;
