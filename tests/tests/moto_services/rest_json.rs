//! The rest-json services against moto: Lambda (functions stored, never invoked, so no Docker)
//! and Glacier (vaults and archives).

use tucuxi::protocol::checksum::{crc32, ChecksumAlgorithm};
use tucuxi::Map;
use tucuxi_lambda::errors::{GetFunctionError, UpdateFunctionConfigurationError};
use tucuxi_lambda::types::{Environment, FunctionCode, Runtime};

use crate::common::{self, unique, Checks, Outcome};

/// A valid zip archive holding one stored (uncompressed) file, written by hand so the test needs
/// no zip dependency: a local header, the data, one central directory entry and the end record.
fn zip_one_file(name: &str, data: &[u8]) -> Vec<u8> {
    let crc = crc32(data);
    let size = u32::try_from(data.len()).expect("a small file");
    let name_len = u16::try_from(name.len()).expect("a short name");
    // 1980-01-01 00:00, the earliest time a zip can say.
    let (time, date) = (0u16, (1 << 5) | 1);
    let mut out = Vec::new();
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    for half in [20u16, 0, 0, time, date] {
        out.extend_from_slice(&half.to_le_bytes());
    }
    for word in [crc, size, size] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    out.extend_from_slice(&name_len.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(data);

    let directory_offset = u32::try_from(out.len()).expect("a small archive");
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    for half in [20u16, 20, 0, 0, time, date] {
        out.extend_from_slice(&half.to_le_bytes());
    }
    for word in [crc, size, size] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    // Name length, then no extra field, no comment, disk 0, no internal attributes.
    for half in [name_len, 0, 0, 0, 0] {
        out.extend_from_slice(&half.to_le_bytes());
    }
    // External attributes: a regular file readable by all (0o100644 in the high half).
    out.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    let directory_size = u32::try_from(out.len()).expect("a small archive") - directory_offset;

    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for half in [0u16, 0, 1, 1] {
        out.extend_from_slice(&half.to_le_bytes());
    }
    out.extend_from_slice(&directory_size.to_le_bytes());
    out.extend_from_slice(&directory_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn base64(bytes: &[u8]) -> String {
    tucuxi::types::base64_encode(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn lambda_functions_without_invoking() {
    common::run_case("lambda", |endpoint, mut checks| async move {
        let outcome = lambda(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn lambda(endpoint: &str, checks: &mut Checks) -> Outcome {
    let session = common::session(endpoint);
    // moto checks that the function's role exists in its IAM.
    let role_name = unique("tucuxi-lambda-role");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let role = tucuxi_iam::Client::new(&session)
        .create_role()
        .role_name(&role_name)
        .assume_role_policy_document(trust)
        .send()
        .await?
        .role;

    let lambda = tucuxi_lambda::Client::new(&session);
    let name = unique("tucuxi-fn");
    let zip = zip_one_file("handler.py", b"def handler(event, context):\n    return {'ok': True}\n");
    let mut tags = Map::new();
    tags.insert("team".to_owned(), "dolphins".to_owned());
    let created = lambda
        .create_function()
        .function_name(&name)
        .runtime(Runtime::Python3_11)
        .role(&role.arn)
        .handler("handler.handler")
        .code(FunctionCode { zip_file: Some(zip.clone().into()), ..Default::default() })
        .description("tucuxi e2e")
        .timeout(7)
        .memory_size(256)
        .tags(tags)
        .send()
        .await?;
    checks.eq(created.function_name.as_deref(), Some(name.as_str()), "create_function names the function")?;
    let arn = created.function_arn.clone().ok_or("create_function returns an ARN")?;
    checks.eq(arn.clone(), format!("arn:aws:lambda:us-east-1:123456789012:function:{name}"), "the function ARN")?;
    checks.eq(created.code_size, Some(zip.len() as i64), "the code size is the zip's")?;
    checks.eq(
        created.code_sha256.clone(),
        Some(base64(&ChecksumAlgorithm::Sha256.digest(&zip))),
        "the code SHA-256 is the zip's (the blob went up as base64 and was decoded)",
    )?;
    checks.eq(created.runtime.clone(), Some(Runtime::Python3_11), "the runtime")?;
    checks.eq(created.role.as_deref(), Some(role.arn.as_str()), "the role")?;

    // Get by ARN: the `{FunctionName}` URI label percent-encodes its colons.
    let got = lambda.get_function().function_name(&arn).send().await?;
    let configuration = got.configuration.ok_or("get_function returns the configuration")?;
    checks.eq(configuration.function_name.as_deref(), Some(name.as_str()), "get_function by ARN finds it")?;
    checks.eq((configuration.timeout, configuration.memory_size), (Some(7), Some(256)), "timeout and memory")?;
    checks.eq(configuration.handler.as_deref(), Some("handler.handler"), "the handler")?;
    checks.eq(got.tags.and_then(|t| t.get("team").cloned()).as_deref(), Some("dolphins"), "create's tags")?;

    let listed = lambda.list_functions().send().await?.functions.unwrap_or_default();
    checks.ok(listed.iter().any(|f| f.function_name.as_deref() == Some(name.as_str())), "list_functions lists it")?;

    let mut more = Map::new();
    more.insert("stage".to_owned(), "e2e".to_owned());
    more.insert("odd key".to_owned(), "a/b=c".to_owned());
    lambda.tag_resource().resource(&arn).tags(more).send().await?;
    let tags = lambda.list_tags().resource(&arn).send().await?.tags.unwrap_or_default();
    let mut pairs: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.sort();
    checks.eq(pairs, vec![("odd key", "a/b=c"), ("stage", "e2e"), ("team", "dolphins")], "list_tags by ARN")?;

    let mut variables = Map::new();
    variables.insert("GREETING".to_owned(), "olá".to_owned());
    let updated = lambda
        .update_function_configuration()
        .function_name(&name)
        .timeout(30)
        .description("updated")
        .environment(Environment { variables: Some(variables.clone()) })
        .send()
        .await?;
    checks.eq(updated.timeout, Some(30), "update_function_configuration changes the timeout")?;
    checks.eq(updated.description.as_deref(), Some("updated"), "and the description")?;
    checks.eq(updated.environment.and_then(|e| e.variables), Some(variables), "and sets the environment")?;
    let after = lambda.get_function().function_name(&name).send().await?.configuration.unwrap_or_default();
    checks.eq(after.timeout, Some(30), "get_function sees the update")?;

    lambda.delete_function().function_name(&name).send().await?;
    let err = lambda.get_function().function_name(&name).send().await.err().ok_or("the function is gone")?;
    checks.eq(err.code(), Some("ResourceNotFoundException"), "a deleted function is not found")?;
    checks.eq(err.status(), Some(404), "with a 404")?;
    checks.ok(
        matches!(err.modeled::<GetFunctionError>(), Some(GetFunctionError::ResourceNotFoundException(_))),
        &format!("as the modeled error: {err}"),
    )?;
    checks.ok(err.message().is_some_and(|m| m.contains(&name)), &format!("naming the function: {err}"))?;
    let missing = unique("tucuxi-missing");
    let err = lambda
        .update_function_configuration()
        .function_name(&missing)
        .timeout(3)
        .send()
        .await
        .err()
        .ok_or("updating a missing function fails")?;
    checks.ok(
        matches!(
            err.modeled::<UpdateFunctionConfigurationError>(),
            Some(UpdateFunctionConfigurationError::ResourceNotFoundException(_))
        ),
        &format!("update of a missing function is the modeled ResourceNotFoundException: {err}"),
    )
}

#[test]
fn glacier_vaults_and_archives() {
    common::run_case("glacier", |endpoint, mut checks| async move {
        let outcome = glacier(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn glacier(endpoint: &str, checks: &mut Checks) -> Outcome {
    let glacier = tucuxi_glacier::Client::new(&common::session(endpoint));
    let vault = unique("tucuxi-vault");
    // Glacier answers with a `Location` header; moto 5.2.5 sends none, so only describe checks.
    // `-` is the caller's own account; the later calls leave it unset and the client fills it in,
    // as botocore does.
    glacier.create_vault().account_id("-").vault_name(&vault).send().await?;
    let described = glacier.describe_vault().vault_name(&vault).send().await?;
    checks.eq(described.vault_name.as_deref(), Some(vault.as_str()), "describe_vault names it")?;
    checks.eq(
        described.vault_arn.as_deref(),
        Some(format!("arn:aws:glacier:us-east-1:123456789012:vaults/{vault}").as_str()),
        "and has its ARN",
    )?;
    let vaults = glacier.list_vaults().send().await?.vault_list.unwrap_or_default();
    checks.ok(vaults.iter().any(|v| v.vault_name.as_deref() == Some(vault.as_str())), "list_vaults lists it")?;

    let body: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    // Glacier allows only printable ASCII in a description; anything else cannot even be signed
    // as a header, and the client says so before sending.
    let refused = glacier
        .upload_archive()
        .vault_name(&vault)
        .archive_description("tucuxi e2e ü")
        .body(body.clone())
        .send()
        .await
        .err()
        .ok_or("a non-ASCII description is refused")?;
    checks.eq(refused.kind(), tucuxi::ErrorKind::InvalidInput, "as invalid input")?;
    checks.ok(refused.to_string().contains("x-amz-archive-description"), &format!("naming the header: {refused}"))?;
    let uploaded = glacier
        .upload_archive()
        .vault_name(&vault)
        .archive_description("tucuxi e2e: bytes 0-255, repeated")
        .body(body.clone())
        .send()
        .await?;
    let archive_id = uploaded.archive_id.clone().ok_or("upload_archive returns the archive id header")?;
    checks.ok(!archive_id.is_empty(), "a non-empty archive id")?;
    // Under 1 MiB the SHA-256 tree hash is the plain SHA-256 of the body.
    checks.eq(
        uploaded.checksum.clone(),
        Some(hex(&ChecksumAlgorithm::Sha256.digest(&body))),
        "the tree hash header is the body's SHA-256",
    )?;

    let holding = glacier.describe_vault().vault_name(&vault).send().await?;
    checks.eq(holding.number_of_archives, Some(1), "the vault holds the archive")?;
    checks.eq(holding.size_in_bytes, Some(body.len() as i64), "all of its bytes")?;

    glacier.delete_archive().vault_name(&vault).archive_id(&archive_id).send().await?;
    let emptied = glacier.describe_vault().vault_name(&vault).send().await?;
    checks.eq(emptied.number_of_archives, Some(0), "delete_archive empties the vault")?;
    glacier.delete_vault().vault_name(&vault).send().await?;
    let err = glacier.describe_vault().vault_name(&vault).send().await.err().ok_or("the vault is gone")?;
    // Glacier answers ResourceNotFoundException; moto 5.2.5 says `VaultNotFound`, a code the model
    // does not have, so the error is not modeled but still carries the code and message.
    checks.eq(err.code(), Some("VaultNotFound"), "moto's code for a deleted vault")?;
    checks.eq(err.message(), Some("Vault not found"), "and its message")?;
    checks.ok(err.modeled::<tucuxi_glacier::errors::DescribeVaultError>().is_none(), "an unmodeled code")
}
