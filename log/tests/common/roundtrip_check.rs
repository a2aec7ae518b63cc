//! The round-trip checks of kit-log's encoders, shared by the property
//! tests (`log/tests/roundtrip.rs`) and the `encoders` fuzz target
//! (`fuzz/`): records of any keys and values, written by both encoders,
//! must read back — logfmt through a decoder written here from the rules
//! of `ENCODING.md` (not kit's code), JSON through serde_json — to the same
//! keys and values, in order, on exactly one line. The including crate
//! declares `ordered_json` and `logfmt_spec` (from `log/tests/common/`).

use kit_log::sink::Buffer;
use kit_log::{Json, KeyValue, Logfmt, Logger, Record, Value};
use serde_json::Value as J;

use crate::ordered_json::Pairs;

/// One generated value; `as_value` lends it to a record.
#[derive(Clone, Debug)]
pub(crate) enum V {
    Str(String),
    Bytes(Vec<u8>),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
    Char(char),
    None,
}

impl V {
    pub(crate) fn as_value(&self) -> Value<'_> {
        match self {
            V::Str(s) => Value::Str(s),
            V::Bytes(b) => Value::Bytes(b),
            V::I64(n) => Value::I64(*n),
            V::U64(n) => Value::U64(*n),
            V::F64(f) => Value::F64(*f),
            V::Bool(b) => Value::Bool(*b),
            V::Char(c) => Value::Char(*c),
            V::None => Value::Null,
        }
    }
}

/// Writes `pairs` as one record through `logger` into `out`.
fn write(logger: &dyn Logger, out: &Buffer, pairs: &[(String, V)]) -> String {
    let kvs: Vec<KeyValue<'_>> = pairs
        .iter()
        .map(|(k, v)| KeyValue::new(k.as_str(), v.as_value()))
        .collect();
    logger.log(&Record::new(&kvs)).unwrap();
    String::from_utf8(out.contents()).expect("encoders write UTF-8")
}

// ------------------------------------------------------------ logfmt, from ENCODING.md

use crate::logfmt_spec::special;

/// The key ENCODING.md says is written for `key`.
pub(crate) fn sanitized(key: &str) -> String {
    if key.is_empty() {
        return "_".to_owned();
    }
    key.chars()
        .map(|c| if special(c) { '_' } else { c })
        .collect()
}

/// One decoded logfmt pair.
#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) key: String,
    pub(crate) value: String,
    pub(crate) quoted: bool,
}

/// Decodes one logfmt record strictly by ENCODING.md: `key=value` pairs
/// separated by exactly one space, ending in `\n`; keys and bare values
/// free of special characters; quoted values with `\" \\ \n \r \t \uXXXX`
/// escapes and no raw control or line-separator character.
pub(crate) fn decode_logfmt(line: &str) -> Result<Vec<Field>, String> {
    let body = line.strip_suffix('\n').ok_or("no newline at the end")?;
    if body.contains('\n') {
        return Err("a raw newline inside the record".into());
    }
    let chars: Vec<char> = body.chars().collect();
    let mut fields = Vec::new();
    let mut i = 0;
    if chars.is_empty() {
        return Ok(fields);
    }
    loop {
        let start = i;
        while i < chars.len() && chars[i] != '=' {
            if special(chars[i]) {
                return Err(format!("{:?} in a key at {i}", chars[i]));
            }
            i += 1;
        }
        if i == chars.len() {
            return Err("a key without `=`".into());
        }
        let key: String = chars[start..i].iter().collect();
        if key.is_empty() {
            return Err(format!("an empty key at {i}"));
        }
        i += 1;
        let (value, quoted) = if chars.get(i) == Some(&'"') {
            i += 1;
            let mut value = String::new();
            loop {
                match chars.get(i) {
                    None => return Err("an unterminated quote".into()),
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some('\\') => {
                        let c = match chars.get(i + 1) {
                            Some('"') => '"',
                            Some('\\') => '\\',
                            Some('n') => '\n',
                            Some('r') => '\r',
                            Some('t') => '\t',
                            Some('u') => {
                                let hex: String =
                                    chars.get(i + 2..i + 6).ok_or("short \\u")?.iter().collect();
                                let code = u32::from_str_radix(&hex, 16)
                                    .map_err(|e| format!("\\u{hex}: {e}"))?;
                                i += 4;
                                char::from_u32(code).ok_or(format!("\\u{hex} is no character"))?
                            }
                            other => return Err(format!("unknown escape \\{other:?}")),
                        };
                        value.push(c);
                        i += 2;
                    }
                    Some(&c) => {
                        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                            return Err(format!("a raw {c:?} inside quotes"));
                        }
                        value.push(c);
                        i += 1;
                    }
                }
            }
            (value, true)
        } else {
            let start = i;
            while i < chars.len() && chars[i] != ' ' {
                if special(chars[i]) {
                    return Err(format!("{:?} in a bare value at {i}", chars[i]));
                }
                i += 1;
            }
            (chars[start..i].iter().collect(), false)
        };
        fields.push(Field { key, value, quoted });
        if i == chars.len() {
            return Ok(fields);
        }
        if chars[i] != ' ' {
            return Err(format!("{:?} after a value at {i}", chars[i]));
        }
        i += 1;
        if i == chars.len() {
            return Err("a trailing space".into());
        }
    }
}

/// Whether text is quoted by the value rules (valid UTF-8 text).
fn must_quote(s: &str) -> bool {
    s == "null" || s.chars().any(special)
}

/// Checks one decoded logfmt field against the value that produced it.
fn check_logfmt_value(field: &Field, v: &V) -> Result<(), String> {
    let (text, quoted) = (field.value.as_str(), field.quoted);
    let verdict = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(format!("{v:?} written as {text:?} (quoted: {quoted})"))
        }
    };
    // Numbers, booleans, non-finite names and `null` are always bare.
    let bare = !quoted;
    match v {
        V::Str(s) => verdict(text == s && quoted == must_quote(s)),
        V::Char(c) => {
            let s = c.to_string();
            verdict(text == s && quoted == must_quote(&s))
        }
        V::Bytes(b) => {
            let lossy = String::from_utf8_lossy(b);
            let invalid = std::str::from_utf8(b).is_err();
            verdict(text == lossy && quoted == (invalid || must_quote(&lossy)))
        }
        V::I64(n) => verdict(bare && text.parse::<i64>() == Ok(*n) && text == n.to_string()),
        V::U64(n) => verdict(bare && text.parse::<u64>() == Ok(*n) && text == n.to_string()),
        V::F64(f) if f.is_nan() => verdict(bare && text == "NaN"),
        V::F64(f) if f.is_infinite() => {
            verdict(bare && text == if *f > 0.0 { "+Inf" } else { "-Inf" })
        }
        V::F64(f) => {
            // Bit for bit, so -0.0 must come back as -0.0.
            let back = text.parse::<f64>().map(f64::to_bits);
            let plain = text
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | 'e'));
            verdict(bare && back == Ok(f.to_bits()) && plain)
        }
        V::Bool(b) => verdict(bare && text == b.to_string()),
        V::None => verdict(bare && text == "null"),
    }
}

// ------------------------------------------------------------ JSON

/// The raw text of each top-level value of a JSON object serde_json has
/// already accepted (flat: kit's values here are never nested), so numbers
/// can be parsed exactly — serde_json without `float_roundtrip` may be
/// one ulp off.
fn raw_values(line: &str) -> Vec<&str> {
    fn skip_string(b: &[u8], mut i: usize) -> usize {
        assert_eq!(b[i], b'"');
        i += 1;
        loop {
            match b[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
    }
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 1;
    if b[i] == b'}' {
        return out;
    }
    loop {
        i = skip_string(b, i);
        assert_eq!(b[i], b':');
        i += 1;
        let start = i;
        if b[i] == b'"' {
            i = skip_string(b, i);
        } else {
            while b[i] != b',' && b[i] != b'}' {
                i += 1;
            }
        }
        out.push(&line[start..i]);
        if b[i] == b'}' {
            return out;
        }
        i += 1;
    }
}

/// Checks one parsed JSON value (and its raw text) against its source.
fn check_json_value(got: &J, raw: &str, v: &V) -> Result<(), String> {
    let ok = match v {
        V::Str(s) => got.as_str() == Some(s.as_str()),
        V::Char(c) => got.as_str() == Some(c.to_string().as_str()),
        V::Bytes(b) => got.as_str() == Some(&*String::from_utf8_lossy(b)),
        V::I64(n) => got.as_i64() == Some(*n) && raw == n.to_string(),
        V::U64(n) => got.as_u64() == Some(*n) && raw == n.to_string(),
        V::F64(f) if f.is_nan() => got.as_str() == Some("NaN"),
        V::F64(f) if f.is_infinite() => {
            got.as_str() == Some(if *f > 0.0 { "+Inf" } else { "-Inf" })
        }
        V::F64(f) => got.is_f64() && raw.parse::<f64>().map(f64::to_bits) == Ok(f.to_bits()),
        V::Bool(b) => got.as_bool() == Some(*b),
        V::None => got.is_null(),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{v:?} written as {raw} (parsed {got:?})"))
    }
}

// ------------------------------------------------------------ the checks

/// `pairs` written by kit's logfmt encoder read back, by the rules of
/// ENCODING.md, to the same keys (sanitized as the rules say) and values,
/// in order, on one line.
pub(crate) fn check_logfmt(pairs: &[(String, V)]) -> Result<(), String> {
    let out = Buffer::new();
    let line = write(&Logfmt::new(out.clone()), &out, pairs);
    let fields = decode_logfmt(&line).map_err(|e| format!("{e}: {line:?}"))?;
    if fields.len() != pairs.len() {
        return Err(format!(
            "{} fields for {} pairs: {line:?}",
            fields.len(),
            pairs.len()
        ));
    }
    for (field, (key, v)) in fields.iter().zip(pairs) {
        if field.key != sanitized(key) {
            return Err(format!("key {:?} for {key:?}: {line:?}", field.key));
        }
        check_logfmt_value(field, v).map_err(|e| format!("{e}: {line:?}"))?;
    }
    Ok(())
}

/// `pairs` written by kit's JSON encoder: one line, no raw control
/// character, parsed by serde_json to the same keys and values in order.
pub(crate) fn check_json(pairs: &[(String, V)]) -> Result<(), String> {
    let out = Buffer::new();
    let line = write(&Json::new(out.clone()), &out, pairs);
    let body = line
        .strip_suffix('\n')
        .ok_or(format!("no newline at the end: {line:?}"))?;
    if body.contains('\n') {
        return Err(format!("more than one line: {line:?}"));
    }
    let raw = body
        .chars()
        .find(|&c| c < ' ' || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}');
    if let Some(c) = raw {
        return Err(format!("raw {c:?}: {line:?}"));
    }
    let parsed: Pairs =
        serde_json::from_str(body).map_err(|e| format!("serde_json: {e}: {line:?}"))?;
    let raws = raw_values(body);
    if parsed.0.len() != pairs.len() || raws.len() != pairs.len() {
        return Err(format!(
            "{} values for {} pairs: {line:?}",
            parsed.0.len(),
            pairs.len()
        ));
    }
    for (((key, got), raw), (want_key, v)) in parsed.0.iter().zip(&raws).zip(pairs) {
        if key != want_key {
            return Err(format!("key {key:?} for {want_key:?}: {line:?}"));
        }
        check_json_value(got, raw, v).map_err(|e| format!("{e}: {line:?}"))?;
    }
    Ok(())
}
