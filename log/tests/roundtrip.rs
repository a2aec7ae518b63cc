//! Property tests: records of arbitrary keys and values, written by both
//! encoders, must read back — logfmt through a decoder written from the
//! rules of `ENCODING.md` (not kit's code), JSON through serde_json — to
//! the same keys and values, in order, on exactly one line. The checks are
//! in `common/roundtrip_check.rs`, shared with the `encoders` fuzz target.

use proptest::prelude::*;

#[path = "common/logfmt_spec.rs"]
mod logfmt_spec;
#[path = "common/ordered_json.rs"]
mod ordered_json;
#[path = "common/roundtrip_check.rs"]
mod roundtrip_check;
use roundtrip_check::{check_json, check_logfmt, decode_logfmt, sanitized, V};

// ------------------------------------------------------------ generated input

/// Characters with the ones the rules single out well represented.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        3 => proptest::char::range(' ', '~'),
        3 => proptest::sample::select(vec![
            ' ', '=', '"', '\\', '\n', '\r', '\t', '\0', '\x08', '\x1b', '\x1f', '\x7f', '\u{80}',
            '\u{85}', '\u{9f}', '\u{a0}', '\u{b5}', '\u{2028}', '\u{2029}', '\u{2027}', 'é', '日',
            '🦀', '\u{fffd}', '\u{feff}', '<', '&', '/',
        ]),
    ]
}

/// Any string, including the empty one and `null`.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        1 => Just("null".to_owned()),
        10 => proptest::collection::vec(text_char(), 0..24)
            .prop_map(|chars| chars.into_iter().collect::<String>()),
    ]
}

/// Any bytes: random bytes mixed with whole UTF-8 characters.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        any::<u8>().prop_map(|b| vec![b]),
        proptest::sample::select(vec![0x80u8, 0xbf, 0xc0, 0xc2, 0xe2, 0xed, 0xf4, 0xf5, 0xff])
            .prop_map(|b| vec![b]),
        text_char().prop_map(|c| c.to_string().into_bytes()),
    ];
    proptest::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat())
}

/// Any double, non-finite and signed zeros included, and short decimals.
fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<f64>(),
        1 => proptest::sample::select(vec![
            f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.0, 1e21, 1e-7, f64::MAX,
            f64::MIN_POSITIVE, 5e-324,
        ]),
        3 => (any::<i32>(), 0..6i32).prop_map(|(n, k)| f64::from(n) / 10f64.powi(k)),
    ]
}

fn value() -> impl Strategy<Value = V> {
    prop_oneof![
        4 => text().prop_map(V::Str),
        2 => bytes().prop_map(V::Bytes),
        1 => any::<i64>().prop_map(V::I64),
        1 => any::<u64>().prop_map(V::U64),
        2 => float().prop_map(V::F64),
        1 => any::<bool>().prop_map(V::Bool),
        1 => text_char().prop_map(V::Char),
        1 => Just(V::None),
    ]
}

/// A record: 1 to 12 pairs of any key and any value.
fn record() -> impl Strategy<Value = Vec<(String, V)>> {
    proptest::collection::vec((text(), value()), 1..=12)
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn logfmt_reads_back_to_the_same_pairs_by_the_rules_of_encoding_md(pairs in record()) {
        check_logfmt(&pairs).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn json_parses_back_to_the_same_pairs_in_the_same_order(pairs in record()) {
        check_json(&pairs).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn the_logfmt_decoder_follows_the_rules_it_checks() {
    let fields =
        decode_logfmt("a=1 b=\"x y\" c= d=\"\\u2028\\\"\\\\\\n\" e=C:\\dir f=\"null\"\n").unwrap();
    let got: Vec<(&str, &str, bool)> = fields
        .iter()
        .map(|f| (f.key.as_str(), f.value.as_str(), f.quoted))
        .collect();
    assert_eq!(
        got,
        [
            ("a", "1", false),
            ("b", "x y", true),
            ("c", "", false),
            ("d", "\u{2028}\"\\\n", true),
            ("e", "C:\\dir", false),
            ("f", "null", true),
        ]
    );
    for bad in [
        "a=1",
        "a=1 \n",
        "a=1  b=2\n",
        "a=\"x\n",
        "a=x\"y\n",
        "=1\n",
        "a b=1\n",
        "a=\"\x1b\"\n",
        "a=\u{85}\n",
        "a=\"\\q\"\n",
    ] {
        assert!(decode_logfmt(bad).is_err(), "{bad:?}");
    }
    assert_eq!(sanitized(""), "_");
    assert_eq!(sanitized("a b=c\"\u{85}\u{2028}"), "a_b_c___");
}
