//! Extension profiles: vendor fields that state an operation's permissions beside its security
//! requirements, such as Datadog's `x-permission: {operator: OR, permissions: [...]}`.
//!
//! A generic `--permission-extension NAME` reads such a field under any name; a profile
//! (`--profile datadog`) adds what tokenscope knows about one vendor: the scheme that carries
//! scopes, the names of its token kinds, which schemes carry no permissions, the table's
//! identity and a reviewed risk for its most dangerous permissions. What a profile adds is
//! tokenscope's knowledge, not the specification's, and requirements built from it are
//! `evidence: inferred` with the reason.

use super::super::quoted;

/// What an extension says an operation needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Permission {
    /// `operator: OR`: any one of the permissions.
    Any(Vec<String>),
    /// `operator: AND`: all of them.
    All(Vec<String>),
    /// `operator: OPEN`: no specific permission.
    Open,
}

/// Reads `{operator: OR|AND|OPEN, permissions: [...]}`.
pub(super) fn parse_permission(value: &serde_json::Value) -> Result<Permission, String> {
    let object = value
        .as_object()
        .ok_or("is not a mapping of `operator` and `permissions`")?;
    let operator = object
        .get("operator")
        .and_then(|o| o.as_str())
        .ok_or("has no `operator` text")?;
    let permissions: Vec<String> = match object.get("permissions") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|p| {
                p.as_str()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.trim().to_owned())
                    .ok_or("has a permission that is not a non-empty text")
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("has `permissions` that are not a list".into()),
    };
    let mut unique: Vec<String> = Vec::with_capacity(permissions.len());
    for p in permissions {
        if !unique.contains(&p) {
            unique.push(p);
        }
    }
    match operator.to_ascii_uppercase().as_str() {
        "OR" => Ok(Permission::Any(unique)),
        "AND" => Ok(Permission::All(unique)),
        "OPEN" => Ok(Permission::Open),
        _ => Err(format!(
            "has the operator {}, not OR, AND or OPEN",
            quoted(operator)
        )),
    }
}

/// A permission whose class tokenscope has reviewed.
pub(super) struct RiskRow {
    pub scope: &'static str,
    pub class: &'static str,
    pub why: &'static str,
}

/// What a vendor profile knows.
pub(super) struct Profile {
    /// The operation key holding the permissions.
    pub extension: &'static str,
    /// The scheme whose scopes are the permissions of an OAuth token.
    pub scheme: &'static str,
    /// Token kinds: a key pair whose permissions the extension states, and the OAuth token.
    pub key_kind: &'static str,
    pub scheme_kind: &'static str,
    /// Schemes that carry no permissions: an operation needing only those needs none.
    pub permissionless: &'static [&'static str],
    pub api: &'static str,
    pub title: &'static str,
    pub provider: &'static str,
    pub token_dialog: &'static str,
    pub risks: &'static [RiskRow],
}

/// Datadog: application keys (with an API key) hold their user's permissions, or the scopes
/// of a scoped key; OAuth apps hold `AuthZ` scopes, which are permission names too. API keys
/// alone carry no permission (Datadog's documentation on API and application keys).
pub(super) const DATADOG: Profile = Profile {
    extension: "x-permission",
    scheme: "AuthZ",
    key_kind: "application-key",
    scheme_kind: "oauth",
    permissionless: &["apiKeyAuth", "apiKeyAuthQuery"],
    api: "datadog",
    title: "Datadog API v1",
    provider: "Datadog",
    token_dialog: "Organization Settings → Application Keys → a key's scopes, or the scopes of the OAuth app",
    risks: DATADOG_RISKS,
};

const DATADOG_RISKS: &[RiskRow] = &[
    RiskRow {
        scope: "api_keys_read",
        class: "high",
        why: "reads the organization's API keys, values included",
    },
    RiskRow {
        scope: "api_keys_write",
        class: "high",
        why: "creates and changes the organization's API keys",
    },
    RiskRow {
        scope: "api_keys_delete",
        class: "high",
        why: "deletes API keys, which stops every agent and integration using them",
    },
    RiskRow {
        scope: "org_app_keys_read",
        class: "medium",
        why: "lists every user's application keys",
    },
    RiskRow {
        scope: "org_app_keys_write",
        class: "high",
        why: "manages every user's application keys",
    },
    RiskRow {
        scope: "user_app_keys",
        class: "high",
        why: "creates application keys with the user's permissions, which outlive this token",
    },
    RiskRow {
        scope: "user_access_manage",
        class: "high",
        why: "grants roles and permissions to users",
    },
    RiskRow {
        scope: "dashboards_public_share",
        class: "high",
        why: "publishes dashboards to anyone holding the link",
    },
    RiskRow {
        scope: "dashboards_embed_share",
        class: "medium",
        why: "makes dashboards embeddable outside Datadog",
    },
    RiskRow {
        scope: "dashboards_invite_share",
        class: "medium",
        why: "shares dashboards with invited people outside the organization",
    },
    RiskRow {
        scope: "logs_read_data",
        class: "medium",
        why: "reads log data, which often holds personal data and secrets",
    },
    RiskRow {
        scope: "synthetics_global_variable_read",
        class: "medium",
        why: "reads global variables, which hold the credentials synthetic tests log in with",
    },
    RiskRow {
        scope: "synthetics_global_variable_write",
        class: "medium",
        why: "changes the credentials and values synthetic tests use",
    },
    RiskRow {
        scope: "monitors_downtime",
        class: "medium",
        why: "silences monitors, so incidents go unnoticed",
    },
    RiskRow {
        scope: "aws_configurations_manage",
        class: "high",
        why: "manages the AWS accounts Datadog reads, with their access keys and role ARNs",
    },
    RiskRow {
        scope: "azure_configurations_manage",
        class: "high",
        why: "manages the Azure tenants Datadog reads, with their client secrets",
    },
    RiskRow {
        scope: "gcp_configurations_manage",
        class: "high",
        why: "manages the GCP projects Datadog reads, with their service-account keys",
    },
    RiskRow {
        scope: "manage_integrations",
        class: "high",
        why: "installs and configures integrations, with their credentials",
    },
];

/// Words that mark a scope name as read-only or as dangerous, for scopes nobody reviewed.
const READ_WORDS: &[&str] = &[
    "read", "readonly", "view", "list", "get", "metadata", "identify", "email", "profile", "openid",
];
const HIGH_WORDS: &[&str] = &[
    "admin",
    "sudo",
    "superuser",
    "owner",
    "impersonate",
    "impersonation",
    "delete",
    "destroy",
];

/// A scope's class and why: a profile's reviewed row, else judged from the words of its name.
pub(super) fn risk_of(scope: &str, risks: &[RiskRow]) -> (&'static str, String) {
    if let Some(row) = risks.iter().find(|r| r.scope == scope) {
        return (row.class, row.why.to_owned());
    }
    let words: Vec<String> = scope
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let has = |list: &[&str]| words.iter().find(|w| list.contains(&w.as_str())).cloned();
    if let Some(word) = has(HIGH_WORDS) {
        (
            "high",
            format!(
                "`{word}` in its name: administers or deletes (judged from the name, not reviewed)"
            ),
        )
    } else if let Some(word) = has(READ_WORDS) {
        (
            "low",
            format!("`{word}` in its name: reads only (judged from the name, not reviewed)"),
        )
    } else {
        (
            "medium",
            "may change data (judged from the name, not reviewed)".to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_operators_and_their_mistakes() {
        let read = |text: &str| {
            parse_permission(&serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}")))
        };
        assert_eq!(
            read(r#"{"operator": "OR", "permissions": ["a", "b", "a"]}"#),
            Ok(Permission::Any(vec!["a".into(), "b".into()]))
        );
        assert_eq!(
            read(r#"{"operator": "AND", "permissions": ["a", "b"]}"#),
            Ok(Permission::All(vec!["a".into(), "b".into()]))
        );
        assert_eq!(
            read(r#"{"operator": "OPEN", "permissions": []}"#),
            Ok(Permission::Open)
        );
        for bad in [
            r#"{"operator": "XOR", "permissions": []}"#,
            r#"{"permissions": []}"#,
            r#"{"operator": "OR", "permissions": [1]}"#,
            r#"{"operator": "OR", "permissions": "a"}"#,
            r#"["OR"]"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unreviewed_scopes_are_judged_by_name_and_say_so() {
        assert_eq!(risk_of("dashboards_read", &[]).0, "low");
        assert_eq!(risk_of("dashboards_write", &[]).0, "medium");
        assert_eq!(risk_of("admin:org", &[]).0, "high");
        assert!(risk_of("x", &[]).1.contains("not reviewed"));
        assert_eq!(risk_of("api_keys_read", DATADOG_RISKS).0, "high");
    }
}
