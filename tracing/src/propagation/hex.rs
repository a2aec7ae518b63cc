//! Lower-case hexadecimal, as the W3C and B3 formats require (upper case
//! is invalid in both).

/// The value of `text` if it is exactly `len` lower-case hex digits.
pub(crate) fn parse(text: &str, len: usize) -> Option<u128> {
    if text.len() != len || len > 32 {
        return None;
    }
    let mut value: u128 = 0;
    for b in text.bytes() {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => return None,
        };
        value = (value << 4) | u128::from(digit);
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn lower_case_only_and_exact_length() {
        assert_eq!(parse("00ff", 4), Some(255));
        assert_eq!(parse("00FF", 4), None);
        assert_eq!(parse("0ff", 4), None);
        assert_eq!(parse("+0ff", 4), None);
        assert_eq!(parse("", 0), Some(0));
        assert_eq!(parse(&"f".repeat(32), 32), Some(u128::MAX));
        assert_eq!(parse(&"f".repeat(33), 33), None);
    }
}
