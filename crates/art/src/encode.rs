//! PNG assembly with a swappable palette.
//!
//! A drawing is compressed once by the `png` crate with a placeholder palette; its chunks are
//! then split around the `PLTE` chunk. Each coloured image is the same chunks with a freshly
//! written `PLTE` in between, so recolouring costs a CRC over 768 bytes and a copy.

use crate::ArtError;
/// The eight bytes every PNG file starts with.
const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// A compressed drawing waiting for a palette.
#[derive(Debug, Clone)]
pub(crate) struct Encoded {
    /// Signature and every chunk before the palette (`IHDR`).
    head: Vec<u8>,
    /// Every chunk after the palette (`IDAT`s and `IEND`).
    tail: Vec<u8>,
}

impl Encoded {
    /// Compresses `indices` (`width` × `height`, one palette index per pixel, row by row) for
    /// a palette of `entries` colours.
    pub fn new(width: u32, height: u32, indices: &[u8], entries: usize) -> Result<Encoded, ArtError> {
        let placeholder = vec![0u8; entries * 3];
        let mut file = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut file, width, height);
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_palette(placeholder);
            encoder.set_compression(png::Compression::Fast);
            encoder.set_filter(png::Filter::Up);
            let failed = |e: png::EncodingError| ArtError::Encode(e.to_string());
            let mut writer = encoder.write_header().map_err(failed)?;
            writer.write_image_data(indices).map_err(failed)?;
            writer.finish().map_err(failed)?;
        }
        Ok(split_at_palette(&file))
    }

    /// The complete PNG with `palette` (RGB triples) as its colours.
    pub fn with_palette(&self, palette_chunk: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.head.len() + palette_chunk.len() + self.tail.len());
        out.extend_from_slice(&self.head);
        out.extend_from_slice(palette_chunk);
        out.extend_from_slice(&self.tail);
        out
    }

    /// Size of the file without its palette chunk.
    #[cfg(test)]
    pub fn len_without_palette(&self) -> usize {
        self.head.len() + self.tail.len()
    }
}

/// Splits a PNG file into what comes before and after its `PLTE` chunk, dropping the chunk.
fn split_at_palette(file: &[u8]) -> Encoded {
    let mut head = SIGNATURE.to_vec();
    let mut tail = Vec::new();
    let mut seen_palette = false;
    let mut at = SIGNATURE.len();
    while at + 12 <= file.len() {
        let len = u32::from_be_bytes([file[at], file[at + 1], file[at + 2], file[at + 3]]) as usize;
        let end = (at + 12 + len).min(file.len());
        let kind = &file[at + 4..at + 8];
        if kind == b"PLTE" {
            seen_palette = true;
        } else if seen_palette {
            tail.extend_from_slice(&file[at..end]);
        } else {
            head.extend_from_slice(&file[at..end]);
        }
        at = end;
    }
    Encoded { head, tail }
}

/// A `PLTE` chunk holding `rgb` (three bytes per colour).
pub(crate) fn palette_chunk(rgb: &[u8]) -> Vec<u8> {
    chunk(b"PLTE", rgb)
}

/// A PNG chunk: length, type, data and the CRC of type and data.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[4..]);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

/// CRC-32 (IEEE 802.3, as PNG uses), one table lookup per byte.
fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &b| CRC_TABLE[((crc ^ b as u32) & 0xFF) as usize] ^ (crc >> 8))
}

/// CRC-32 of every byte value, for the reflected polynomial 0xEDB88320.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        // The IEND chunk's well-known CRC.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn recoloured_file_decodes_with_the_new_palette() {
        let indices: Vec<u8> = (0..12u8).map(|i| i % 3).collect();
        let encoded = Encoded::new(4, 3, &indices, 3).unwrap();
        let palette = [255, 0, 0, 0, 255, 0, 0, 0, 255];
        let file = encoded.with_palette(&palette_chunk(&palette));
        assert_eq!(file.len(), encoded.len_without_palette() + 12 + 9);
        let mut decoder = png::Decoder::new(std::io::Cursor::new(file));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("valid PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("frame");
        assert_eq!((info.width, info.height, info.color_type), (4, 3, png::ColorType::Rgb));
        assert_eq!(&buf[..9], &palette);
    }
}
