//! Hostile input through the terminal encoder and the redaction decorator:
//! nothing a value holds can forge a line or a colour, and no secret
//! reaches an encoder.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use kit_log::sink::Buffer;
use kit_log::{Json, Logfmt, LoggerExt, Redact, Term};

/// Strings an attacker would put in a log line.
const HOSTILE: &[&str] = &[
    "line one\nlevel=error msg=forged",
    "carriage\rreturn",
    "\r\n",
    "\u{1b}[31mred\u{1b}[0m",
    "\u{1b}]0;title\u{7}",
    "\u{1b}[2J\u{1b}[H",
    "csi\u{9b}31m",
    "next line\u{85}here",
    "para\u{2028}sep\u{2029}",
    "del\u{7f}",
    "nul\0byte",
    "tab\tand \"quotes\" and \\backslash",
    "",
];

/// Checks one terminal line: one `\n` at the end, and no control
/// character, C1 control or line separator anywhere else, except the
/// colour codes the encoder itself writes around the level.
fn assert_inert(line: &str, color_prefix: Option<&str>) {
    let body = line
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("no newline at the end: {line:?}"));
    let body = match color_prefix {
        Some(prefix) => body
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("{line:?}")),
        None => body,
    };
    for c in body.chars() {
        assert!(
            !c.is_control() && c != '\u{2028}' && c != '\u{2029}',
            "raw {c:?} in {line:?}"
        );
    }
}

#[test]
fn hostile_values_messages_and_keys_cannot_forge_terminal_lines_or_colours() {
    let out = Buffer::new();
    for color in [false, true] {
        let logger = Term::new(out.clone()).color(color);
        for (i, text) in HOSTILE.iter().enumerate() {
            out.clear();
            kit_log::error!(
                logger,
                msg = *text,
                value = *text,
                [*text] = i,
                bytes = &b"\xff\x1b[1m\xc2\x9b"[..]
            );
            let line = out.contents_string();
            assert_inert(&line, color.then_some("\u{1b}[1;31mERROR\u{1b}[0m"));
            assert_eq!(
                line.matches('\u{1b}').count(),
                if color { 2 } else { 0 },
                "{line:?}"
            );
        }
    }
}

#[test]
fn a_terminal_line_without_colour_reads_plainly() {
    let out = Buffer::new();
    let logger = Term::new(out.clone());
    kit_log::info!(logger, msg = "two\nlines", path = "/a b", n = 1);
    assert_eq!(
        out.contents_string(),
        "INFO  two\\nlines path=\"/a b\" n=1\n"
    );
    out.clear();
    kit_log::log!(logger, n = 1, m = 2);
    assert_eq!(out.contents_string(), "n=1 m=2\n");
}

#[test]
fn hostile_input_stays_one_line_in_logfmt_and_json() {
    let out = Buffer::new();
    for text in HOSTILE {
        out.clear();
        kit_log::info!(Logfmt::new(out.clone()), msg = *text, [*text] = *text);
        kit_log::info!(Json::new(out.clone()), msg = *text, [*text] = *text);
        let all = out.contents_string();
        assert_eq!(all.matches('\n').count(), 2, "{all:?}");
        for line in all.lines() {
            assert_inert(&format!("{line}\n"), None);
        }
    }
}

/// A secret whose `Display` counts how often it is formatted.
struct Secret<'a>(&'a AtomicUsize);

impl fmt::Display for Secret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fetch_add(1, Ordering::SeqCst);
        f.write_str("s3cr3t")
    }
}

#[test]
fn redaction_covers_every_default_key_in_any_case_and_never_formats_the_secret() {
    let out = Buffer::new();
    let formatted = AtomicUsize::new(0);
    let secret = Secret(&formatted);
    let logger = Json::new(out.clone()).redact();
    for key in Redact::<()>::DEFAULT_KEYS {
        for variant in [
            key.to_string(),
            key.to_uppercase(),
            format!("http.{key}"),
            format!("a.b.{}", key.to_uppercase()),
        ] {
            out.clear();
            kit_log::info!(logger, [variant.as_str()] = %secret);
            let line = out.contents_string();
            assert_eq!(
                line,
                format!("{{\"level\":\"info\",\"{variant}\":\"[REDACTED]\"}}\n")
            );
        }
    }
    assert_eq!(
        formatted.load(Ordering::SeqCst),
        0,
        "a redacted value was formatted"
    );
    out.clear();
    kit_log::info!(logger, passwords = "kept", token_count = 3, user = "ann");
    assert_eq!(
        out.contents_string(),
        "{\"level\":\"info\",\"passwords\":\"kept\",\"token_count\":3,\"user\":\"ann\"}\n"
    );
}

#[test]
fn redaction_reaches_context_added_above_and_below_the_decorator() {
    let out = Buffer::new();
    let logger = Logfmt::new(out.clone())
        .with("cookie", "inner")
        .redact()
        .with("secret", "outer")
        .with_suffix("Authorization", "Basic xyz");
    kit_log::info!(logger, passwd = "p", ok = 1);
    assert_eq!(
        out.contents_string(),
        "level=info cookie=[REDACTED] secret=[REDACTED] passwd=[REDACTED] ok=1 Authorization=[REDACTED]\n"
    );
}

#[test]
fn two_redact_decorators_both_apply() {
    let out = Buffer::new();
    let logger = Logfmt::new(out.clone())
        .redact()
        .keys(["a"])
        .redact()
        .keys(["b"])
        .replacement("#");
    kit_log::info!(logger, a = 1, b = 2, c = 3);
    assert_eq!(out.contents_string(), "level=info a=[REDACTED] b=# c=3\n");
}

/// A value whose `Display` writes `n` bytes, one small write at a time.
struct Huge(usize);

impl fmt::Display for Huge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for _ in 0..self.0 / 8 {
            f.write_str("abcdefg\n")?;
        }
        Ok(())
    }
}

#[test]
fn a_ten_megabyte_value_is_cut_to_the_documented_limit_in_every_encoder() {
    const TEN_MB: usize = 10 * 1024 * 1024;
    let limit = kit_log::Options::DEFAULT_MAX_VALUE_LEN;
    let text = "x\n".repeat(TEN_MB / 2);
    let bytes = vec![0xffu8; TEN_MB];
    let out = Buffer::new();
    let loggers: [(&str, Box<dyn kit_log::Logger>); 3] = [
        ("logfmt", Box::new(Logfmt::new(out.clone()))),
        ("json", Box::new(Json::new(out.clone()))),
        ("term", Box::new(Term::new(out.clone()))),
    ];
    for (name, logger) in &loggers {
        for (form, dropped) in [
            ("str", TEN_MB - limit),
            ("bytes", TEN_MB - limit),
            ("display", TEN_MB - limit),
            ("debug", 0),
        ] {
            out.clear();
            match form {
                "str" => kit_log::info!(logger, v = text.as_str()),
                "bytes" => kit_log::info!(logger, v = bytes.as_slice()),
                "display" => kit_log::info!(logger, v = %Huge(TEN_MB)),
                _ => kit_log::info!(logger, v = ?text.as_str()),
            }
            let line = out.contents_string();
            assert_eq!(line.matches('\n').count(), 1, "{name} {form}: one line");
            // Escaping can at most multiply the kept bytes by 6 (`\u00ff`
            // for a control character in JSON); the marker and the rest of
            // the record are small.
            assert!(
                line.len() < 6 * limit + 256,
                "{name} {form}: {} bytes",
                line.len()
            );
            if dropped > 0 {
                let marker = format!("...[truncated {dropped} bytes]");
                assert!(line.contains(&marker), "{name} {form}: no {marker:?}");
            } else {
                assert!(line.contains("...[truncated "), "{name} {form}");
            }
            if *name == "json" {
                let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
                // Invalid UTF-8 comes back as U+FFFD: three bytes per byte kept.
                assert!(
                    parsed["v"].as_str().unwrap().len() <= 3 * limit + 64,
                    "{form}"
                );
            }
        }
    }
}
