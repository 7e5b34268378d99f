//! Profile-map construction, file loading and profile selection.

use std::io;

use super::*;

fn set(config: &str, credentials: &str) -> ProfileSet {
    ProfileSet::from_texts("~/.aws/config", config, "~/.aws/credentials", credentials).unwrap_or_else(|e| panic!("{e}"))
}

fn names(set: &ProfileSet) -> Vec<&str> {
    set.profile_names().collect()
}

fn home_env<'a>(extra: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
    Env::from_pairs([("HOME", "/home/ana")].into_iter().chain(extra))
}

#[test]
fn config_sections_are_sorted_by_prefix_as_botocore_does() {
    let config = "[default]\nregion = a\n[profile dev]\nregion = b\n[profile \"my dev\"]\nregion = c\n\
                  [profile my prod]\nregion = d\n[profiles qa]\nregion = e\n[sso-session corp]\nsso_region = f\n\
                  [services local]\ns3 =\n  endpoint_url = http://localhost\n[plugins]\nx = y\n[bare]\nregion = g\n";
    let set = set(config, "");
    // `[profile my prod]` splits into three words and is dropped; `[profiles qa]` starts with
    // `profile` and splits into two, so it is profile `qa`. Both are botocore's rules.
    assert_eq!(names(&set), ["default", "dev", "my dev", "qa"]);
    assert_eq!(set.profile("my dev").unwrap().get("region"), Some("c"));
    assert_eq!(set.sso_session("corp").unwrap().get("sso_region"), Some("f"));
    assert_eq!(set.services("local").unwrap().get_nested("s3", "endpoint_url"), Some("http://localhost"));
    assert_eq!(set.services("local").unwrap().header(), "[services local]");
    // Sections without a recognised prefix are not profiles in the config file.
    assert!(set.profile("bare").is_none() && set.profile("plugins").is_none());
}

#[test]
fn the_later_of_default_and_profile_default_wins_whole() {
    // botocore stores both under `default` in file order, so the last one replaces the first
    // entirely; keys are not merged.
    let set1 = set("[default]\nregion = a\noutput = json\n[profile default]\nregion = b\n", "");
    assert_eq!(set1.profile("default").unwrap().get("region"), Some("b"));
    assert_eq!(set1.profile("default").unwrap().get("output"), None);
    let set2 = set("[profile default]\nregion = b\n[default]\nregion = a\n", "");
    assert_eq!(set2.profile("default").unwrap().get("region"), Some("a"));
}

#[test]
fn credentials_values_override_config_values_key_by_key() {
    let config = "[profile dev]\nregion = us-west-2\noutput = json\n";
    let credentials = "[dev]\naws_access_key_id = AKID\nregion = eu-west-1\n[profile dev]\nx = 1\n[other]\ny = 2\n";
    let set = set(config, credentials);
    let dev = set.profile("dev").unwrap();
    assert_eq!(dev.get("region"), Some("eu-west-1"));
    assert_eq!(dev.property("region").unwrap().origin().path(), "~/.aws/credentials");
    assert_eq!(dev.get("output"), Some("json"));
    assert_eq!(dev.get("aws_access_key_id"), Some("AKID"));
    // Credentials sections are bare names: `[profile dev]` there is a profile named `profile dev`.
    assert_eq!(names(&set), ["dev", "profile dev", "other"]);
}

#[test]
fn files_are_found_through_the_environment_and_home() {
    let fs = Fs::from_files([
        ("/home/ana/.aws/config", "[default]\nregion = a\n"),
        ("/home/ana/.aws/credentials", "[default]\naws_access_key_id = AKID\n"),
        ("/etc/aws/config", "[profile ci]\nregion = b\n"),
    ]);
    let loaded = ProfileSet::load(&home_env([]), &fs).unwrap();
    assert_eq!(loaded.config_path(), "~/.aws/config");
    assert_eq!(loaded.profile("default").unwrap().get("aws_access_key_id"), Some("AKID"));
    let env = home_env([("AWS_CONFIG_FILE", "$CONF_DIR/config"), ("CONF_DIR", "/etc/aws")]);
    let loaded = ProfileSet::load(&env, &fs).unwrap();
    assert_eq!(loaded.config_path(), "$CONF_DIR/config");
    assert_eq!(names(&loaded), ["ci", "default"]);
    let env = home_env([("AWS_SHARED_CREDENTIALS_FILE", "~/nowhere")]);
    assert_eq!(names(&ProfileSet::load(&env, &fs).unwrap()), ["default"]);
}

#[test]
fn missing_files_are_empty_but_unreadable_files_are_errors() {
    let empty = ProfileSet::load(&home_env([]), &Fs::from_files::<[(&str, &str); 0], _, _>([])).unwrap();
    assert_eq!(names(&empty), Vec::<&str>::new());
    // A directory where the file should be is "not a file" to botocore, so it is skipped too.
    let fs = Fs::from_files([("/x", "")]).with_error("/home/ana/.aws/config", io::ErrorKind::IsADirectory);
    assert!(ProfileSet::load(&home_env([]), &fs).is_ok());
    let fs = Fs::from_files([("/x", "")]).with_error("/home/ana/.aws/credentials", io::ErrorKind::PermissionDenied);
    let error = ProfileSet::load(&home_env([]), &fs).unwrap_err();
    assert!(matches!(&error, ConfigError::Read { path, .. } if path == "~/.aws/credentials"), "{error:?}");
    assert!(error.to_string().starts_with("could not read ~/.aws/credentials: "), "{error}");
}

#[test]
fn parse_errors_name_the_file_as_configured() {
    let fs = Fs::from_files([("/home/ana/.aws/config", "[default]\nregion\n")]);
    let error = ProfileSet::load(&home_env([]), &fs).unwrap_err();
    assert_eq!(error.to_string(), "~/.aws/config line 2: expected `key = value` or a `[section]` header");
    let fs = Fs::from_files([("/tmp/c", "[default]\nregion\n")]);
    let error = ProfileSet::load(&home_env([("AWS_CONFIG_FILE", "/tmp/c")]), &fs).unwrap_err();
    assert!(error.to_string().starts_with("/tmp/c line 2:"), "{error}");
}

#[test]
fn profile_selection_precedence() {
    let set = set("[default]\n[profile a]\n[profile b]\n[profile c]\n", "");
    let env = Env::from_pairs([("AWS_PROFILE", "b"), ("AWS_DEFAULT_PROFILE", "c")]);
    assert_eq!(set.select(Some("a"), &env).unwrap(), ("a".into(), ProfileSelection::Explicit));
    assert_eq!(set.select(None, &env).unwrap(), ("b".into(), ProfileSelection::Env("AWS_PROFILE")));
    let env = Env::from_pairs([("AWS_PROFILE", ""), ("AWS_DEFAULT_PROFILE", "c")]);
    assert_eq!(set.select(None, &env).unwrap(), ("c".into(), ProfileSelection::Env("AWS_DEFAULT_PROFILE")));
    let env = Env::from_pairs([("AWS_PROFILE", "")]);
    assert_eq!(set.select(None, &env).unwrap(), ("default".into(), ProfileSelection::Default));
}

#[test]
fn an_absent_default_profile_is_fine_unless_named() {
    let set = set("[profile dev]\n", "");
    let (name, _) = set.select(None, &Env::from_pairs([("X", "")])).unwrap();
    assert_eq!(name, "default");
    assert!(set.profile(&name).is_none());
    // Naming `default` explicitly requires it to exist, as in botocore.
    assert!(matches!(set.select(Some("default"), &Env::real()), Err(ConfigError::ProfileNotFound { .. })));
}

#[test]
fn profile_not_found_lists_the_available_profiles() {
    let set = set("[default]\n[profile dev]\n", "[ci]\n");
    let error = set.select(None, &Env::from_pairs([("AWS_PROFILE", "prod")])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the config profile `prod` (selected by `AWS_PROFILE`) could not be found in ~/.aws/config or \
         ~/.aws/credentials; available profiles: `default`, `dev`, `ci`. Add a `[profile prod]` section to \
         ~/.aws/config or a `[prod]` section to ~/.aws/credentials"
    );
    let error = self::set("", "").select(Some("my prod"), &Env::real()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the config profile `my prod` (selected with `Session::builder().profile(..)`) could not be found in \
         ~/.aws/config or ~/.aws/credentials; no profiles are defined. Add a `[profile \"my prod\"]` section to \
         ~/.aws/config or a `[my prod]` section to ~/.aws/credentials"
    );
}

#[test]
fn nested_lookups_need_a_nested_value() {
    let set = set("[default]\ns3 =\n  addressing_style = path\nplain = x\n", "");
    let profile = set.profile("default").unwrap();
    assert_eq!(profile.get_nested("s3", "addressing_style"), Some("path"));
    assert_eq!(profile.get("s3"), None);
    assert_eq!(profile.get_nested("plain", "x"), None);
    assert_eq!(profile.get_nested("s3", "Addressing_Style"), None);
    assert_eq!(profile.nested_property("s3", "addressing_style").unwrap().origin().line(), 3);
}

#[test]
fn debug_redacts_secrets_and_tokens() {
    let set = set(
        "[default]\nregion = us-east-1\ncredential_process = /bin/creds --flag\n\
         [sso-session corp]\nsso_start_url = https://corp\n",
        "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI\n\
         aws_session_token = FwoGZXIvYXdz\n[x]\nnested =\n  my_secret = NESTEDSECRET\n",
    );
    for debug in [format!("{set:?}"), format!("{:?}", set.profile("default").unwrap()), format!("{set:#?}")] {
        assert!(debug.contains("AKIDEXAMPLE") && debug.contains("us-east-1"), "{debug}");
        assert!(debug.contains("/bin/creds --flag"), "credential_process is not a secret: {debug}");
        for secret in ["wJalrXUtnFEMI", "FwoGZXIvYXdz", "NESTEDSECRET"] {
            assert!(!debug.contains(secret), "{secret} leaked: {debug}");
        }
    }
    let property = set.profile("default").unwrap().property("aws_session_token").unwrap();
    assert_eq!(format!("{property:?}"), "\"** redacted **\"");
}
