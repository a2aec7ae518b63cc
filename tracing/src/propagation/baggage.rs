//! W3C Baggage (<https://www.w3.org/TR/baggage/>): `key=value;property`
//! members separated by `,`.
//!
//! Decoding: values are percent-decoded; a `+` stays a literal plus, as
//! the W3C spec gives it no special meaning (some peers, OpenTelemetry
//! Python among them, write a space as `+`: kit reads it back as `+`).
//! Encoding: kit writes every byte outside the spec's `baggage-octet` set
//! percent-encoded — a space is always `%20` — and `+` as `%2B`, so a
//! decoder that reads `+` as a space (OpenTelemetry Python's) and a
//! strict one read kit's values alike. Keys must be HTTP tokens;
//! an invalid member (bad key, a value whose decoding is not UTF-8) is
//! skipped, the others kept. At most 180 members and 8192 bytes are read.

use opentelemetry::baggage::{Baggage, BaggageExt, BaggageMetadata, KeyValueMetadata};
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::propagation::{text_map_propagator::FieldIter, Extractor, Injector};
use opentelemetry::{Context, Key, StringValue};

/// The `baggage` header.
pub const BAGGAGE: &str = "baggage";

/// The most members read from (and written to) one header.
pub const MAX_MEMBERS: usize = 180;
/// The longest header read (and written).
pub const MAX_BYTES: usize = 8192;

fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A byte the spec lets stand for itself in a value.
fn is_baggage_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
        && b != b'%'
        && b != b'+'
}

/// Percent-decodes `text`; `None` for a bad escape or bytes that are not
/// UTF-8. `+` is kept.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes every byte of `text` that may not stand for itself
/// (and `+`).
///
/// ```
/// use kit_tracing::propagation::baggage::percent_encode;
/// assert_eq!(percent_encode("a b+c,d;é%"), "a%20b%2Bc%2Cd%3B%C3%A9%25");
/// ```
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if is_baggage_octet(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Parses a `baggage` value: `(key, value, properties)` for each valid
/// member, in order.
///
/// ```
/// use kit_tracing::propagation::baggage::parse;
///
/// let members = parse("user=alice%20b, a+b=c+d;ttl=30, bad key=x");
/// assert_eq!(members[0], ("user".to_string(), "alice b".to_string(), String::new()));
/// assert_eq!(members[1], ("a+b".to_string(), "c+d".to_string(), "ttl=30".to_string()));
/// assert_eq!(members.len(), 2);
/// ```
pub fn parse(value: &str) -> Vec<(String, String, String)> {
    if value.len() > MAX_BYTES {
        return Vec::new();
    }
    let mut out = Vec::new();
    for member in value.split(',') {
        if out.len() == MAX_MEMBERS {
            break;
        }
        let (pair, properties) = member.split_once(';').unwrap_or((member, ""));
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let key = key.trim_matches(|c| c == ' ' || c == '\t');
        let value = value.trim_matches(|c| c == ' ' || c == '\t');
        if !is_token(key) {
            continue;
        }
        if let Some(value) = percent_decode(value) {
            out.push((key.to_owned(), value, properties.trim().to_owned()));
        }
    }
    out
}

/// The baggage propagator.
#[derive(Clone, Debug)]
pub struct W3cBaggage {
    fields: [String; 1],
}

impl Default for W3cBaggage {
    fn default() -> Self {
        W3cBaggage {
            fields: [BAGGAGE.to_owned()],
        }
    }
}

impl TextMapPropagator for W3cBaggage {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        let mut header = String::new();
        for (i, (key, (value, metadata))) in cx.baggage().iter().enumerate() {
            if i == MAX_MEMBERS || !is_token(key.as_str()) {
                continue;
            }
            let mut member = format!("{}={}", key.as_str(), percent_encode(value.as_str()));
            if !metadata.as_str().is_empty() {
                member.push(';');
                member.push_str(metadata.as_str());
            }
            if header.len() + member.len() + 1 > MAX_BYTES {
                break;
            }
            if !header.is_empty() {
                header.push(',');
            }
            header.push_str(&member);
        }
        if !header.is_empty() {
            injector.set(BAGGAGE, header);
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let Some(value) = extractor.get(BAGGAGE) else {
            return cx.clone();
        };
        let members = parse(value);
        if members.is_empty() {
            return cx.clone();
        }
        let baggage: Baggage = members
            .into_iter()
            .map(|(k, v, p)| {
                KeyValueMetadata::new(Key::new(k), StringValue::from(v), BaggageMetadata::from(p))
            })
            .collect();
        cx.with_baggage(baggage)
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_keeps_plus_and_rejects_bad_escapes() {
        assert_eq!(percent_decode("a+b").as_deref(), Some("a+b"));
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
        assert_eq!(percent_decode("%E2%9C%93").as_deref(), Some("✓"));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%2"), None);
        assert_eq!(percent_decode("%FF"), None, "not UTF-8");
    }

    #[test]
    fn round_trip_through_a_context() {
        let propagator = W3cBaggage::default();
        let mut headers = std::collections::HashMap::new();
        headers.insert(BAGGAGE.to_string(), "k=v%2C1%20x;p=1,q=a+b".to_string());
        let cx = propagator.extract(&headers);
        assert_eq!(
            cx.baggage()
                .get("k")
                .map(|v| v.as_str().to_owned())
                .as_deref(),
            Some("v,1 x")
        );
        assert_eq!(
            cx.baggage()
                .get("q")
                .map(|v| v.as_str().to_owned())
                .as_deref(),
            Some("a+b")
        );
        let mut out = std::collections::HashMap::new();
        propagator.inject_context(&cx, &mut out);
        let mut members: Vec<&str> = out[BAGGAGE].split(',').collect();
        members.sort();
        assert_eq!(members, ["k=v%2C1%20x;p=1", "q=a%2Bb"]);
    }

    #[test]
    fn bounds() {
        let many: Vec<String> = (0..300).map(|i| format!("k{i}=v")).collect();
        assert_eq!(parse(&many.join(",")).len(), MAX_MEMBERS);
        assert!(parse(&format!("k={}", "v".repeat(MAX_BYTES))).is_empty());
    }
}
