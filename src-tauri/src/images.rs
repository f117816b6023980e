//! The `vimg` URI scheme: product pictures from the device's picture cache, by
//! content address (`vimg://localhost/<sha256>`, or `http://vimg.localhost/<sha256>`
//! where the webview needs it). Only addresses are served, never paths, so nothing
//! else on disk can be read through it; the bytes under an address never change,
//! so the webview may cache them for good.

use crate::state::AppCore;
use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

pub const SCHEME: &str = "vimg";

/// The content type of a picture, from its first bytes.
pub fn content_type(bytes: &[u8]) -> &'static str {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => "image/webp",
        _ => "application/octet-stream",
    }
}

/// The content address a request names, if it names one.
pub fn address_of(path: &str) -> Option<&str> {
    let hash = path.trim_start_matches('/');
    vitrina_protocol::is_content_address(hash).then_some(hash)
}

pub fn serve<R: Runtime>(ctx: UriSchemeContext<'_, R>, request: Request<Vec<u8>>, responder: UriSchemeResponder) {
    let cache = ctx.app_handle().try_state::<AppCore>().map(|core| core.images.clone());
    let hash = address_of(request.uri().path()).map(str::to_owned);
    tauri::async_runtime::spawn_blocking(move || {
        let bytes = match (cache, hash) {
            (Some(cache), Some(hash)) => cache.read(&hash),
            _ => None,
        };
        let response = match bytes {
            Some(bytes) => Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, content_type(&bytes))
                .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
                .body(bytes),
            None => Response::builder().status(StatusCode::NOT_FOUND).body(Vec::new()),
        };
        match response {
            Ok(response) => responder.respond(response),
            Err(e) => tracing::error!(error = %e, "building a picture response"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_addresses_are_served() {
        let hash = "a".repeat(64);
        assert_eq!(address_of(&format!("/{hash}")), Some(hash.as_str()));
        for bad in
            ["/", "/../vitrina.db", "/%2e%2e/vitrina.db", "/AAAA", &format!("/{hash}/x"), &format!("/{hash}.png")]
        {
            assert_eq!(address_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_content_type_comes_from_the_bytes() {
        assert_eq!(content_type(b"\x89PNG\r\n\x1a\n...."), "image/png");
        assert_eq!(content_type(b"\xFF\xD8\xFF\xE0...."), "image/jpeg");
        assert_eq!(content_type(b"RIFF\0\0\0\0WEBPVP8 "), "image/webp");
        assert_eq!(content_type(b"<svg"), "application/octet-stream");
    }
}
