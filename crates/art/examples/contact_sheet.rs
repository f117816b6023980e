//! Writes product art to /tmp/art/ for a visual check and times a full catalogue run.
//!
//! `cargo run -p vitrina-art --example contact_sheet [silhouette ...]`
//!
//! - times every silhouette × the 33 demo colours × FULL and THUMB, from a cold [`Studio`];
//! - writes `<silhouette>_<colour>.png` at FULL in red, white, black and mint, and a thumbnail;
//! - writes contact sheets `sheet_<colour>_<n>.png`, eight silhouettes each at 300 × 400.
//!
//! Naming silhouettes (snake_case) limits the individual files and sheets to them.

use std::time::Instant;
use vitrina_art::{Silhouette, Size, Studio, FULL, THUMB};

/// The demo catalogue's colours.
const COLOURS: [&str; 33] = [
    "#111111", "#FFFFFF", "#FFFFF0", "#F0EAD6", "#D9C7A7", "#C2B280", "#C19A6B", "#6F4E37", "#4E2A1E", "#A39A6B",
    "#1F2A44", "#2D5DA8", "#3F4A8A", "#8EC9E8", "#1D5C63", "#30B5B0", "#6B7135", "#0E4D3A", "#A8DCC5", "#7A1F2B",
    "#C0282D", "#F27C60", "#C0603B", "#E8792B", "#CC9A2E", "#F2D24B", "#E8BFC0", "#C8287A", "#B7A1C9", "#5E3A7E",
    "#D3D4D6", "#A6A8AB", "#3A3D40",
];

/// Colours of the individual files and sheets.
const SAMPLES: [(&str, &str); 4] =
    [("red", "#C0282D"), ("white", "#FFFFFF"), ("black", "#111111"), ("mint", "#A8DCC5")];

/// Size of one cell of a contact sheet.
const CELL: Size = Size { width: 300, height: 400 };
const SHEET_COLUMNS: usize = 4;
const SHEET_ROWS: usize = 2;

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::path::Path::new("/tmp/art");
    std::fs::create_dir_all(dir)?;
    time_catalogue()?;

    let chosen: Vec<Silhouette> = Silhouette::all()
        .iter()
        .copied()
        .filter(|s| wanted.is_empty() || wanted.iter().any(|w| w == s.as_str()))
        .collect();
    let mut studio = Studio::new();
    for &s in &chosen {
        for (name, hex) in SAMPLES {
            std::fs::write(dir.join(format!("{}_{name}.png", s.as_str())), studio.png(s, FULL, hex)?)?;
        }
        std::fs::write(dir.join(format!("{}_thumb.png", s.as_str())), studio.png(s, THUMB, "#2D5DA8")?)?;
    }
    for (name, hex) in SAMPLES {
        for (n, group) in chosen.chunks(SHEET_COLUMNS * SHEET_ROWS).enumerate() {
            let sheet = contact_sheet(&mut studio, group, hex)?;
            std::fs::write(dir.join(format!("sheet_{name}_{n}.png")), sheet)?;
        }
    }
    println!("wrote PNGs to {}", dir.display());
    Ok(())
}

/// Renders the whole catalogue from a cold studio and reports time and sizes.
fn time_catalogue() -> Result<(), Error> {
    let start = Instant::now();
    let mut studio = Studio::new();
    let (mut full_bytes, mut thumb_bytes) = (0usize, 0usize);
    for &s in Silhouette::all() {
        for hex in COLOURS {
            full_bytes += studio.png(s, FULL, hex)?.len();
            thumb_bytes += studio.png(s, THUMB, hex)?.len();
        }
    }
    let elapsed = start.elapsed();
    let per_size = Silhouette::all().len() * COLOURS.len();
    println!(
        "{} silhouettes × {} colours × 2 sizes = {} images in {elapsed:.2?}; average {:.1} KiB at FULL, {:.1} KiB at THUMB",
        Silhouette::all().len(),
        COLOURS.len(),
        per_size * 2,
        full_bytes as f64 / per_size as f64 / 1024.0,
        thumb_bytes as f64 / per_size as f64 / 1024.0
    );
    Ok(())
}

/// A grid of `silhouettes` in colour `hex`, as an RGB PNG.
fn contact_sheet(studio: &mut Studio, silhouettes: &[Silhouette], hex: &str) -> Result<Vec<u8>, Error> {
    let (cw, ch) = (CELL.width as usize, CELL.height as usize);
    let (w, h) = (cw * SHEET_COLUMNS, ch * SHEET_ROWS);
    let mut rgb = vec![255u8; w * h * 3];
    for (i, &s) in silhouettes.iter().enumerate() {
        let cell = decode_rgb(&studio.png(s, CELL, hex)?)?;
        let (ox, oy) = ((i % SHEET_COLUMNS) * cw, (i / SHEET_COLUMNS) * ch);
        for y in 0..ch {
            let dst = ((oy + y) * w + ox) * 3;
            rgb[dst..dst + cw * 3].copy_from_slice(&cell[y * cw * 3..(y + 1) * cw * 3]);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w as u32, h as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(out)
}

/// Decodes an indexed PNG to RGB bytes.
fn decode_rgb(file: &[u8]) -> Result<Vec<u8>, Error> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(file));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info()?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("image too large")?];
    let info = reader.next_frame(&mut buf)?;
    buf.truncate(info.buffer_size());
    Ok(buf)
}
