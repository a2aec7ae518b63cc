//! What the `encoders` fuzz target checks, also replayed over the committed
//! corpus by `examples/tests/fuzz_corpus.rs`: a record of any keys and
//! values, written by kit-log's logfmt and JSON encoders, reads back to the
//! same keys and values on one line — logfmt through the independent
//! decoder of `log/tests/common/roundtrip_check.rs` (written from
//! ENCODING.md), JSON through serde_json. The including crate declares
//! `roundtrip_check` (with `ordered_json` and `logfmt_spec`).

use crate::roundtrip_check::{check_json, check_logfmt, V};

/// Takes `n` bytes (fewer at the end of the input).
fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (head, tail) = data.split_at(n.min(data.len()));
    *data = tail;
    head
}

fn number(data: &mut &[u8]) -> [u8; 8] {
    let mut b = [0u8; 8];
    let got = take(data, 8);
    b[..got.len()].copy_from_slice(got);
    b
}

/// The input as a record: per pair, a key (a length byte, then that many
/// bytes as text), a type byte, then the value.
pub(crate) fn pairs(mut data: &[u8]) -> Vec<(String, V)> {
    let data = &mut data;
    let mut pairs = Vec::new();
    while !data.is_empty() && pairs.len() < 32 {
        let n = usize::from(take(data, 1)[0]);
        let key = String::from_utf8_lossy(take(data, n)).into_owned();
        let kind = take(data, 1).first().copied().unwrap_or(0);
        let value = match kind % 9 {
            0 | 1 => {
                let n = usize::from(take(data, 1).first().copied().unwrap_or(0));
                V::Str(String::from_utf8_lossy(take(data, n)).into_owned())
            }
            2 => {
                let n = usize::from(take(data, 1).first().copied().unwrap_or(0));
                V::Bytes(take(data, n).to_vec())
            }
            3 => V::I64(i64::from_le_bytes(number(data))),
            4 => V::U64(u64::from_le_bytes(number(data))),
            5 => V::F64(f64::from_le_bytes(number(data))),
            6 => V::Bool(take(data, 1).first().is_some_and(|b| b & 1 == 1)),
            7 => {
                let b = number(data);
                V::Char(
                    char::from_u32(u32::from_le_bytes([b[0], b[1], b[2], 0])).unwrap_or('\u{fffd}'),
                )
            }
            _ => V::None,
        };
        pairs.push((key, value));
    }
    pairs
}

/// The check; panics when a property does not hold.
pub(crate) fn check(data: &[u8]) {
    let pairs = pairs(data);
    if pairs.is_empty() {
        return;
    }
    if let Err(e) = check_logfmt(&pairs) {
        panic!("logfmt: {e}");
    }
    if let Err(e) = check_json(&pairs) {
        panic!("json: {e}");
    }
}
