//! Hex text ⇄ bytes, for the user's hex input and for printing.

use anyhow::{Result, bail};

/// Parses user hex: pairs of digits, optionally separated by spaces, commas, colons or
/// dashes, each optionally prefixed `0x` (`de ad`, `DEAD`, `0xde, 0xad`, `de:ad`).
pub fn parse_hex(text: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '-')) {
        let digits = token
            .strip_prefix("0x")
            .or_else(|| token.strip_prefix("0X"))
            .unwrap_or(token);
        if digits.len() % 2 != 0 {
            bail!("`{token}` has an odd number of hex digits; write each byte as two digits");
        }
        for pair in digits.as_bytes().chunks(2) {
            match (hex_digit(pair[0]), hex_digit(pair[1])) {
                (Some(high), Some(low)) => bytes.push(high << 4 | low),
                _ => bail!(
                    "`{}` is not a hex byte (use 0-9 and a-f)",
                    String::from_utf8_lossy(pair)
                ),
            }
        }
    }
    Ok(bytes)
}

fn hex_digit(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Formats bytes as `de ad be ef`.
pub fn format_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_notations() {
        assert_eq!(
            parse_hex("de ad be ef").unwrap(),
            vec![0xde, 0xad, 0xbe, 0xef]
        );
        assert_eq!(parse_hex("DEADbeef").unwrap(), vec![0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(parse_hex("0xde, 0xad").unwrap(), vec![0xde, 0xad]);
        assert_eq!(parse_hex("de:ad-01").unwrap(), vec![0xde, 0xad, 0x01]);
        assert_eq!(parse_hex("  ").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn rejects_bad_hex_with_a_reason() {
        let odd = parse_hex("abc").unwrap_err().to_string();
        assert!(odd.contains("odd number"), "{odd}");
        let bad = parse_hex("zz").unwrap_err().to_string();
        assert!(bad.contains("not a hex byte"), "{bad}");
        assert!(parse_hex("é1").is_err());
    }

    #[test]
    fn formats() {
        assert_eq!(format_hex(&[0, 0xff, 0x10]), "00 ff 10");
    }
}
