//! Parser cases. Expected values were checked against botocore 1.44.5's `raw_config_parse` on
//! Python 3.11; comments say where the behaviour is surprising.

use super::*;

/// A section's keys with values rendered flat: nested blocks as `{k=v, k=v}`.
type Flat = Vec<(String, Vec<(String, String)>)>;

fn flat(text: &str) -> Flat {
    let sections = parse("~/.aws/config", text).unwrap_or_else(|e| panic!("{e}"));
    sections
        .iter()
        .map(|(name, props)| {
            let props = props
                .iter()
                .map(|(key, p)| {
                    let value = match p.value() {
                        PropertyValue::Text(t) => t.clone(),
                        PropertyValue::Nested(m) => {
                            let inner: Vec<String> =
                                m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap())).collect();
                            format!("{{{}}}", inner.join(", "))
                        }
                    };
                    (key.clone(), value)
                })
                .collect();
            (name.clone(), props)
        })
        .collect()
}

fn expect(sections: &[(&str, &[(&str, &str)])]) -> Flat {
    sections
        .iter()
        .map(|(name, props)| (name.to_string(), props.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()))
        .collect()
}

fn error(text: &str) -> String {
    match parse("~/.aws/config", text) {
        Ok(sections) => panic!("expected an error, parsed {sections:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn key_value_forms_split_at_the_first_delimiter() {
    let text = "[default]\nregion = us-east-1\noutput=json\nrole_arn: arn:aws:iam::1:role/r\n\
                endpoint_url = http://localhost:4566\na:b = c\nspaced  key\t=\t  v  \n";
    assert_eq!(
        flat(text),
        expect(&[(
            "default",
            &[
                ("region", "us-east-1"),
                ("output", "json"),
                // `:` is a delimiter too (configparser's default), so the first of `=`/`:` wins.
                ("role_arn", "arn:aws:iam::1:role/r"),
                ("endpoint_url", "http://localhost:4566"),
                ("a", "b = c"),
                ("spaced  key", "v"),
            ]
        )])
    );
}

#[test]
fn keys_are_lowercased_but_section_names_and_values_keep_case() {
    let text = "[Profile Dev]\nAWS_Access_Key_ID = AKID\nRegion = US-West-2\n";
    assert_eq!(flat(text), expect(&[("Profile Dev", &[("aws_access_key_id", "AKID"), ("region", "US-West-2")])]));
}

#[test]
fn empty_values_are_empty_strings() {
    assert_eq!(flat("[default]\nregion =\nx:\n"), expect(&[("default", &[("region", ""), ("x", "")])]));
}

#[test]
fn only_whole_lines_are_comments() {
    let text = "# top\n; top\n[default]\n  # indented comment\n;x = 1\nregion = us-east-1 # not a comment\n\
                output = json ;nor this\nname = a#b\n";
    // configparser's `inline_comment_prefixes` is `None`, so everything after `=` is the value,
    // including ` # ...`. The AWS CLI reads the same file the same way.
    assert_eq!(
        flat(text),
        expect(&[(
            "default",
            &[("region", "us-east-1 # not a comment"), ("output", "json ;nor this"), ("name", "a#b")]
        )])
    );
}

#[test]
fn deeper_indented_lines_continue_the_value() {
    let text = "[default]\nkey = first\n  second\n\n    third\n  # a comment is skipped\n  fourth\n\n\nnext = x\n";
    // Blank lines inside a value are kept; trailing ones are dropped when joining.
    assert_eq!(flat(text), expect(&[("default", &[("key", "first\nsecond\n\nthird\nfourth"), ("next", "x")])]));
}

#[test]
fn continuation_depends_on_the_key_line_indent() {
    // Keys may themselves be indented; a line continues only if indented deeper than its key.
    let text = "[default]\n  a = 1\n  b = 2\n    c = 3\n d = 4\n";
    assert_eq!(flat(text), expect(&[("default", &[("a", "1"), ("b", "2\nc = 3"), ("d", "4")])]));
}

#[test]
fn a_continuation_line_can_look_like_a_header() {
    // Indentation wins over shape: this is part of `region`, not a new section.
    let text = "[default]\nregion = x\n  [profile dev]\n";
    assert_eq!(flat(text), expect(&[("default", &[("region", "x\n[profile dev]")])]));
}

#[test]
fn a_header_line_is_never_continued() {
    // After a header no key is open, so an indented line is read as a key of its own.
    assert_eq!(flat("[default]\n    region = x\n"), expect(&[("default", &[("region", "x")])]));
}

#[test]
fn an_empty_value_with_an_indented_block_is_nested() {
    let text = "[default]\ns3 =\n  addressing_style = path\n\n  Use_Arn_Region=true\n  # comment\n  \
                url = http://h/?a=b\nregion = us-east-1\n";
    // Sub-keys keep their case (botocore only strips them) and split at the first `=`.
    assert_eq!(
        flat(text),
        expect(&[(
            "default",
            &[("s3", "{addressing_style=path, Use_Arn_Region=true, url=http://h/?a=b}"), ("region", "us-east-1")]
        )])
    );
    let sections = parse("c", text).unwrap();
    let s3 = sections["default"]["s3"].nested().unwrap();
    assert_eq!(s3["url"].origin().line(), 7);
}

#[test]
fn a_value_with_text_on_its_first_line_is_not_nested() {
    let text = "[default]\ns3 = x\n  addressing_style = path\nempty =\n";
    assert_eq!(flat(text), expect(&[("default", &[("s3", "x\naddressing_style = path"), ("empty", "")])]));
}

#[test]
fn nested_sub_keys_split_only_at_equals() {
    let text = "[default]\ns3 =\n  addressing_style: path\n";
    assert_eq!(
        error(text),
        "~/.aws/config line 3: expected `name = value`: the indented lines under `s3 =` (line 2) are its sub-settings"
    );
}

#[test]
fn section_headers_run_to_the_last_bracket() {
    let text = "[profile dev] # trailing text is ignored\na = 1\n[ spaced ]\nb = 2\n[x]y]\nc = 3\n";
    assert_eq!(
        flat(text),
        expect(&[("profile dev", &[("a", "1")]), (" spaced ", &[("b", "2")]), ("x]y", &[("c", "3")])])
    );
}

#[test]
fn default_section_values_are_inherited_by_every_section() {
    // `[DEFAULT]` (upper case) is configparser's defaults section, not the default profile.
    let text = "[DEFAULT]\nregion = eu-west-1\n[profile a]\noutput = json\n[default]\nregion = us-east-1\n";
    assert_eq!(
        flat(text),
        expect(&[
            ("profile a", &[("output", "json"), ("region", "eu-west-1")]),
            ("default", &[("region", "us-east-1")]),
        ])
    );
    let sections = parse("c", text).unwrap();
    assert_eq!(sections["profile a"]["region"].origin().section(), "DEFAULT");
    // A `[DEFAULT]` with no other section yields nothing.
    assert!(parse("c", "[DEFAULT]\na = 1\n").unwrap().is_empty());
}

#[test]
fn repeated_keys_and_sections_are_errors_as_in_botocore() {
    assert_eq!(
        error("[default]\nregion = a\nRegion = b\n"),
        "~/.aws/config line 3: `region` is set a second time in `[default]` (first on line 2); botocore rejects \
         repeated keys, so keep one"
    );
    assert_eq!(
        error("[default]\na = 1\n\n[default]\nb = 2\n"),
        "~/.aws/config line 4: section `[default]` appears a second time (first on line 1); botocore rejects \
         repeated sections, so merge the two"
    );
    assert!(error("[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n").contains("line 4: `a` is set a second time in `[DEFAULT]`"));
    // Repeating `[DEFAULT]` itself is allowed; its keys merge.
    assert_eq!(flat("[DEFAULT]\na = 1\n[DEFAULT]\nb = 2\n[s]\n"), expect(&[("s", &[("a", "1"), ("b", "2")])]));
}

#[test]
fn invalid_lines_name_the_file_line_and_what_was_expected() {
    assert_eq!(
        error("[default]\nregion = us-east-1\n\n# comment\n[profile dev]\noutput = json\nnot a setting\n"),
        "~/.aws/config line 7: expected `key = value` or a `[section]` header"
    );
    assert_eq!(
        error("\n# comment\nregion = us-east-1\n"),
        "~/.aws/config line 3: expected a `[section]` header (such as `[default]`) before the first setting"
    );
    assert_eq!(error("[default]\n = x\n"), "~/.aws/config line 2: expected a key name before `=`");
    assert_eq!(error("[default]\n: x\n"), "~/.aws/config line 2: expected a key name before `:`");
    // `[]` is not a header (the name must not be empty), nor a setting.
    assert_eq!(
        error("[]\n"),
        "~/.aws/config line 1: expected a `[section]` header (such as `[default]`) before the first setting"
    );
    assert_eq!(error("[a]\n[]\n"), "~/.aws/config line 2: expected `key = value` or a `[section]` header");
}

#[test]
fn every_line_ending_counts_and_a_bom_is_skipped() {
    let expected = expect(&[("default", &[("a", "1\nb"), ("c", "2")])]);
    assert_eq!(flat("[default]\r\na = 1\r\n  b\r\nc = 2"), expected);
    assert_eq!(flat("[default]\ra = 1\r  b\rc = 2\r"), expected);
    assert_eq!(flat("\u{feff}[default]\na = 1\n  b\nc = 2\n"), expected);
    let error = parse("f", "[a]\r\n\r\nbad\r\n").unwrap_err().to_string();
    assert!(error.starts_with("f line 3:"), "{error}");
}

#[test]
fn whitespace_is_pythons_whitespace() {
    // `str.strip()` also removes no-break spaces and the ASCII separators \x1c-\x1f, and they
    // count as indentation.
    let text = "[default]\n\u{a0}a = 1\u{a0}\n\u{1c}\u{1c}  b\n";
    assert_eq!(flat(text), expect(&[("default", &[("a", "1\nb")])]));
    // Inside a nested block, `str.splitlines()` breaks at a form feed.
    let text = "[default]\ns3 =\n  a = 1\u{c}b = 2\n";
    assert_eq!(flat(text), expect(&[("default", &[("s3", "{a=1, b=2}")])]));
}

#[test]
fn empty_and_comment_only_files_have_no_sections() {
    assert!(parse("c", "").unwrap().is_empty());
    assert!(parse("c", "\n\n  \n# only\n; comments\n").unwrap().is_empty());
}

#[test]
fn secret_properties_are_redacted_in_debug() {
    let sections =
        parse("c", "[default]\naws_secret_access_key = SECRETVALUE\nsso =\n  my_token = TOKENVALUE\n").unwrap();
    let debug = format!("{sections:?}");
    assert!(!debug.contains("SECRETVALUE") && !debug.contains("TOKENVALUE"), "{debug}");
    assert!(debug.contains("** redacted **"), "{debug}");
    assert!(sections["default"]["aws_secret_access_key"].is_secret());
}

#[test]
fn shlex_split_matches_python() {
    let split = |s: &str| shlex_split(s).map(|v| v.iter().map(String::as_str).map(str::to_owned).collect::<Vec<_>>());
    assert_eq!(split("profile dev"), Some(vec!["profile".into(), "dev".into()]));
    assert_eq!(split("  profile \t 'my dev'  "), Some(vec!["profile".into(), "my dev".into()]));
    assert_eq!(split(r#"profile "a \"b\" \x""#), Some(vec!["profile".into(), r#"a "b" \x"#.into()]));
    assert_eq!(split(r"profile a\ b"), Some(vec!["profile".into(), "a b".into()]));
    assert_eq!(split("profile ''"), Some(vec!["profile".into(), String::new()]));
    assert_eq!(split("profile x'y z'"), Some(vec!["profile".into(), "xy z".into()]));
    assert_eq!(split("profile 'open"), None);
    assert_eq!(split("profile a\\"), None);
}

use crate::test_rng::Rng;

#[test]
fn the_parser_never_panics() {
    // Fragments that exercise every rule, glued with every line ending, plus raw characters that
    // tend to break byte-index arithmetic (multi-byte and Python-only whitespace).
    const FRAGMENTS: &[&str] = &[
        "[default]",
        "[profile a]",
        "[DEFAULT]",
        "[]",
        "[x]y]",
        "[profile 'q",
        "key = v",
        "K:V",
        "= x",
        "s3 =",
        "  sub = 1",
        "  sub",
        "\tdeep",
        "# c",
        "; c",
        "  # c",
        "",
        "   ",
        "é = ü",
        "\u{a0}\u{2028}",
        "\u{1c}x=y",
        "a=b=c",
        "[",
        "]",
        "\u{feff}",
        "\\",
        "'",
        "\"",
    ];
    const ENDS: &[&str] = &["\n", "\r\n", "\r", ""];
    const CHARS: &[char] =
        &['[', ']', '=', ':', ' ', '\t', '\n', '\r', '#', ';', 'a', 'é', '\u{2028}', '\u{c}', '\u{85}'];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let mut text = String::new();
        for _ in 0..rng.below(12) {
            if rng.below(4) == 0 {
                for _ in 0..rng.below(6) {
                    text.push(CHARS[rng.below(CHARS.len())]);
                }
            } else {
                text.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
            }
            text.push_str(ENDS[rng.below(ENDS.len())]);
        }
        let lines = text.split(['\n', '\r']).count();
        match parse("fuzz", &text) {
            Ok(sections) => {
                // Formatting touches every value, including redaction decisions.
                let _ = format!("{sections:?}");
            }
            Err(ConfigError::Parse { line, .. }) => assert!(line >= 1 && line <= lines, "line {line} of {text:?}"),
            Err(other) => panic!("unexpected error {other} for {text:?}"),
        }
        let _ = super::super::ProfileSet::from_texts("c", &text, "r", &text);
    }
}
