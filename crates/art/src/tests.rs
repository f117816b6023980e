//! Tests of the public API: decoding, determinism, composition and legibility of the images.

use super::*;
use std::sync::{Mutex, OnceLock};

/// A mid-saturated blue: easy to tell from the neutral backdrop in every shade.
const BLUE: &str = "#2D5DA8";

/// One studio for all tests, so that each drawing is rendered once.
fn png(silhouette: Silhouette, size: Size, hex: &str) -> Vec<u8> {
    static STUDIO: OnceLock<Mutex<Studio>> = OnceLock::new();
    let studio = STUDIO.get_or_init(|| Mutex::new(Studio::new()));
    let mut studio = studio.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    studio.png(silhouette, size, hex).expect("valid colour")
}

/// A decoded image: RGB pixels row by row.
struct Rgb {
    width: usize,
    height: usize,
    px: Vec<[u8; 3]>,
}

impl Rgb {
    fn decode(file: &[u8]) -> Rgb {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(file));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("PNG header");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("PNG data");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        let px = buf[..info.buffer_size()].chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
        Rgb { width: info.width as usize, height: info.height as usize, px }
    }

    fn at(&self, x: usize, y: usize) -> [u8; 3] {
        self.px[y * self.width + x]
    }
}

fn luma(c: [u8; 3]) -> f32 {
    0.2126 * c[0] as f32 + 0.7152 * c[1] as f32 + 0.0722 * c[2] as f32
}

/// Where the garment is: the pixels of its blue rendering that are not bare backdrop (whose
/// few colours are the same whatever the garment's colour).
fn garment_mask(silhouette: Silhouette, size: Size) -> (Rgb, Vec<bool>) {
    let backdrop = palette::backdrop_colours();
    let img = Rgb::decode(&png(silhouette, size, BLUE));
    let mask = img.px.iter().map(|c| !backdrop.contains(c)).collect();
    (img, mask)
}

#[test]
fn every_silhouette_decodes_at_both_sizes_as_an_indexed_png() {
    for &s in Silhouette::all() {
        for size in [FULL, THUMB] {
            let file = png(s, size, "#C0282D");
            let decoder = png::Decoder::new(std::io::Cursor::new(file.as_slice()));
            let reader = decoder.read_info().unwrap_or_else(|e| panic!("{s:?} {size:?}: {e}"));
            let info = reader.info();
            assert_eq!((info.width, info.height), (size.width, size.height), "{s:?}");
            assert_eq!(info.color_type, png::ColorType::Indexed, "{s:?}");
            assert_eq!(info.bit_depth, png::BitDepth::Eight, "{s:?}");
            let entries = info.palette.as_ref().map_or(0, |p| p.len() / 3);
            assert!((2..=256).contains(&entries), "{s:?}: {entries} palette entries");
            let img = Rgb::decode(&file);
            assert_eq!(img.px.len(), (size.width * size.height) as usize);
        }
    }
}

#[test]
fn same_inputs_give_identical_bytes() {
    let mut a = Studio::new();
    let mut b = Studio::new();
    for &s in Silhouette::all() {
        let first = a.png(s, THUMB, "#6F4E37").expect("valid");
        assert_eq!(first, b.png(s, THUMB, "#6F4E37").expect("valid"), "{s:?} across studios");
        assert_eq!(first, a.png(s, THUMB, "#6F4E37").expect("valid"), "{s:?} from the cache");
    }
    for s in [Silhouette::Parka, Silhouette::Sneaker] {
        assert_eq!(a.png(s, FULL, "#6F4E37").expect("valid"), b.png(s, FULL, "#6F4E37").expect("valid"), "{s:?}");
    }
}

/// The file without its `PLTE` chunk.
fn without_palette(file: &[u8]) -> Vec<u8> {
    let mut out = file[..8].to_vec();
    let mut at = 8;
    while at + 12 <= file.len() {
        let len = u32::from_be_bytes([file[at], file[at + 1], file[at + 2], file[at + 3]]) as usize;
        if &file[at + 4..at + 8] != b"PLTE" {
            out.extend_from_slice(&file[at..at + 12 + len]);
        }
        at += 12 + len;
    }
    out
}

#[test]
fn two_colours_of_a_silhouette_differ_only_in_the_palette() {
    for &s in Silhouette::all() {
        for size in [FULL, THUMB] {
            let red = png(s, size, "#C0282D");
            let navy = png(s, size, "#1F2A44");
            assert_ne!(red, navy, "{s:?} {size:?}");
            let (r, n) = (Rgb::decode(&red), Rgb::decode(&navy));
            assert_eq!((r.width, r.height), (n.width, n.height));
            assert_ne!(r.px, n.px, "{s:?}: pixels must differ");
            assert_eq!(without_palette(&red), without_palette(&navy), "{s:?}: only PLTE may differ");
        }
    }
}

#[test]
fn garments_cover_a_plausible_share_of_the_picture_and_are_centred() {
    for &s in Silhouette::all() {
        let (img, mask) = garment_mask(s, FULL);
        let (w, h) = (img.width as f32, img.height as f32);
        let count = mask.iter().filter(|&&m| m).count();
        let share = count as f32 / (w * h);
        assert!((0.12..=0.75).contains(&share), "{s:?} covers {:.1} %", share * 100.0);
        let (mut sx, mut sy) = (0.0f64, 0.0f64);
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        for (i, _) in mask.iter().enumerate().filter(|(_, &m)| m) {
            let (x, y) = (i % img.width, i / img.width);
            sx += x as f64;
            sy += y as f64;
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        let (cx, cy) = (sx / count as f64 / w as f64, sy / count as f64 / h as f64);
        assert!((cx - 0.5).abs() < 0.1, "{s:?} centred at x = {cx:.2}");
        assert!((cy - 0.5).abs() < 0.15, "{s:?} centred at y = {cy:.2}");
        let margin = 0.015;
        assert!(x0 as f32 > w * margin && (x1 as f32) < w * (1.0 - margin), "{s:?} touches a side: {x0}..{x1}");
        assert!(y0 as f32 > h * margin && (y1 as f32) < h * (1.0 - margin), "{s:?} touches top or bottom: {y0}..{y1}");
    }
}

/// Share of the garment's outer edge pixels that stand out from the backdrop just outside them
/// by at least `contrast` luma levels, for `silhouette` in colour `hex`.
fn visible_edge_share(silhouette: Silhouette, hex: &str, contrast: f32) -> f32 {
    let (_, mask) = garment_mask(silhouette, FULL);
    let img = Rgb::decode(&png(silhouette, FULL, hex));
    let (w, h) = (img.width, img.height);
    let (mut edges, mut visible) = (0usize, 0usize);
    for y in 3..h - 3 {
        for x in 3..w - 3 {
            // An edge pixel is inside the garment with backdrop 3 pixels to its left or right.
            let inside = mask[y * w + x];
            let outside = [(x - 3, y), (x + 3, y)].into_iter().find(|&(ox, oy)| !mask[oy * w + ox]);
            let (true, Some((ox, oy))) = (inside, outside) else { continue };
            edges += 1;
            let darkest = (x.saturating_sub(1)..=x + 1).map(|nx| luma(img.at(nx, y))).fold(f32::MAX, f32::min);
            if luma(img.at(ox, oy)) - darkest >= contrast {
                visible += 1;
            }
        }
    }
    assert!(edges > 500, "{silhouette:?}: only {edges} edge pixels");
    visible as f32 / edges as f32
}

#[test]
fn white_and_ivory_garments_stand_out_from_the_backdrop() {
    for &s in Silhouette::all() {
        for hex in ["#FFFFFF", "#FFFFF0"] {
            let share = visible_edge_share(s, hex, 30.0);
            assert!(share > 0.9, "{s:?} in {hex}: only {:.0} % of the edge is visible", share * 100.0);
        }
    }
}

#[test]
fn black_garments_show_their_form() {
    for &s in Silhouette::all() {
        let (_, mask) = garment_mask(s, FULL);
        let img = Rgb::decode(&png(s, FULL, "#111111"));
        let mut levels = [0usize; 256];
        let mut garment = 0usize;
        for (c, _) in img.px.iter().zip(&mask).filter(|(c, &m)| m && c[0].abs_diff(c[2]) < 12) {
            levels[luma(*c) as usize] += 1;
            garment += 1;
        }
        // Shading levels that each cover a visible area.
        let shades = levels.iter().filter(|&&n| n * 500 >= garment).count();
        assert!(shades >= 6, "{s:?}: only {shades} luma levels cover 0.2 % of the garment each");
        let lit = levels[40..].iter().sum::<usize>() as f32 / garment as f32;
        assert!(lit > 0.01, "{s:?}: no highlights ({:.2} % above luma 40)", lit * 100.0);
        let dark = levels[..30].iter().sum::<usize>() as f32 / garment as f32;
        assert!(dark > 0.5, "{s:?}: black should stay black ({:.0} % below luma 30)", dark * 100.0);
    }
}

#[test]
fn a_malformed_colour_is_an_error() {
    let mut studio = Studio::new();
    for bad in ["", "#", "C0282D", "#C0282", "#C0282D0", "#C0282G", "#C0 28 2D", "red", "#+C0282"] {
        let result = studio.png(Silhouette::Tee, THUMB, bad);
        assert_eq!(result, Err(ArtError::BadColor(bad.to_owned())), "{bad:?}");
    }
    assert!(studio.png(Silhouette::Tee, THUMB, "#c0282d").is_ok(), "lower case is fine");
    let message = ArtError::BadColor("red".to_owned()).to_string();
    assert!(message.contains("#RRGGBB") && message.contains("red"), "{message}");
}

#[test]
fn odd_sizes_are_rendered_and_clamped() {
    let mut studio = Studio::new();
    for (asked, got) in [((1, 1), (1, 1)), ((0, 5), (1, 5)), ((400, 100), (400, 100)), ((5000, 64), (4096, 64))] {
        let size = Size { width: asked.0, height: asked.1 };
        let img = Rgb::decode(&studio.png(Silhouette::Cap, size, BLUE).expect("valid"));
        assert_eq!((img.width as u32, img.height as u32), got, "{asked:?}");
    }
}
