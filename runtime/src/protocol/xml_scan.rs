//! A scanner for small, machine-written XML answers (STS credentials, error codes): the first
//! element of a name and entity decoding. It is not an XML parser; the rest-xml and query codecs
//! will bring one, and these callers can move to it then.

/// The text between `<name>` (or `<name attr..>`) and `</name>`, the first occurrence.
///
/// STS responses are small, machine-written documents without comments or CDATA around these
/// elements, so this extractor is all that is needed; it is not an XML parser.
pub(crate) fn xml_element<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut from = 0;
    while let Some(at) = text[from..].find(&open) {
        let after = from + at + open.len();
        let rest = &text[after..];
        match rest.chars().next() {
            Some('>') => {
                let start = after + 1;
                let end = text[start..].find(&close)?;
                return Some(&text[start..start + end]);
            }
            Some(c) if c.is_whitespace() => {
                let gt = rest.find('>')?;
                if rest[..gt].ends_with('/') {
                    return Some("");
                }
                let start = after + gt + 1;
                let end = text[start..].find(&close)?;
                return Some(&text[start..start + end]);
            }
            Some('/') if rest.starts_with("/>") => return Some(""),
            // A longer name with the same prefix (`<CredentialsX>`): keep looking.
            _ => from = after,
        }
    }
    None
}

/// Replaces XML's predefined and numeric character references.
pub(crate) fn xml_unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if entity.starts_with("#x") || entity.starts_with("#X") => {
                u32::from_str_radix(&entity[2..], 16).ok().and_then(char::from_u32)
            }
            _ if entity.starts_with('#') => entity[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
