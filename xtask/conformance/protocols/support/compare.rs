//! Comparing by meaning: JSON values (parsed results, JSON and CBOR bodies) and the parts of a
//! request, the way botocore's `tests/unit/test_protocols.py` compares them.

use std::collections::BTreeSet;

use serde_json::Value as Json;

/// Relative tolerance for floats: single-precision members widened to `f64` (`1.1f32` reads
/// back as 1.100000023841858) must still equal the decimal the case states.
const FLOAT_TOLERANCE: f64 = 1e-6;

/// Compares `actual` with `expected`; the error names the first difference by JSON path.
/// Object keys in `droppable` (paths) may be in `actual` and not in `expected`.
pub fn json_eq(actual: &Json, expected: &Json, droppable: &BTreeSet<String>) -> Result<(), String> {
    eq_at(actual, expected, droppable, "")
}

fn eq_at(actual: &Json, expected: &Json, droppable: &BTreeSet<String>, path: &str) -> Result<(), String> {
    let differs = || format!("{}: got {}, expected {}", at(path), short(actual), short(expected));
    match (actual, expected) {
        (Json::Number(a), Json::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) if a != b => Err(differs()),
            (Some(_), Some(_)) => Ok(()),
            _ => {
                let (a, b) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
                if (a - b).abs() <= FLOAT_TOLERANCE * a.abs().max(b.abs()).max(1.0) {
                    Ok(())
                } else {
                    Err(differs())
                }
            }
        },
        (Json::Array(a), Json::Array(b)) => {
            if a.len() != b.len() {
                return Err(format!("{}: {} items, expected {}: got {}", at(path), a.len(), b.len(), short(actual)));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                eq_at(x, y, droppable, &format!("{path}/{i}"))?;
            }
            Ok(())
        }
        (Json::Object(a), Json::Object(b)) => {
            for (key, y) in b {
                match a.get(key) {
                    Some(x) => eq_at(x, y, droppable, &format!("{path}/{key}"))?,
                    None => return Err(format!("{path}/{key}: missing, expected {}", short(y))),
                }
            }
            for (key, x) in a {
                let sub = format!("{path}/{key}");
                if !b.contains_key(key) && !droppable.contains(&sub) {
                    return Err(format!("{sub}: got {}, expected nothing", short(x)));
                }
            }
            Ok(())
        }
        (a, b) if a == b => Ok(()),
        _ => Err(differs()),
    }
}

fn at(path: &str) -> &str {
    if path.is_empty() {
        "/"
    } else {
        path
    }
}

/// A value for a one-line message: JSON, cut short.
pub fn short(json: &Json) -> String {
    cut(&json.to_string())
}

/// Text for a one-line message: escaped and at most 160 characters.
pub fn cut(text: &str) -> String {
    let escaped = text.escape_debug().to_string();
    if escaped.chars().count() > 160 {
        format!("{}...", escaped.chars().take(160).collect::<String>())
    } else {
        escaped
    }
}

/// botocore compares the path and query exactly; when only the order of the query parameters
/// differs, the message says so.
pub fn uri_eq(actual: &str, expected: &str) -> Result<(), String> {
    if actual == expected {
        return Ok(());
    }
    let split = |uri: &str| {
        let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
        let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        params.sort_unstable();
        (path.to_owned(), params.join("&"))
    };
    if split(actual) == split(expected) {
        Err(format!("uri {} has the expected query parameters in another order than {}", cut(actual), cut(expected)))
    } else {
        Err(format!("uri {}, expected {}", cut(actual), cut(expected)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_by_meaning() {
        let none = BTreeSet::new();
        assert!(
            json_eq(&json!({"a": 1.100000023841858, "b": [1, 2]}), &json!({"b": [1.0, 2], "a": 1.1}), &none).is_ok()
        );
        assert!(json_eq(&json!({"a": 1}), &json!({"a": 2}), &none).unwrap_err().starts_with("/a: got 1"));
        assert!(json_eq(&json!({"a": "", "b": 1}), &json!({"b": 1}), &none).is_err());
        let drop: BTreeSet<String> = ["/a".to_owned()].into();
        assert!(json_eq(&json!({"a": "", "b": 1}), &json!({"b": 1}), &drop).is_ok());
        assert!(json_eq(&json!({}), &json!({"a": null}), &none).is_err());
        assert!(json_eq(&json!("NaN"), &json!("NaN"), &none).is_ok());
    }

    #[test]
    fn uris() {
        assert!(uri_eq("/a?x=1&y=2", "/a?x=1&y=2").is_ok());
        assert!(uri_eq("/a?y=2&x=1", "/a?x=1&y=2").unwrap_err().contains("another order"));
        assert!(!uri_eq("/b", "/a").unwrap_err().contains("another order"));
    }
}
