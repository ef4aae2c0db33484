//! From a response body to the page's canonical title and text: decode, extract, normalise.
//!
//! The extractor is `dom_smoothie`, a Rust port of Mozilla's Readability (the algorithm behind
//! Firefox's Reader View) over html5ever, the HTML5 parser of Servo. Chosen over `readability`
//! (a 2019-era port on the unmaintained kuchiki, pulling reqwest by default) and over `scraper`
//! plus hand-written heuristics (we would be maintaining a worse Readability): it is maintained,
//! tested against Readability.js's own test pages, and deterministic by design (candidates are
//! tie-broken by document order, not by hash-map order). Its version is pinned exactly in the
//! workspace (`=0.19.0`) and named in the source's configuration hash, since nodes hash its
//! output.

use dom_smoothie::{Config, Readability, TextMode};
use encoding_rs::{Encoding, UTF_8};
use unicode_normalization::UnicodeNormalization;

/// The extractor, as the configuration hash names it.
pub(crate) const EXTRACTOR: &str = "dom_smoothie 0.19.0 (Readability, formatted text)";

/// The normalisation applied to the extractor's output, as the configuration hash names it.
pub(crate) const NORMALIZATION: &str = "charset (header, BOM, meta; else UTF-8); NFC; lines trimmed, \
     inner whitespace runs to one space, blank-line runs to one blank line; v1";

/// The most elements a page may have: a larger one is refused (the parse is CPU-bound).
const MAX_ELEMENTS: usize = 100_000;

/// How many bytes of an HTML page are searched for a `<meta charset>` (as browsers' prescan).
const META_PRESCAN: usize = 1024;

/// What a body is, from its `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `text/html` or `application/xhtml+xml`: the main text is extracted.
    Html,
    /// `text/plain`: taken as it is (normalised).
    Plain,
}

/// The media type (lowercase, without parameters) and its charset parameter, if any.
pub(crate) fn media_type(content_type: &str) -> (String, Option<String>) {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches('"').to_owned())
    });
    (essence, charset)
}

/// The kind of a media type, `None` when the source does not read it.
pub(crate) fn kind(essence: &str) -> Option<Kind> {
    match essence {
        "text/html" | "application/xhtml+xml" => Some(Kind::Html),
        "text/plain" => Some(Kind::Plain),
        _ => None,
    }
}

/// Decodes `body` as the WHATWG Encoding Standard does: a byte-order mark wins, then the
/// header's charset, then (HTML only) a `<meta charset>` in the first 1024 bytes, else UTF-8.
/// Malformed sequences become U+FFFD (deterministic).
pub(crate) fn decode(body: &[u8], header_charset: Option<&str>, kind: Kind) -> String {
    let label = header_charset
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .or_else(|| (kind == Kind::Html).then(|| meta_charset(body)).flatten());
    let (text, _, _) = label.unwrap_or(UTF_8).decode(body);
    text.into_owned()
}

/// The encoding a `<meta charset=…>` or `<meta http-equiv content="…; charset=…">` names in the
/// first bytes of `body` (a simplified prescan: the first `charset=` in that window).
fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(META_PRESCAN)];
    let lower = head.to_ascii_lowercase();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let label: Vec<u8> = lower[at..]
        .iter()
        .copied()
        .skip_while(|b| *b == b'"' || *b == b'\'')
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
        .collect();
    // a page in UTF-16 cannot declare it in ASCII: the standard reads such a declaration as UTF-8
    Encoding::for_label(&label).map(Encoding::output_encoding)
}

/// Why no text could be extracted.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ExtractError {
    /// The page has more elements than the source parses.
    #[error("the page has too many elements to parse (more than {MAX_ELEMENTS})")]
    TooLarge,
    /// Readability found no main content.
    #[error("no readable content: {0}")]
    NoContent(String),
}

/// The page's title and main text from its HTML, normalised.
pub(crate) fn extract_html(html: &str) -> Result<(String, String), ExtractError> {
    let config =
        Config { max_elements_to_parse: MAX_ELEMENTS, text_mode: TextMode::Formatted, ..Config::default() };
    // no document URL: it only absolutises links in the article's HTML, which is not hashed,
    // and leaving it out keeps the text independent of where redirects ended
    let mut readability =
        Readability::new(html, None, Some(config)).map_err(|e| ExtractError::NoContent(e.to_string()))?;
    let article = readability.parse().map_err(|e| match e {
        dom_smoothie::ReadabilityError::TooManyElements(..) => ExtractError::TooLarge,
        other => ExtractError::NoContent(other.to_string()),
    })?;
    let text = normalize_text(&article.text_content);
    if text.is_empty() {
        return Err(ExtractError::NoContent("the main content has no text".into()));
    }
    Ok((normalize_line(&article.title), text))
}

/// A multi-line text in canonical form: NFC; CRLF and CR as LF; each line's whitespace runs
/// (Unicode `White_Space`, so also NBSP) collapsed to one space and the line trimmed; runs of
/// blank lines collapsed to one; no blank line at either end.
pub(crate) fn normalize_text(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    let mut blank = false;
    for line in nfc.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let line = normalize_line(line);
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out.push_str(&line);
        blank = false;
    }
    out
}

/// One line in canonical form: NFC, whitespace runs (line breaks included) as one space, trimmed.
pub(crate) fn normalize_line(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_is_canonical() {
        // NFD "é" (e + combining acute) becomes NFC; NBSP and tabs collapse; blank runs collapse
        let raw = "  \r\n Caf\u{65}\u{301}\u{a0}\t au  lait \r\n\r\n\n\n second\u{2003}para \n\n";
        assert_eq!(normalize_text(raw), "Caf\u{e9} au lait\n\nsecond para");
        assert_eq!(normalize_text("a\nb\n\nc"), "a\nb\n\nc");
        assert_eq!(normalize_line("  A \n title\t"), "A title");
        assert_eq!(normalize_text(" \n\t\n"), "");
    }

    #[test]
    fn media_types_and_charsets_are_parsed() {
        assert_eq!(
            media_type("Text/HTML; Charset=\"ISO-8859-1\""),
            ("text/html".into(), Some("ISO-8859-1".into()))
        );
        assert_eq!(media_type("text/plain"), ("text/plain".into(), None));
        assert_eq!(kind("application/json"), None);
        assert_eq!(kind("application/xhtml+xml"), Some(Kind::Html));
    }

    #[test]
    fn bodies_are_decoded_by_header_bom_or_meta() {
        let latin1 = b"caf\xe9";
        assert_eq!(decode(latin1, Some("iso-8859-1"), Kind::Plain), "caf\u{e9}");
        assert_eq!(decode(latin1, None, Kind::Plain), "caf\u{fffd}", "UTF-8 by default, lossy");
        let html = b"<html><head><meta charset=\"windows-1252\"></head><body>\x93hi\x94</body></html>";
        assert!(decode(html, None, Kind::Html).contains("\u{201c}hi\u{201d}"));
        assert!(decode(b"\xef\xbb\xbfok", Some("iso-8859-1"), Kind::Plain) == "ok", "the BOM wins");
    }
}
