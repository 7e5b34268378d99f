//! Naming: the one module that turns model names into Rust and boto3 names.
//!
//! Every identifier the generator writes comes from a function here, so the rules live in one
//! place and can be tested against boto3 itself. All functions are pure and total: any input,
//! including the empty string and non-ASCII text, gives a valid ASCII identifier (except the
//! boto3 names from `operation_method`, `waiter_name` and `waiter_method`, which reproduce
//! botocore verbatim, and `dedup`, which only appends suffixes to what it is given).
//!
//! Rules, chosen once:
//!
//! | function | style | leading digit | collision with a keyword or prelude/runtime name |
//! | --- | --- | --- | --- |
//! | `operation_method`, `waiter_name` | botocore `xform_name`, byte for byte | n/a | none in the models; `field_name` keeps every boto3 name and escapes the rest |
//! | `type_name` | UpperCamelCase | prefix `Shape` (`3D` -> `Shape3D`) | suffix `Shape` (`Error` -> `ErrorShape`) |
//! | `field_name` | snake_case | prefix `n` (`1st` -> `n1st`) | suffix `_` (`type` -> `type_`) |
//! | `variant_name` | UpperCamelCase | prefix `V` (`1.0` -> `V1_0`) | `Self` -> `SelfValue` |
//! | `static_name` | SCREAMING_SNAKE_CASE | prefix `N` (`1st` -> `N1ST`) | none needed: keywords are never upper case |
//!
//! Words are split at punctuation and at case changes (`SSECustomerKey` -> sse, customer, key),
//! keeping a plural acronym (`ARNs`) and a version suffix (`IPv6`) whole. Adjacent words that
//! would glue two digits together get an underscore (`1.0` -> `V1_0`, not `V10`), because `10`
//! is a different value. A non-ASCII character becomes its own word `u` + hex code point
//! (`é` -> `ue9`), so distinct values stay distinct. A name with no letters or digits is spelled
//! from its symbols (`*` -> `Star`, `>=` -> `GtEq`), and an empty name becomes `Empty`/`empty`.
//!
//! `dedup` suffixes later collisions with `N` (2, 3, ...): snake_case and multi-word
//! SCREAMING names get `_N` (`bucket_2`, `MY_STATIC_2`), UpperCamelCase names get a bare `N`
//! (`Bucket2`), and any name that ends in a digit gets `_N` (`V1_2`), so that `V1` + `2` cannot be
//! confused with a real `V12`. These shapes keep rustc's case lints quiet.
//!
//! `builder_setters` names a builder's member setters and the single-entry ones it adds
//! (`push_tags`, `insert_item`) through `dedup`, member setters first, so no builder has two
//! methods of one name and a member always keeps its own.

use std::collections::HashSet;

/// Rust keywords of every edition up to 2024, strict and reserved, so generated code compiles on
/// whichever edition a user's crate picks.
#[rustfmt::skip]
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Type names that generated code refers to unqualified: the std prelude, common std items, and
/// what the runtime facade (`tucuxi::codegen::*`) exports. A shape with one of these names would
/// shadow the real item inside its crate, so it is renamed with the `Shape` suffix.
#[rustfmt::skip]
const RESERVED_TYPES: &[&str] = &[
    // Prelude and std items that derives and generated impls name directly.
    "Self", "Result", "Option", "Some", "None", "Ok", "Err", "Box", "String", "Vec", "Default",
    "Clone", "Copy", "Send", "Sync", "Sized", "Unpin", "Drop", "Fn", "FnMut", "FnOnce", "Iterator",
    "IntoIterator", "DoubleEndedIterator", "ExactSizeIterator", "Extend", "FromIterator",
    "ToString", "ToOwned", "Into", "From", "TryFrom", "TryInto", "AsRef", "AsMut", "Eq",
    "PartialEq", "Ord", "PartialOrd", "Debug", "Display", "Hash", "HashMap", "HashSet", "BTreeMap",
    "BTreeSet", "Future", "Pin", "Cow", "Arc", "Rc",
    // Runtime facade items.
    "Client", "Error", "Config", "Session", "Document", "DateTime", "Blob", "ByteStream", "Shape",
    "Schema", "Value", "Operation",
];

/// botocore's hand-written answers (its `_xform_cache`) for names its regexes split badly, plus
/// the ones the boto3-surface fixture shows for newer operations, one `Name answer` per line.
/// Kept as data, keyed by exact name, because botocore applies them by exact name: `CreateOAuth2Token` is listed but
/// `CreateOAuth2TokenWithTokenExchange` is not, and boto3 really calls it
/// `create_o_auth2_token_with_token_exchange`.
const XFORM_EXCEPTIONS: &str = "\
AssociateWhatsAppBusinessAccount associate_whatsapp_business_account
CreateCachediSCSIVolume create_cached_iscsi_volume
CreateOAuth2Token create_oauth2_token
CreateOAuth2TokenWithIAM create_oauth2_token_with_iam
CreateStorediSCSIVolume create_stored_iscsi_volume
CreateWhatsAppDataset create_whatsapp_dataset
CreateWhatsAppFlow create_whatsapp_flow
CreateWhatsAppMessageTemplate create_whatsapp_message_template
CreateWhatsAppMessageTemplateFromLibrary create_whatsapp_message_template_from_library
CreateWhatsAppMessageTemplateMedia create_whatsapp_message_template_media
DeleteWhatsAppFlow delete_whatsapp_flow
DeleteWhatsAppMessageMedia delete_whatsapp_message_media
DeleteWhatsAppMessageTemplate delete_whatsapp_message_template
DeprecateWhatsAppFlow deprecate_whatsapp_flow
DescribeCachediSCSIVolumes describe_cached_iscsi_volumes
DescribeStorediSCSIVolumes describe_stored_iscsi_volumes
DisassociateWhatsAppBusinessAccount disassociate_whatsapp_business_account
ExecutePartiQLBatch execute_partiql_batch
ExecutePartiQLStatement execute_partiql_statement
ExecutePartiQLTransaction execute_partiql_transaction
GetLinkedWhatsAppBusinessAccount get_linked_whatsapp_business_account
GetLinkedWhatsAppBusinessAccountPhoneNumber get_linked_whatsapp_business_account_phone_number
GetOTelEnrichment get_otel_enrichment
GetWhatsAppBusinessPublicKey get_whatsapp_business_public_key
GetWhatsAppCallPermission get_whatsapp_call_permission
GetWhatsAppFlow get_whatsapp_flow
GetWhatsAppFlowPreview get_whatsapp_flow_preview
GetWhatsAppMessageMedia get_whatsapp_message_media
GetWhatsAppMessageTemplate get_whatsapp_message_template
IntrospectOAuth2TokenWithIAM introspect_oauth2_token_with_iam
ListHITsForQualificationType list_hits_for_qualification_type
ListLinkedWhatsAppBusinessAccounts list_linked_whatsapp_business_accounts
ListWhatsAppFlowAssets list_whatsapp_flow_assets
ListWhatsAppFlows list_whatsapp_flows
ListWhatsAppMessageTemplates list_whatsapp_message_templates
ListWhatsAppTemplateLibrary list_whatsapp_template_library
PostWhatsAppMessageMedia post_whatsapp_message_media
PublishWhatsAppFlow publish_whatsapp_flow
PutWhatsAppBusinessAccountEventDestinations put_whatsapp_business_account_event_destinations
PutWhatsAppBusinessPublicKey put_whatsapp_business_public_key
RevokeOAuth2TokenWithIAM revoke_oauth2_token_with_iam
SendWhatsAppCallEvent send_whatsapp_call_event
SendWhatsAppConversionEvent send_whatsapp_conversion_event
SendWhatsAppMessage send_whatsapp_message
StartOTelEnrichment start_otel_enrichment
StopOTelEnrichment stop_otel_enrichment
UpdateLinkedWhatsAppBusinessAccountPhoneNumber update_linked_whatsapp_business_account_phone_number
UpdateOTelEnrichment update_otel_enrichment
UpdateWhatsAppFlow update_whatsapp_flow
UpdateWhatsAppFlowAssets update_whatsapp_flow_assets
UpdateWhatsAppMessageTemplate update_whatsapp_message_template
";

/// boto3's method name for an operation: botocore's `xform_name(name)`, exactly
/// (`ListObjectsV2` -> `list_objects_v2`, `CreateOAuth2Token` -> `create_oauth2_token`).
/// Pass the result through [`field_name`] when a Rust identifier is needed: it changes none of
/// the names in the boto3 fixture and escapes anything that would not compile.
pub fn operation_method(op: &str) -> String {
    xform_name(op)
}

/// boto3's waiter name as `client.get_waiter(...)` takes it: `xform_name` of the waiter key.
pub fn waiter_name(waiter: &str) -> String {
    xform_name(waiter)
}

/// The Rust method that waits, named like boto3 resources' `wait_until_x` methods.
pub fn waiter_method(waiter: &str) -> String {
    format!("wait_until_{}", waiter_name(waiter))
}

/// botocore's `xform_name` with `_` as separator, rebuilt by scanning characters. botocore's
/// three regexes reduce to: a name already containing `_` is returned untouched; a trailing
/// plural acronym (`[A-Z]{2,}s$`) is split off and lower-cased; then `_` goes before every ASCII
/// capital that either starts a capitalised word (`(.)([A-Z][a-z]+)`, where `.` is anything but a
/// newline) or follows a lower-case letter or digit (`([a-z0-9])([A-Z])`); finally everything is
/// lower-cased. Non-overlapping regex matching never suppresses one of these splits, because a
/// capital consumed by the first regex's previous match is always caught by the second.
fn xform_name(name: &str) -> String {
    if name.contains('_') {
        return name.to_owned();
    }
    let known = XFORM_EXCEPTIONS
        .lines()
        .filter_map(|line| line.split_once(' '))
        .find_map(|(key, answer)| (key == name).then_some(answer));
    if let Some(known) = known {
        return known.to_owned();
    }
    let mut chars: Vec<char> = name.chars().collect();
    // Python's `$` also matches before a final newline, and botocore then cuts the matched length
    // from the true end of the string; mirroring that keeps even odd inputs byte-identical.
    let end = if chars.last() == Some(&'\n') { chars.len() - 1 } else { chars.len() };
    if end > 0 && chars[end - 1] == 's' {
        let run = chars[..end - 1].iter().rev().take_while(|c| c.is_ascii_uppercase()).count();
        if run >= 2 {
            let matched: Vec<char> = chars[end - 1 - run..end].iter().map(|c| c.to_ascii_lowercase()).collect();
            chars.truncate(chars.len() - matched.len());
            chars.push('_');
            chars.extend(matched);
        }
    }
    let mut out = String::with_capacity(chars.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            let prev = chars[i - 1];
            let starts_word = prev != '\n' && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if starts_word || prev.is_ascii_lowercase() || prev.is_ascii_digit() {
                out.push('_');
            }
        }
        out.push(c);
    }
    out.to_lowercase()
}

/// A Rust type name (UpperCamelCase) for a model shape name. Names that would shadow a prelude,
/// std or runtime item (see `RESERVED_TYPES`) get the suffix `Shape`; a leading digit gets the
/// prefix `Shape`. Two shapes may still map to one name (`__string` and `String`): run `dedup`
/// over a crate's type names.
pub fn type_name(shape: &str) -> String {
    let mut name = camel(&words(shape));
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "Shape");
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Shape");
    }
    name
}

/// A snake_case identifier for a struct field, method or module. Keywords get a trailing `_`
/// (`type` -> `type_`) rather than a raw identifier, so the name reads the same in docs and
/// builder methods; a leading digit gets the prefix `n` (`1st` -> `n1st`) because a leading `_`
/// would mark the item as deliberately unused.
pub fn field_name(member: &str) -> String {
    let mut name = words(member).join("_");
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A unit enum variant (UpperCamelCase) for a string enum value (`t2.micro` -> `T2Micro`,
/// `STANDARD_IA` -> `StandardIa`, `aws:kms` -> `AwsKms`). A leading digit gets the prefix `V`
/// (`0` -> `V0`), and `Self`, the only keyword that UpperCamelCase can spell, becomes
/// `SelfValue`. Values that differ only in punctuation or case collide (`a-b`, `A_B`): run
/// `dedup` over an enum's variants.
pub fn variant_name(value: &str) -> String {
    let mut name = camel(&words(value));
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push_str("Value");
    }
    name
}

/// A SCREAMING_SNAKE_CASE name for a static (the schema statics of shapes and operations). A
/// leading digit gets the prefix `N`; keywords need no escape since none is upper case.
pub fn static_name(name: &str) -> String {
    let mut out = words(name).join("_").to_ascii_uppercase();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'N');
    }
    out
}

/// Makes the names of one scope unique, in order. The first occurrence keeps its name; later
/// ones get the lowest free suffix from 2 up (see the module docs for `N` versus `_N`). A name in
/// `reserved` is treated as already taken, so even its first occurrence is suffixed. Suffixed
/// names also avoid every name present in `names`, so `["A", "A", "A2"]` gives `A, A3, A2` and
/// no original spelling is ever taken over by a generated one.
pub fn dedup(names: &[String], reserved: &[&str]) -> Vec<String> {
    let originals: HashSet<&str> = names.iter().map(String::as_str).collect();
    let mut taken: HashSet<String> = reserved.iter().map(|r| (*r).to_owned()).collect();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        if taken.insert(name.clone()) {
            out.push(name.clone());
            continue;
        }
        let sep = suffix_separator(name);
        let unique = (2u64..)
            .map(|n| format!("{name}{sep}{n}"))
            .find(|candidate| !taken.contains(candidate) && !originals.contains(candidate.as_str()))
            .unwrap_or_else(|| name.clone());
        taken.insert(unique.clone());
        out.push(unique);
    }
    out
}

/// What a builder member is, for its setter names: list and map members also get a
/// single-entry setter (`push_tags(tag)`, `insert_item(key, value)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetterKind {
    Plain,
    List,
    Map,
}

/// The method names of one operation builder's member setters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setters {
    /// The member's setter: its field name, or `set_<field>` when that is one of the builder's
    /// own methods (`send`) or could be taken for a waiter (`wait_until_*`).
    pub set: String,
    /// `push_<field>` for a list member, `insert_<field>` for a map member.
    pub single: Option<String>,
}

/// Names the setters of one builder, given its members' field names (already unique) and the
/// builder's own method names (`reserved`). Member setters are named first, in model order, so an
/// added single-entry setter never takes a member's name: when `push_tags` is also a member, the
/// list's single-entry setter becomes `push_tags_2` (`dedup`'s rule). A keyword's `_` escape is
/// dropped after the prefix (`type_` -> `push_type`), where it is no longer needed.
pub fn builder_setters(members: &[(&str, SetterKind)], reserved: &[&str]) -> Vec<Setters> {
    let set = members.iter().map(|(field, _)| {
        if reserved.contains(field) || field.starts_with("wait_until_") {
            format!("set_{field}")
        } else {
            (*field).to_owned()
        }
    });
    let single = members.iter().filter_map(|(field, kind)| {
        let bare = field.strip_suffix('_').filter(|b| KEYWORDS.contains(b)).unwrap_or(field);
        match kind {
            SetterKind::Plain => None,
            SetterKind::List => Some(format!("push_{bare}")),
            SetterKind::Map => Some(format!("insert_{bare}")),
        }
    });
    let names: Vec<String> = set.chain(single).collect();
    let mut unique = dedup(&names, reserved).into_iter();
    let set: Vec<String> = unique.by_ref().take(members.len()).collect();
    set.into_iter()
        .zip(members)
        .map(|(set, (_, kind))| Setters { set, single: (*kind != SetterKind::Plain).then(|| unique.next()).flatten() })
        .collect()
}

/// Picks `_` or nothing before a dedup number so the result stays in the name's own case style.
fn suffix_separator(name: &str) -> &'static str {
    let last = match name.chars().last() {
        None => return "_",
        Some(c) => c,
    };
    if last == '_' {
        "" // `type_` -> `type_2`.
    } else if name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') || last.is_ascii_digit() {
        "_" // snake_case, or a name whose digits must not run into the suffix.
    } else if name.contains(|c: char| c.is_ascii_lowercase()) || !name.contains('_') {
        "" // UpperCamelCase or a single upper-case word: `_` beside a letter trips rustc's lint.
    } else {
        "_" // Multi-word SCREAMING_SNAKE_CASE.
    }
}

/// The Cargo package name for a service directory (`sso-oidc` -> `tucuxi-sso-oidc`). Anything but
/// ASCII letters and digits becomes a single `-`, and letters are lower-cased, so the result is
/// always a valid crates.io name.
pub fn crate_name(service: &str) -> String {
    let mut slug = String::with_capacity(service.len());
    for c in service.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    format!("tucuxi-{}", if slug.is_empty() { "unnamed" } else { slug })
}

/// The Rust library name of the service crate (`sso-oidc` -> `tucuxi_sso_oidc`).
pub fn lib_name(service: &str) -> String {
    crate_name(service).replace('-', "_")
}

/// Checks `operation_method` and `waiter_name` against the boto3-surface fixture
/// (`{"services": {svc: {"operations": {Op: name}, "waiters": {Waiter: name}}}}`). Returns the
/// number of names that match and one line per mismatch; a malformed fixture is an `Err`.
pub fn check_boto3_names(fixture_json: &str) -> Result<(usize, Vec<String>), String> {
    use serde_json::Value;
    let root: Value = serde_json::from_str(fixture_json).map_err(|e| format!("fixture is not JSON: {e}"))?;
    let services = root.get("services").and_then(Value::as_object).ok_or("fixture has no \"services\" object")?;
    let mut passed = 0;
    let mut failures = Vec::new();
    for (service, entry) in services {
        let operations = entry.get("operations").ok_or_else(|| format!("{service}: no \"operations\" object"))?;
        check_group(service, "", operations, operation_method, &mut passed, &mut failures)?;
        if let Some(waiters) = entry.get("waiters") {
            check_group(service, "waiter ", waiters, waiter_name, &mut passed, &mut failures)?;
        }
    }
    Ok((passed, failures))
}

/// Compares one `{key: boto3_name}` object of the fixture with `ours`, tallying into the totals.
fn check_group(
    service: &str,
    label: &str,
    group: &serde_json::Value,
    ours: fn(&str) -> String,
    passed: &mut usize,
    failures: &mut Vec<String>,
) -> Result<(), String> {
    let group = group.as_object().ok_or_else(|| format!("{service}: {label}names are not an object"))?;
    for (name, expected) in group {
        let expected = expected.as_str().ok_or_else(|| format!("{service}: {label}{name} is not a string"))?;
        let ours = ours(name);
        if ours == expected {
            *passed += 1;
        } else {
            failures.push(format!("{service}: {label}{name} -> {ours} != {expected}"));
        }
    }
    Ok(())
}

/// Splits a model name into non-empty lower-case ASCII words, as described in the module docs.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            if !current.is_empty() && starts_word(&chars, i) {
                words.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
            continue;
        }
        if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if !c.is_ascii() {
            words.push(format!("u{:x}", c as u32));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    if words.is_empty() {
        words = chars.iter().map(|&c| symbol_word(c)).collect();
    }
    if words.is_empty() {
        words.push("empty".to_owned());
    }
    words
}

/// Whether the ASCII alphanumeric at `i` begins a new word; `chars[i - 1]` is alphanumeric too.
fn starts_word(chars: &[char], i: usize) -> bool {
    let (prev, c) = (chars[i - 1], chars[i]);
    if !c.is_ascii_uppercase() {
        return false;
    }
    if prev.is_ascii_lowercase() || prev.is_ascii_digit() {
        return true;
    }
    // An upper-case run ends before a capitalised word: `SSECustomer` -> `SSE`, `Customer`.
    let next = chars.get(i + 1).copied().unwrap_or(' ');
    let after = chars.get(i + 2).copied().unwrap_or(' ');
    if !next.is_ascii_lowercase() {
        return false;
    }
    // ...unless the lower-case letter is a plural (`ARNs`) or a version (`IPv6`, `TLSv1`).
    let plural = next == 's' && !after.is_ascii_lowercase();
    let version = next == 'v' && after.is_ascii_digit();
    !(plural || version)
}

/// Names one symbol, for values made only of symbols (`*`, `>=`, `-`).
#[rustfmt::skip]
fn symbol_word(c: char) -> String {
    let word = match c {
        '*' => "star", '-' => "dash", '+' => "plus", '.' => "dot", '/' => "slash",
        '\\' => "backslash", ':' => "colon", ';' => "semicolon", ',' => "comma",
        '_' => "underscore", ' ' => "space", '=' => "eq", '!' => "bang", '?' => "question",
        '@' => "at", '#' => "hash", '$' => "dollar", '%' => "percent", '^' => "caret", '&' => "amp",
        '|' => "pipe", '~' => "tilde", '`' => "backtick", '\'' => "quote", '"' => "dquote",
        '<' => "lt", '>' => "gt", '(' => "lparen", ')' => "rparen", '[' => "lbracket",
        ']' => "rbracket", '{' => "lbrace", '}' => "rbrace",
        _ => return format!("x{:x}", c as u32),
    };
    word.to_owned()
}

/// Joins words in UpperCamelCase, keeping an `_` between two digits so `1.0` and `10` differ.
fn camel(words: &[String]) -> String {
    let mut out = String::new();
    for word in words {
        let joins_digits =
            out.ends_with(|c: char| c.is_ascii_digit()) && word.starts_with(|c: char| c.is_ascii_digit());
        if joins_digits {
            out.push('_');
        }
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The boto3-surface fixture, beside the main repository in the shared folder.
    const FIXTURE: &str =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance/boto3-surface/operation-and-waiter-names.json");

    /// Plain ASCII identifier check, standing in for `syn`: the generator only ever needs this
    /// subset, and a keyword would be rejected by the compiler.
    fn is_valid_ident(s: &str) -> bool {
        let mut chars = s.chars();
        let head_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        head_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && s != "_" && !KEYWORDS.contains(&s)
    }

    /// rustc's `non_camel_case_types` rule: no `__`, no `_` beside a letter, no lower-case start.
    fn is_camel(s: &str) -> bool {
        let b = s.as_bytes();
        !s.starts_with(|c: char| c.is_ascii_lowercase())
            && !s.contains("__")
            && !b
                .windows(2)
                .any(|w| (w[0] == b'_' && w[1].is_ascii_alphabetic()) || (w[1] == b'_' && w[0].is_ascii_alphabetic()))
    }

    fn is_snake(s: &str) -> bool {
        !s.contains(|c: char| c.is_ascii_uppercase()) && !s.trim_matches('_').contains("__")
    }

    fn is_screaming(s: &str) -> bool {
        !s.contains(|c: char| c.is_ascii_lowercase()) && !s.contains("__")
    }

    /// Checks every generated name for `input` for validity and case style.
    fn assert_all_valid(input: &str) {
        type InStyle = fn(&str) -> bool;
        let checks: [(&str, String, InStyle); 4] = [
            ("type_name", type_name(input), is_camel),
            ("field_name", field_name(input), is_snake),
            ("variant_name", variant_name(input), is_camel),
            ("static_name", static_name(input), is_screaming),
        ];
        for (function, name, in_style) in checks {
            let ok = is_valid_ident(&name) && in_style(&name);
            assert!(ok, "{function}({input:?}) = {name:?}");
        }
        assert!(!RESERVED_TYPES.contains(&type_name(input).as_str()));
    }

    #[test]
    fn operation_method_matches_botocore() {
        // Expected values come from botocore's own xform_name.
        let cases = [
            ("ListObjectsV2", "list_objects_v2"),
            ("CreateOAuth2Token", "create_oauth2_token"),
            ("CreateOAuth2TokenWithTokenExchange", "create_o_auth2_token_with_token_exchange"),
            ("ListWebACLs", "list_web_acls"),
            ("GatewayARNs", "gateway_arns"),
            ("DescribeDBInstances", "describe_db_instances"),
            ("GetSMSAttributes", "get_sms_attributes"),
            ("HTTPSEndpoint", "https_endpoint"),
            ("S3Bucket", "s3_bucket"),
            ("v2Beta", "v2_beta"),
            ("ABCDef", "abc_def"),
            ("ACLs", "_acls"),
            ("ABs", "_abs"),
            ("CreateCachediSCSIVolume", "create_cached_iscsi_volume"),
            ("ListHITsForQualificationType", "list_hits_for_qualification_type"),
            ("Foo_Bar", "Foo_Bar"),
            ("ÉtatAB", "état_ab"),
            ("XABs\n", "x_xabs"),
            ("A\nBc", "a\nbc"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(operation_method(input), expected, "{input:?}");
        }
    }

    #[test]
    fn exceptions_table_is_well_formed() {
        for line in XFORM_EXCEPTIONS.lines() {
            let (key, answer) = line.split_once(' ').expect("`Name answer` line");
            assert!(!key.contains('_') && !answer.contains(' '), "{line}");
            assert_eq!(operation_method(key), answer);
        }
    }

    #[test]
    fn waiter_names() {
        assert_eq!(waiter_name("InstanceRunning"), "instance_running");
        assert_eq!(waiter_name("DBInstanceAvailable"), "db_instance_available");
        assert_eq!(waiter_method("InstanceRunning"), "wait_until_instance_running");
        assert_eq!(waiter_method("BucketExists"), "wait_until_bucket_exists");
    }

    #[test]
    fn type_names() {
        assert_eq!(type_name("ListObjectsV2Output"), "ListObjectsV2Output");
        assert_eq!(type_name("CORSRule"), "CorsRule");
        assert_eq!(type_name("SSEKMS"), "Ssekms");
        assert_eq!(type_name("__listOf__string"), "ListOfString");
        assert_eq!(type_name("__string"), "StringShape");
        assert_eq!(type_name("3DModel"), "Shape3DModel");
        assert_eq!(type_name(""), "Empty");
        assert_eq!(type_name("Café"), "CafUe9");
        for reserved in RESERVED_TYPES {
            assert_eq!(type_name(reserved), format!("{reserved}Shape"));
        }
    }

    #[test]
    fn field_names() {
        let cases = [
            ("Bucket", "bucket"),
            ("SSECustomerKey", "sse_customer_key"),
            ("ContentMD5", "content_md5"),
            ("IPv6Address", "ipv6_address"),
            ("TLSv1_2", "tlsv1_2"),
            ("GatewayARNs", "gateway_arns"),
            ("IDsFilter", "ids_filter"),
            ("nextToken", "next_token"),
            ("x-amz-meta", "x_amz_meta"),
            ("error_description", "error_description"),
            ("Type", "type_"),
            ("self", "self_"),
            ("Self", "self_"),
            ("async", "async_"),
            ("gen", "gen_"),
            ("1stValue", "n1st_value"),
            ("", "empty"),
            ("*", "star"),
            ("naïve", "na_uef_ve"),
        ];
        for (input, expected) in cases {
            assert_eq!(field_name(input), expected, "{input:?}");
        }
        for keyword in KEYWORDS {
            assert_eq!(field_name(keyword), format!("{}_", keyword.to_ascii_lowercase()));
        }
    }

    #[test]
    fn variant_names() {
        let cases = [
            ("t2.micro", "T2Micro"),
            ("us-east-1", "UsEast1"),
            ("STANDARD_IA", "StandardIa"),
            ("aws:kms", "AwsKms"),
            ("m5.2xlarge", "M5_2xlarge"),
            ("1.0", "V1_0"),
            ("10", "V10"),
            ("0", "V0"),
            ("*", "Star"),
            (">=", "GtEq"),
            ("-", "Dash"),
            ("", "Empty"),
            ("a/b", "AB"),
            ("image/svg+xml", "ImageSvgXml"),
            ("Self", "SelfValue"),
            ("self", "SelfValue"),
            ("日本", "U65e5U672c"),
        ];
        for (input, expected) in cases {
            assert_eq!(variant_name(input), expected, "{input:?}");
        }
    }

    #[test]
    fn static_names() {
        assert_eq!(static_name("ListObjectsV2Input"), "LIST_OBJECTS_V2_INPUT");
        assert_eq!(static_name("SSECustomerKey"), "SSE_CUSTOMER_KEY");
        assert_eq!(static_name("1stValue"), "N1ST_VALUE");
        assert_eq!(static_name("self"), "SELF");
        assert_eq!(static_name(""), "EMPTY");
    }

    #[test]
    fn dedup_suffixes() {
        let split = |v: &str| v.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        // (names, reserved, expected), space-separated.
        let cases = [
            ("a b c", "", "a b c"),
            ("bucket bucket bucket", "", "bucket bucket_2 bucket_3"),
            ("Foo Foo", "", "Foo Foo2"),
            ("V1 V1", "", "V1 V1_2"),
            ("MY_STATIC MY_STATIC", "", "MY_STATIC MY_STATIC_2"),
            ("ACL ACL", "", "ACL ACL2"),
            ("type_ type_", "", "type_ type_2"),
            // A generated suffix never takes a spelling that appears later as a real name.
            ("A A A2", "", "A A3 A2"),
            // Reserved names are taken even for first occurrences.
            ("Unknown Other", "Unknown", "Unknown2 Other"),
            ("new new", "new new_2", "new_3 new_4"),
            ("", "x", ""),
        ];
        for (names, reserved, expected) in cases {
            let reserved: Vec<&str> = reserved.split_whitespace().collect();
            assert_eq!(dedup(&split(names), &reserved), split(expected), "{names}");
        }
        // Deduped output of real collisions stays valid and in style.
        let types: Vec<String> = ["String", "__string", "string"].map(type_name).to_vec();
        let unique = dedup(&types, &[]);
        assert_eq!(unique, split("StringShape StringShape2 StringShape3"));
        assert!(unique.iter().all(|t| is_camel(t)));
    }

    #[test]
    fn builder_setters_never_share_a_name() {
        use SetterKind::*;
        let names = |members: &[(&str, SetterKind)], reserved: &[&str]| {
            builder_setters(members, reserved)
                .into_iter()
                .map(|s| format!("{}{}", s.set, s.single.map(|x| format!("+{x}")).unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(
            names(&[("bucket", Plain), ("tags", List), ("item", Map)], &[]),
            "bucket tags+push_tags item+insert_item"
        );
        // A member that is a builder method or a waiter's name gets `set_`.
        assert_eq!(names(&[("send", Plain), ("wait_until_x", Plain)], &["send"]), "set_send set_wait_until_x");
        // A member spelled like a single-entry setter keeps its name; the added setter moves aside.
        assert_eq!(names(&[("tags", List), ("push_tags", Plain)], &[]), "tags+push_tags_2 push_tags");
        assert_eq!(names(&[("push_tags", Plain), ("tags", List)], &[]), "push_tags tags+push_tags_2");
        // A member named like another list's single-entry setter, and a keyword field.
        assert_eq!(
            names(&[("push", List), ("push_push", Map), ("type_", List)], &[]),
            "push+push_push_2 push_push+insert_push_push type_+push_type"
        );
        // A reserved name that a single-entry setter would spell is avoided too.
        assert_eq!(names(&[("call", List)], &["call", "push_call"]), "set_call+push_call_2");
    }

    #[test]
    fn crate_and_lib_names() {
        assert_eq!(crate_name("s3"), "tucuxi-s3");
        assert_eq!(crate_name("sso-oidc"), "tucuxi-sso-oidc");
        assert_eq!(crate_name("API Gateway"), "tucuxi-api-gateway");
        assert_eq!(crate_name("--"), "tucuxi-unnamed");
        assert_eq!(crate_name(""), "tucuxi-unnamed");
        assert_eq!(lib_name("s3"), "tucuxi_s3");
        assert_eq!(lib_name("sso-oidc"), "tucuxi_sso_oidc");
        assert!(is_valid_ident(&lib_name("kinesis-video-archived-media")));
    }

    #[test]
    fn odd_inputs_give_valid_idents() {
        #[rustfmt::skip]
        let odd = [
            "", " ", "_", "__", "-", "*", "a/b", "1.0", "0", "\n", "\t\u{0}", "é", "日本語", "🦀", "İ",
            "ß", "Σς", "self", "Self", "SELF", "type", "crate", "Error", "ErrorShape", "123",
            "__listOf__string", "x-amz-meta-", "A-B-C", "AbpV1_0_x", "ml.c6gd.16xlarge", "5XX",
        ];
        for input in odd {
            assert_all_valid(input);
        }
        // A fixed pseudo-random walk over awkward characters stands in for a fuzzer.
        let alphabet: Vec<char> = "AaBbSsVv019_-.:/* \n\u{e9}\u{3a3}\u{1f980}".chars().collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..5000 {
            let mut input = String::new();
            for _ in 0..(state % 9) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                input.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            assert_all_valid(&input);
            let _ = (operation_method(&input), waiter_method(&input), crate_name(&input));
        }
    }

    #[test]
    fn check_rejects_malformed_fixtures() {
        assert!(check_boto3_names("not json").is_err());
        assert!(check_boto3_names("{}").is_err());
        assert!(check_boto3_names(r#"{"services": {"s": {"operations": {"A": 1}}}}"#).is_err());
        let (passed, failures) = check_boto3_names(
            r#"{"services": {"s3": {"operations": {"ListObjectsV2": "list_objects_v2", "GetObject": "get_thing"},
                "waiters": {"BucketExists": "bucket_exists"}}}}"#,
        )
        .unwrap();
        assert_eq!(passed, 2);
        assert_eq!(failures, ["s3: GetObject -> get_object != get_thing"]);
    }

    #[test]
    fn boto3_fixture_has_no_failures() {
        let text = std::fs::read_to_string(FIXTURE).unwrap_or_else(|e| panic!("{FIXTURE}: {e}"));
        let (passed, failures) = check_boto3_names(&text).unwrap();
        assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
        assert!(passed >= 19_796, "only {passed} names checked");
        eprintln!("boto3 fixture: {passed} passed, {} failed", failures.len());

        // Every boto3 name is already a clean Rust identifier, so `field_name` keeps it as is;
        // every other name built from operation and waiter keys is valid too.
        let root: serde_json::Value = serde_json::from_str(&text).unwrap();
        for service in root["services"].as_object().unwrap().values() {
            for group in ["operations", "waiters"] {
                let Some(names) = service.get(group).and_then(|g| g.as_object()) else {
                    continue;
                };
                for (key, boto3) in names {
                    let boto3 = boto3.as_str().unwrap();
                    assert_eq!(field_name(boto3), boto3, "{key}");
                    assert!(is_valid_ident(&waiter_method(key)), "{key}");
                    assert_all_valid(key);
                }
            }
        }
    }
}
