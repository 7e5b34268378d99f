//! `AssumeRoleWithWebIdentity`: a token file (from `AWS_WEB_IDENTITY_TOKEN_FILE` or the profile's
//! `web_identity_token_file`) traded for role credentials, as on EKS (IRSA) and in CI systems.

use std::path::PathBuf;

use super::env::env_or_profile;
use super::source::WebIdentitySource;
use super::CredentialsError;
use crate::config::{Env, Fs, Profile};

/// Decides whether web identity applies, botocore's `AssumeRoleWithWebIdentityProvider`.
///
/// Each of the three settings is looked up on its own, environment first (unless `use_env` is
/// false: the profile was named in code, or this is a `source_profile`), then the profile, so a
/// token file from the environment may be paired with the profile's `role_arn`.
pub(crate) fn resolve(
    env: &Env,
    profile: Option<&Profile>,
    use_env: bool,
) -> Result<Option<WebIdentitySource>, CredentialsError> {
    let quiet = Env::from_pairs::<[(&str, &str); 0], _, _>([]);
    let env = if use_env { env } else { &quiet };
    let Some(token_file) = env_or_profile(env, "AWS_WEB_IDENTITY_TOKEN_FILE", profile, "web_identity_token_file")
    else {
        return Ok(None);
    };
    let Some(role_arn) = env_or_profile(env, "AWS_ROLE_ARN", profile, "role_arn") else {
        return Err(CredentialsError::WebIdentityWithoutRoleArn { token_file_setting: token_file.location });
    };
    let session = env_or_profile(env, "AWS_ROLE_SESSION_NAME", profile, "role_session_name");
    let from_profile = !token_file.from_env || !role_arn.from_env || session.as_ref().is_some_and(|s| !s.from_env);
    Ok(Some(WebIdentitySource {
        profile: profile.filter(|_| from_profile).map(|p| p.name().to_owned()),
        role_arn: role_arn.value,
        token_file: PathBuf::from(token_file.value),
        role_session_name: session.map(|found| found.value),
    }))
}

/// Reads the token at load time (botocore's `FileWebIdentityTokenLoader`), keeping it whole: a
/// JWT has no whitespace, but a trailing newline an editor added is stripped, since STS would
/// reject it.
pub(crate) fn read_token(fs: &Fs, path: &std::path::Path) -> Result<String, CredentialsError> {
    match fs.read_to_string(path) {
        Ok(text) => Ok(text.trim_end_matches(['\r', '\n']).to_owned()),
        Err(error) => Err(CredentialsError::TokenFile {
            provider: "assume-role-with-web-identity",
            path: path.display().to_string(),
            kind: error.kind(),
            reason: error.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProfileSet;

    #[test]
    fn settings_mix_environment_and_profile_key_by_key() {
        let profiles = ProfileSet::from_texts(
            "c",
            "[default]\nrole_arn = arn:aws:iam::1:role/from-profile\nrole_session_name = prof\n",
            "k",
            "",
        )
        .unwrap();
        let env = Env::from_pairs([("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token")]);
        let found = resolve(&env, profiles.profile("default"), true).unwrap().unwrap();
        assert_eq!(found.role_arn, "arn:aws:iam::1:role/from-profile");
        assert_eq!(found.token_file, PathBuf::from("/var/run/token"));
        assert_eq!(found.role_session_name.as_deref(), Some("prof"));
        // With the environment off, nothing names a token file.
        assert!(resolve(&env, profiles.profile("default"), false).unwrap().is_none());
    }

    #[test]
    fn token_file_without_role_is_an_error() {
        let env = Env::from_pairs([("AWS_WEB_IDENTITY_TOKEN_FILE", "/t")]);
        let message = resolve(&env, None, true).unwrap_err().to_string();
        assert!(message.contains("AWS_WEB_IDENTITY_TOKEN_FILE") && message.contains("AWS_ROLE_ARN"), "{message}");
    }

    #[test]
    fn token_is_read_through_the_fs_shim() {
        let fs = Fs::from_files([("/t", "eyJ.s3cr3t.sig\n")]);
        assert_eq!(read_token(&fs, std::path::Path::new("/t")).unwrap(), "eyJ.s3cr3t.sig");
        let error = read_token(&fs, std::path::Path::new("/missing")).unwrap_err();
        assert!(error.to_string().contains("/missing"));
    }
}
