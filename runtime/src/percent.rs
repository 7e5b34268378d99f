//! RFC 3986 percent-encoding, shared by the signer, the endpoint rules (`uriEncode`) and the
//! hand-built credential requests: one set of unreserved characters, one implementation.

/// Appends `bytes` with everything but the unreserved characters (`A-Z a-z 0-9 - _ . ~`, and `/`
/// when `keep_slash`) written as `%XX` with upper-case hex, as SigV4 and the rules engine require.
pub(crate) fn encode_into(out: &mut String, bytes: &[u8], keep_slash: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') || (keep_slash && byte == b'/') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0x0f)] as char);
        }
    }
}

/// `bytes` percent-encoded, `/` included.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    encode_into(&mut out, bytes, false);
    out
}

/// The bytes of `text` with every `%XX` escape decoded, as Python's `urllib.parse.unquote_to_bytes`
/// reads it: a `%` not followed by two hex digits stays as it is; `+` is a space only when
/// `plus_is_space` (Python's `unquote_plus`).
fn decode_bytes(text: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).and_then(|&h| (h as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                // Two hex digits make a value below 256.
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b'+', _, _) if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// `text` with every `%XX` escape decoded, as Python's `urllib.parse.unquote` reads it: a `%` not
/// followed by two hex digits stays as it is, and `+` is not a space. `None` when the decoded
/// bytes are not UTF-8.
pub(crate) fn decode(text: &str) -> Option<String> {
    String::from_utf8(decode_bytes(text, false)).ok()
}

/// Python's `urllib.parse.unquote_plus` (botocore's `unquote_str`): `+` is a space, `%XX` a byte,
/// anything else stays; bytes that are not UTF-8 become U+FFFD, as with Python's `errors='replace'`.
pub(crate) fn decode_plus_lossy(text: &str) -> String {
    String::from_utf8_lossy(&decode_bytes(text, true)).into_owned()
}

/// Writes `s` as a JSON string the way Python's `json.dumps` does by default (`ensure_ascii`):
/// everything outside printable ASCII as `\uXXXX`, astral characters as surrogate pairs. boto3's
/// resume tokens and botocore's POST policies are both written this way.
pub(crate) fn python_json_string(s: &str, out: &mut String) {
    use core::fmt::Write as _;

    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (' '..='~').contains(&c) => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    #[test]
    fn decoding_reads_escapes_and_leaves_the_rest() {
        assert_eq!(super::decode("%7B%22a%22%3A%20%22b+c%22%7D").as_deref(), Some("{\"a\": \"b+c\"}"));
        assert_eq!(super::decode("100%").as_deref(), Some("100%"));
        assert_eq!(super::decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(super::decode("caf%C3%A9").as_deref(), Some("caf\u{e9}"));
        assert_eq!(super::decode("%FF"), None);
        let text = "a b/c:d%\u{e9}";
        assert_eq!(super::decode(&super::encode(text.as_bytes())).as_deref(), Some(text));
    }

    #[test]
    fn only_unreserved_characters_stay() {
        assert_eq!(super::encode(b"a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(super::encode("a b/c:d%\u{e9}".as_bytes()), "a%20b%2Fc%3Ad%25%C3%A9");
        let mut out = String::new();
        super::encode_into(&mut out, b"/a b/", true);
        assert_eq!(out, "/a%20b/");
    }
}
