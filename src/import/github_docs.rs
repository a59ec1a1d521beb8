//! `github-docs`: GitHub's fine-grained permission data, as published in github/docs.
//!
//! Inputs, each recognised by its JSON shape (never its name):
//!
//! - `fine-grained-pat-permissions.json` (fine-grained personal access tokens) and
//!   `server-to-server-permissions.json` (GitHub Apps; each record says whether a user access
//!   token (`user-to-server`) and an installation access token (`server-to-server`) can call
//!   the operation): permission id → `{title, displayTitle, permissions: [record]}`, a record
//!   per operation and permission. These files *flatten* GitHub's permission sets: a set's
//!   permissions and the sets themselves become one record per permission, so which
//!   permissions are needed together and which are alternatives is lost. What is left:
//!   `additional-permissions: false` means the operation has exactly one set holding exactly
//!   this permission; `true` means anything else, and GitHub then leaves `metadata` out.
//! - `fine-grained-pat.json`: REST category → the operations a fine-grained PAT can call. It
//!   names no permission; it is only compared with the permission data, and operations it lists
//!   that no permission record covers are reported as notes.
//! - REST category files (`src/rest/data/<version>/<category>.json`): subcategory → operations
//!   whose `progAccess.permissions` lists the permission sets exactly (any one set suffices,
//!   every permission of a set is needed). Where one covers an operation it replaces the
//!   flattened data for it.
//!
//! Token kinds: `fine-grained-pat` (from the PAT permission file), `github-app` (installation
//! access tokens) and `github-app-user` (user access tokens), both from the GitHub App file;
//! with only REST category files, all three. The first of them, in that order, is the table's
//! default; the others appear under `requires_by_kind` where they differ. Which file comes
//! first on the command line does not matter.
//!
//! A REST category file names a permission `"<Title>" <group> permissions`. It is matched to a
//! permission id through the titles and groups of the permission files; a permission they do
//! not know gets a derived id: the title in snake case (`Code scanning alerts` →
//! `code_scanning_alerts`), prefixed `organization_` or `enterprise_` for those groups (and
//! suffixed with its area should that id be taken). GitHub's own ids do not always follow this
//! rule (organization webhooks are `organization_hooks`), so derived ids are a fallback.
//!
//! How an `additional-permissions: true` operation is read (the four cases, see [`infer`]):
//! listed under one permission only; one permission listed repeatedly and the others once (the
//! `[contents]` or `[contents, workflows]` pattern); several permissions at one level (any one
//! of them); several at different levels (all of them). Every such requirement is
//! `evidence: inferred`, with the case in `evidence_reason`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_saphyr::{FlowMap, FlowSeq};

use super::out::{
    AreaOut, EndpointOut, Ordered, RiskOut, ScopeOut, TableFile, evidence, requires_per_kind,
};
use super::{Context, base_name, json_error, quoted};
use crate::error::InputError;
use crate::source::SourceFile;
use crate::table::{METHODS, parse_template};

// ---------------------------------------------------------------------------------------------
// Vocabulary

/// The kinds of token GitHub's data distinguishes, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    FineGrainedPat,
    GithubApp,
    GithubAppUser,
}

const KINDS: [Kind; 3] = [Kind::FineGrainedPat, Kind::GithubApp, Kind::GithubAppUser];

impl Kind {
    fn id(self) -> &'static str {
        match self {
            Kind::FineGrainedPat => "fine-grained-pat",
            Kind::GithubApp => "github-app",
            Kind::GithubAppUser => "github-app-user",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A permission's access level; `write` grants `read`, `admin` grants both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Access {
    Read,
    Write,
    Admin,
}

impl Access {
    fn name(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Admin => "admin",
        }
    }
}

/// The resource group of a permission: the table's areas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Group {
    Repository,
    Organization,
    /// GitHub's "User" group ("Account permissions" in the token dialog).
    Account,
    Enterprise,
    /// A REST category file may name a permission without a group (`<Title> permissions`).
    Other,
}

impl Group {
    fn parse(word: &str) -> Option<Group> {
        match word.to_ascii_lowercase().as_str() {
            "repository" => Some(Group::Repository),
            "organization" => Some(Group::Organization),
            "user" | "account" => Some(Group::Account),
            "enterprise" | "business" => Some(Group::Enterprise),
            _ => None,
        }
    }

    fn area(self) -> &'static str {
        match self {
            Group::Repository => "repository",
            Group::Organization => "organization",
            Group::Account => "account",
            Group::Enterprise => "enterprise",
            Group::Other => "other",
        }
    }

    fn area_title(self) -> &'static str {
        match self {
            Group::Repository => "Repository permissions",
            Group::Organization => "Organization permissions",
            Group::Account => "Account permissions",
            Group::Enterprise => "Enterprise permissions",
            Group::Other => "Other permissions",
        }
    }

    fn id_prefix(self) -> &'static str {
        match self {
            Group::Organization => "organization_",
            Group::Enterprise => "enterprise_",
            _ => "",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Risk: one table, read top to bottom, first match wins

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Low,
    Medium,
    High,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Low => "low",
            Class::Medium => "medium",
            Class::High => "high",
        }
    }
}

/// Which permissions a row of [`RISKS`] covers.
enum Covers {
    Id(&'static str),
    /// Every id with a `secrets` word (`secrets`, `organization_secrets`, `dependabot_secrets`,
    /// `codespaces_user_secrets`, `agent_secrets`, …), including ids GitHub adds later.
    SecretsWord,
}

/// A row: the class at `read` and at `write`, and why. `admin` is always high (it administers
/// the resource's definitions); a class never falls as the level rises.
struct RiskRow {
    covers: Covers,
    read: (Class, &'static str),
    write: (Class, &'static str),
}

/// The risk classification. Anything not listed: read low, write medium, admin high.
const RISKS: &[RiskRow] = &[
    RiskRow {
        covers: Covers::Id("contents"),
        read: (Class::Medium, "reads private source code"),
        write: (
            Class::High,
            "pushes code, tags and releases, which can change what CI and users run",
        ),
    },
    RiskRow {
        covers: Covers::Id("workflows"),
        read: (Class::Low, "reads workflow files"),
        write: (
            Class::High,
            "changes GitHub Actions workflows, which run with the repository's secrets",
        ),
    },
    RiskRow {
        covers: Covers::Id("administration"),
        read: (Class::Low, "reads repository settings"),
        write: (
            Class::High,
            "changes repository settings, collaborators and branch protection, and can delete the repository",
        ),
    },
    RiskRow {
        covers: Covers::Id("organization_administration"),
        read: (Class::Low, "reads organization settings"),
        write: (
            Class::High,
            "changes organization settings and policies for every repository in it",
        ),
    },
    RiskRow {
        covers: Covers::Id("members"),
        read: (Class::Low, "reads organization members and teams"),
        write: (
            Class::High,
            "adds and removes organization members and changes teams and their access",
        ),
    },
    RiskRow {
        covers: Covers::Id("environments"),
        read: (Class::Low, "reads deployment environments"),
        write: (
            Class::High,
            "changes deployment environments, their protection rules, secrets and variables",
        ),
    },
    RiskRow {
        covers: Covers::Id("repository_hooks"),
        read: (Class::Low, "reads webhook settings"),
        write: (
            Class::High,
            "a webhook can send the repository's events to an outside URL",
        ),
    },
    RiskRow {
        covers: Covers::Id("organization_hooks"),
        read: (Class::Low, "reads webhook settings"),
        write: (
            Class::High,
            "a webhook can send the organization's events to an outside URL",
        ),
    },
    RiskRow {
        covers: Covers::Id("organization_self_hosted_runners"),
        read: (Class::Low, "reads runner settings"),
        write: (
            Class::High,
            "registers and assigns self-hosted runners, which receive jobs and their secrets",
        ),
    },
    RiskRow {
        covers: Covers::Id("keys"),
        read: (Class::Low, "reads the user's public SSH keys"),
        write: (Class::High, "an SSH key it adds can push as the user"),
    },
    RiskRow {
        covers: Covers::Id("gpg_keys"),
        read: (Class::Low, "reads the user's public GPG keys"),
        write: (
            Class::High,
            "a GPG key it adds makes commits show as verified for the user",
        ),
    },
    RiskRow {
        covers: Covers::Id("secret_scanning_alerts"),
        read: (Class::High, "alerts contain the leaked secret"),
        write: (
            Class::High,
            "alerts contain the leaked secret, and it can close them",
        ),
    },
    RiskRow {
        covers: Covers::Id("security_events"),
        read: (
            Class::Medium,
            "code scanning alerts show where the code is vulnerable",
        ),
        write: (
            Class::Medium,
            "can dismiss code scanning alerts and hide vulnerabilities",
        ),
    },
    RiskRow {
        covers: Covers::Id("vulnerability_alerts"),
        read: (
            Class::Medium,
            "Dependabot alerts show which dependencies are vulnerable",
        ),
        write: (
            Class::Medium,
            "can dismiss Dependabot alerts and hide vulnerabilities",
        ),
    },
    RiskRow {
        covers: Covers::SecretsWord,
        read: (Class::Low, "lists secret names, never their values"),
        write: (
            Class::High,
            "sets the secrets that workflows, codespaces or agents receive",
        ),
    },
];

const DEFAULT_READ: (Class, &str) = (Class::Low, "reads data without changing it");
const DEFAULT_WRITE: (Class, &str) = (Class::Medium, "creates, changes or deletes data");
const ADMIN: (Class, &str) = (
    Class::High,
    "administers the resource's definitions and settings",
);

/// A permission's class and reason at each of its levels.
fn risk_of(id: &str, levels: &[Access]) -> Vec<(Access, Class, &'static str)> {
    let row = RISKS.iter().find(|row| match row.covers {
        Covers::Id(x) => x == id,
        Covers::SecretsWord => id.split('_').any(|w| w == "secrets"),
    });
    let (read, write) = row.map_or((DEFAULT_READ, DEFAULT_WRITE), |r| (r.read, r.write));
    let mut floor = Class::Low;
    levels
        .iter()
        .map(|&level| {
            let (class, why) = match level {
                Access::Read => read,
                Access::Write => write,
                Access::Admin => ADMIN,
            };
            // Never lower than a lower level's class (the loader refuses a falling risk).
            let class = class.max(floor);
            floor = class;
            (level, class, why)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reading the files

/// What a file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    PatPermissions,
    AppPermissions,
    PatOperations,
    RestCategory,
}

impl Shape {
    fn describe(self) -> &'static str {
        match self {
            Shape::PatPermissions => "fine-grained PAT permission file",
            Shape::AppPermissions => "GitHub App permission file",
            Shape::PatOperations => "list of operations fine-grained PATs can call",
            Shape::RestCategory => "REST category file",
        }
    }
}

const SHAPES_HELP: &str = "github-docs reads github/docs' `src/github-apps/data/<version>/` files \
    fine-grained-pat-permissions.json, server-to-server-permissions.json and \
    fine-grained-pat.json, and REST category files `src/rest/data/<version>/<category>.json`";

/// Tells the file's shape from its first entry that says (an entry with no records says
/// nothing). Reads the whole file, so a syntax error anywhere is found here, and holds one
/// entry at a time.
struct Detect(Shape);

impl<'de> Deserialize<'de> for Detect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Detect;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of GitHub permissions or operations")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Detect, A::Error> {
                let mut shape = None;
                let mut entries = 0usize;
                while map.next_key::<IgnoredAny>()?.is_some() {
                    entries += 1;
                    if shape.is_some() {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    let value: serde_json::Value = map.next_value()?;
                    shape = classify(&value).map_err(de::Error::custom)?;
                }
                match shape {
                    Some(shape) => Ok(Detect(shape)),
                    None if entries == 0 => Err(de::Error::custom(
                        "an empty JSON object: it holds no permissions or operations",
                    )),
                    None => Err(de::Error::custom(
                        "no entry holds a permission record or an operation, so what the file is cannot be told",
                    )),
                }
            }
        }
        d.deserialize_map(V)
    }
}

/// The shape one entry shows, `None` when it holds no record to tell by.
fn classify(value: &serde_json::Value) -> Result<Option<Shape>, &'static str> {
    use serde_json::Value;
    const NEITHER: &str = "this entry is neither a permission (`title`, `displayTitle`, `permissions`) nor a list of operations";
    let first_object =
        |items: &[Value]| -> Result<Option<serde_json::Map<String, Value>>, &'static str> {
            match items.first() {
                None => Ok(None),
                Some(Value::Object(o)) => Ok(Some(o.clone())),
                Some(_) => Err(NEITHER),
            }
        };
    match value {
        Value::Object(o) if o.contains_key("displayTitle") => {
            let Some(Value::Array(records)) = o.get("permissions") else {
                return Err(NEITHER);
            };
            let Some(record) = first_object(records)? else {
                return Ok(None);
            };
            if record.contains_key("user-to-server") || record.contains_key("server-to-server") {
                Ok(Some(Shape::AppPermissions))
            } else if record.contains_key("access") {
                Ok(Some(Shape::PatPermissions))
            } else {
                Err("this permission's records have no `access`")
            }
        }
        Value::Array(items) => {
            let Some(op) = first_object(items)? else {
                return Ok(None);
            };
            if op.contains_key("slug") && op.contains_key("verb") {
                Ok(Some(Shape::PatOperations))
            } else if op.contains_key("verb") && op.contains_key("requestPath") {
                Ok(Some(Shape::RestCategory))
            } else {
                Err("this entry's operations have no `verb` and `requestPath`")
            }
        }
        _ => Err(NEITHER),
    }
}

/// A JSON object read in its written order, every key once.
pub(super) struct Entries<K, V>(pub(super) Vec<(K, V)>);

impl<'de, K, V> Deserialize<'de> for Entries<K, V>
where
    K: Deserialize<'de> + AsRef<str>,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<K, V>(PhantomData<(K, V)>);
        impl<'de, K, V> Visitor<'de> for Vis<K, V>
        where
            K: Deserialize<'de> + AsRef<str>,
            V: Deserialize<'de>,
        {
            type Value = Entries<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<K, V>, A::Error> {
                let mut seen: HashSet<String> = HashSet::new();
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<K>()? {
                    if !seen.insert(key.as_ref().to_owned()) {
                        return Err(de::Error::custom(format!(
                            "the key {} appears twice in one object",
                            quoted(key.as_ref())
                        )));
                    }
                    let value = map.next_value::<V>()?;
                    out.push((key, value));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(Vis(PhantomData))
    }
}

/// A permission id, as a key of a permission file: usable as a table id.
struct PermId(String);

impl AsRef<str> for PermId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for PermId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if is_id(&s) {
            Ok(PermId(s))
        } else {
            Err(de::Error::custom(format!(
                "the permission id {} is not a lowercase id (letters, digits, `_`, `-`)",
                quoted(&s)
            )))
        }
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// An HTTP method as GitHub writes it (`get`), kept as the table writes it (`GET`).
pub(super) struct Verb(pub(super) &'static str);

impl<'de> Deserialize<'de> for Verb {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        METHODS
            .iter()
            .find(|m| m.eq_ignore_ascii_case(&s))
            .map(|m| Verb(m))
            .ok_or_else(|| de::Error::custom(format!("{} is not an HTTP method", quoted(&s))))
    }
}

/// A `requestPath` the table can match.
struct RequestPath(String);

impl<'de> Deserialize<'de> for RequestPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match parse_template(&s) {
            Ok(_) => Ok(RequestPath(s)),
            Err(why) => Err(de::Error::custom(format!(
                "the path {} is not a path template: {why}",
                quoted(&s)
            ))),
        }
    }
}

/// `displayTitle`: `<Group> permissions for "<title>"`; only the group is used.
struct DisplayGroup(Group);

impl<'de> Deserialize<'de> for DisplayGroup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.split_once(" permissions for ")
            .and_then(|(word, _)| Group::parse(word))
            .map(DisplayGroup)
            .ok_or_else(|| {
                de::Error::custom(format!(
                    "the displayTitle {} does not start with `Repository`, `Organization`, `User` or `Enterprise` `permissions for`",
                    quoted(&s)
                ))
            })
    }
}

#[derive(Deserialize)]
struct PermEntryDoc<R> {
    title: String,
    #[serde(rename = "displayTitle")]
    group: DisplayGroup,
    permissions: Vec<R>,
}

/// A record of `fine-grained-pat-permissions.json`.
#[derive(Deserialize)]
struct PatRecordDoc {
    category: String,
    slug: String,
    subcategory: String,
    verb: Verb,
    #[serde(rename = "requestPath")]
    path: RequestPath,
    #[serde(rename = "additional-permissions")]
    additional: bool,
    access: Access,
}

/// A record of `server-to-server-permissions.json`: a PAT record plus the kinds of app token
/// it applies to.
#[derive(Deserialize)]
struct AppRecordDoc {
    #[serde(flatten)]
    record: PatRecordDoc,
    #[serde(rename = "user-to-server")]
    user_to_server: bool,
    #[serde(rename = "server-to-server")]
    server_to_server: bool,
}

impl PatRecordDoc {
    fn into_record(self, kinds: Vec<Kind>) -> Record {
        Record {
            category: self.category,
            slug: self.slug,
            subcategory: self.subcategory,
            method: self.verb.0,
            path: self.path.0,
            access: self.access,
            additional: self.additional,
            kinds,
        }
    }
}

/// The permissions of a permission file, each record turned into a `Record` by `record`.
fn permissions<R>(doc: Entries<PermId, PermEntryDoc<R>>, record: impl Fn(R) -> Record) -> Parsed {
    Parsed::Permissions(
        doc.0
            .into_iter()
            .map(|(id, e)| Permission {
                id: id.0,
                title: e.title,
                group: e.group.0,
                records: e.permissions.into_iter().map(&record).collect(),
            })
            .collect(),
    )
}

/// An operation of `fine-grained-pat.json`.
#[derive(Deserialize)]
struct PatOpDoc {
    slug: String,
    verb: Verb,
    #[serde(rename = "requestPath")]
    path: RequestPath,
}

/// An operation of a REST category file (its other fields are skipped unread).
#[derive(Deserialize)]
struct RestOpDoc {
    verb: Verb,
    #[serde(rename = "requestPath")]
    path: RequestPath,
    #[serde(default)]
    title: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    subcategory: String,
    #[serde(rename = "progAccess", default)]
    prog_access: Option<ProgAccessDoc>,
}

#[derive(Deserialize)]
struct ProgAccessDoc {
    #[serde(rename = "userToServerRest")]
    user_to_server: bool,
    #[serde(rename = "serverToServer")]
    server_to_server: bool,
    #[serde(rename = "fineGrainedPat")]
    fine_grained_pat: bool,
    #[serde(default)]
    permissions: Vec<Entries<PermKey, Access>>,
}

/// A REST category file's permission name: `"<Title>" <group> permissions`, or
/// `<Title> permissions` for a permission without a group.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct PermKey {
    raw: String,
    title: String,
    group: Group,
}

impl AsRef<str> for PermKey {
    fn as_ref(&self) -> &str {
        &self.raw
    }
}

impl PermKey {
    fn parse(raw: &str) -> Option<PermKey> {
        let (title, group) = match raw.strip_prefix('"') {
            Some(rest) => {
                let (title, tail) = rest.rsplit_once("\" ")?;
                let word = tail.strip_suffix(" permissions")?;
                (title, Group::parse(word)?)
            }
            None => (raw.strip_suffix(" permissions")?, Group::Other),
        };
        let title = title.trim();
        (!title.is_empty()).then(|| PermKey {
            raw: raw.to_owned(),
            title: title.to_owned(),
            group,
        })
    }
}

impl<'de> Deserialize<'de> for PermKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PermKey::parse(&s).ok_or_else(|| {
            de::Error::custom(format!(
                "the permission {} is not of the form `\"Title\" repository permissions`",
                quoted(&s)
            ))
        })
    }
}

/// One record of a permission file, whichever file.
struct Record {
    category: String,
    slug: String,
    subcategory: String,
    method: &'static str,
    path: String,
    access: Access,
    additional: bool,
    /// The kinds of token the record is for.
    kinds: Vec<Kind>,
}

struct Permission {
    id: String,
    title: String,
    group: Group,
    records: Vec<Record>,
}

struct RestOp {
    method: &'static str,
    path: String,
    title: String,
    category: String,
    subcategory: String,
    /// Per kind (table order): whether such a token can call it.
    callable: [bool; 3],
    sets: Vec<Vec<(PermKey, Access)>>,
}

/// An operation a fine-grained PAT can call: (path, method, slug).
type PatOp = (String, &'static str, String);

/// A file, read.
enum Parsed {
    Permissions(Vec<Permission>),
    PatOperations(Vec<PatOp>),
    Rest {
        ops: Vec<RestOp>,
        without_access: usize,
    },
}

fn parse(file: &SourceFile) -> Result<(Shape, Parsed), InputError> {
    let shape = serde_json::from_str::<Detect>(&file.text)
        .map_err(|e| json_error(file, &e, false, Some(SHAPES_HELP.into())))?
        .0;
    let located = |e: serde_json::Error| {
        json_error(
            file,
            &e,
            true,
            Some(format!(
                "the file looks like GitHub's {}; this entry does not fit it",
                shape.describe()
            )),
        )
    };
    let parsed = match shape {
        Shape::PatPermissions => {
            let doc: Entries<PermId, PermEntryDoc<PatRecordDoc>> =
                serde_json::from_str(&file.text).map_err(located)?;
            permissions(doc, |r| r.into_record(vec![Kind::FineGrainedPat]))
        }
        Shape::AppPermissions => {
            let doc: Entries<PermId, PermEntryDoc<AppRecordDoc>> =
                serde_json::from_str(&file.text).map_err(located)?;
            permissions(doc, |r| {
                let kinds = [
                    (r.server_to_server, Kind::GithubApp),
                    (r.user_to_server, Kind::GithubAppUser),
                ]
                .into_iter()
                .filter_map(|(yes, kind)| yes.then_some(kind))
                .collect();
                r.record.into_record(kinds)
            })
        }
        Shape::PatOperations => {
            let doc: Entries<String, Vec<PatOpDoc>> =
                serde_json::from_str(&file.text).map_err(located)?;
            Parsed::PatOperations(
                doc.0
                    .into_iter()
                    .flat_map(|(_, ops)| ops)
                    .map(|op| (op.path.0, op.verb.0, op.slug))
                    .collect(),
            )
        }
        Shape::RestCategory => {
            let doc: Entries<String, Vec<RestOpDoc>> =
                serde_json::from_str(&file.text).map_err(located)?;
            let mut without_access = 0;
            let mut ops = Vec::new();
            for op in doc.0.into_iter().flat_map(|(_, ops)| ops) {
                let Some(access) = op.prog_access else {
                    without_access += 1;
                    continue;
                };
                ops.push(RestOp {
                    method: op.verb.0,
                    path: op.path.0,
                    title: op.title,
                    category: op.category,
                    subcategory: op.subcategory,
                    callable: [
                        access.fine_grained_pat,
                        access.server_to_server,
                        access.user_to_server,
                    ],
                    sets: access.permissions.into_iter().map(|s| s.0).collect(),
                });
            }
            Parsed::Rest {
                ops,
                without_access,
            }
        }
    };
    Ok((shape, parsed))
}

// ---------------------------------------------------------------------------------------------
// The model the table is built from

/// A permission of the table: from a permission file, or derived from a REST category file.
struct PermInfo {
    title: String,
    group: Group,
    levels: BTreeSet<Access>,
}

/// One record of an operation for one kind.
#[derive(Clone, Debug)]
struct Rec {
    id: String,
    access: Access,
    additional: bool,
}

/// The exact permission data of an operation (a REST category file).
struct Exact {
    file: String,
    title: String,
    category: String,
    subcategory: String,
    callable: [bool; 3],
    sets: Vec<Vec<(String, Access)>>,
}

#[derive(Default)]
struct Op {
    method: &'static str,
    path: String,
    /// Flattened records per kind (table order).
    records: [Vec<Rec>; 3],
    /// (category, subcategory, slug) as the permission files give them.
    docs: BTreeSet<(String, String, String)>,
    exact: Option<Exact>,
}

/// Which of the four readings of a flattened `additional-permissions: true` operation applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    OnlyOne,
    Repeated,
    AnyOf,
    AllOf,
}

/// What one kind of token needs for one operation, and how that is known.
#[derive(Clone, Debug, PartialEq, Eq)]
struct KindReq {
    alternatives: Vec<Vec<(String, Access)>>,
    /// `Some` for an inference from flattened data.
    inferred: Option<(Case, String)>,
}

impl KindReq {
    fn known(alternatives: Vec<Vec<(String, Access)>>) -> KindReq {
        KindReq {
            alternatives,
            inferred: None,
        }
    }
}

/// What the flattened records of one operation say for one kind (`records` not empty).
fn infer(records: &[Rec]) -> KindReq {
    if let [only] = records
        && !only.additional
    {
        return KindReq::known(vec![vec![(only.id.clone(), only.access)]]);
    }
    // id → (times listed, lowest access)
    let mut by_id: BTreeMap<&str, (usize, Access)> = BTreeMap::new();
    for r in records {
        let entry = by_id.entry(&r.id).or_insert((0, r.access));
        entry.0 += 1;
        entry.1 = entry.1.min(r.access);
    }
    let grant = |id: &str, access: Access| format!("`{id}:{}`", access.name());
    let listed: Vec<String> = by_id.iter().map(|(id, (_, a))| grant(id, *a)).collect();
    let repeated: Vec<(&str, usize, Access)> = by_id
        .iter()
        .filter(|(_, (n, _))| *n > 1)
        .map(|(id, (n, a))| (*id, *n, *a))
        .collect();
    let only = if by_id.len() == 1 {
        by_id.iter().next()
    } else {
        None
    };
    let (case, alternatives, reason) = if let Some((id, (_, access))) = only {
        (
            Case::OnlyOne,
            vec![vec![((*id).to_owned(), *access)]],
            format!(
                "GitHub lists this operation only under {} but marks it as needing other permissions, which its flattened data does not name (it leaves out `metadata` in such cases); treated as needing {} alone",
                grant(id, *access),
                grant(id, *access)
            ),
        )
    } else if let [(id, times, access)] = repeated[..] {
        let others: Vec<String> = by_id
            .iter()
            .filter(|(other, _)| **other != id)
            .map(|(other, (_, a))| grant(other, *a))
            .collect();
        (
            Case::Repeated,
            vec![vec![(id.to_owned(), access)]],
            format!(
                "GitHub lists this operation {times} times under `{id}` and once under {}, the pattern of the permission sets [{id}] or [{id} and the others]; treated as needing {} alone, with {} needed only in some cases (the flattened data does not say which)",
                others.join(", "),
                grant(id, access),
                others.join(", ")
            ),
        )
    } else {
        let levels: BTreeSet<Access> = by_id.values().map(|(_, a)| *a).collect();
        if levels.len() == 1 {
            (
                Case::AnyOf,
                by_id
                    .iter()
                    .map(|(id, (_, a))| vec![((*id).to_owned(), *a)])
                    .collect(),
                format!(
                    "listed under {} permissions at the same level ({}), and GitHub's flattened data does not say whether one or all are needed; treated as any one of them; it may need all of them",
                    by_id.len(),
                    listed.join(", ")
                ),
            )
        } else {
            (
                Case::AllOf,
                vec![
                    by_id
                        .iter()
                        .map(|(id, (_, a))| ((*id).to_owned(), *a))
                        .collect(),
                ],
                format!(
                    "listed under {} permissions at different levels ({}), and GitHub's flattened data does not say whether one or all are needed; treated as needing all of them",
                    by_id.len(),
                    listed.join(", ")
                ),
            )
        }
    };
    KindReq {
        alternatives,
        inferred: Some((case, reason)),
    }
}

/// Why flattened records cannot have come from the exact sets, if they cannot.
fn contradiction(
    exact: &[Vec<(String, Access)>],
    callable: bool,
    records: &[Rec],
) -> Option<String> {
    if records.is_empty() {
        return None;
    }
    if !callable {
        return Some("the REST reference says this kind of token cannot call it".into());
    }
    let exact_additional = exact.len() > 1 || exact.iter().any(|s| s.len() > 1);
    let flat_additional = records.len() > 1 || records.iter().any(|r| r.additional);
    if exact_additional != flat_additional {
        return Some(format!(
            "`additional-permissions` is {flat_additional} but the REST reference lists {} permission set(s) of {} permission(s)",
            exact.len(),
            exact.iter().map(Vec::len).sum::<usize>()
        ));
    }
    // Each set gives one record per permission (GitHub may leave some permissions out, never
    // add one): the records of a permission are exactly its occurrences in the sets.
    let mut flat: BTreeMap<(&str, Access), usize> = BTreeMap::new();
    for r in records {
        *flat.entry((&r.id, r.access)).or_default() += 1;
    }
    let mut sets: BTreeMap<(&str, Access), usize> = BTreeMap::new();
    for (id, access) in exact.iter().flatten() {
        *sets.entry((id, *access)).or_default() += 1;
    }
    let listed: BTreeSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
    sets.retain(|(id, _), _| listed.contains(id));
    (flat != sets).then(|| {
        let show = |m: &BTreeMap<(&str, Access), usize>| {
            m.iter()
                .map(|((id, a), n)| format!("{id}:{} ×{n}", a.name()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "the records list {} where the sets give {}",
            show(&flat),
            if sets.is_empty() {
                "none of them".to_owned()
            } else {
                show(&sets)
            }
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Building the table

/// The inputs, sorted by role.
#[derive(Default)]
struct Inputs {
    pat: Option<(String, Vec<Permission>)>,
    app: Option<(String, Vec<Permission>)>,
    pat_ops: Option<(String, Vec<PatOp>)>,
    rest: Vec<(String, Vec<RestOp>, usize)>,
}

pub(super) fn import(
    files: &[SourceFile],
    context: &Context,
) -> Result<(TableFile, Vec<String>), Vec<InputError>> {
    let mut errors = Vec::new();
    let mut inputs = Inputs::default();
    for file in files {
        let (shape, parsed) = match parse(file) {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let name = base_name(&file.path).to_owned();
        let twice = |first: &str| {
            InputError::at(
                file,
                file.span(0, 0),
                format!(
                    "a second {} (the first is {})",
                    shape.describe(),
                    quoted(first)
                ),
                "this file",
                Some("give each of GitHub's permission files once".into()),
            )
        };
        match (shape, parsed) {
            (Shape::PatPermissions, Parsed::Permissions(p)) => match &inputs.pat {
                Some((first, _)) => errors.push(twice(first)),
                None => inputs.pat = Some((name, p)),
            },
            (Shape::AppPermissions, Parsed::Permissions(p)) => match &inputs.app {
                Some((first, _)) => errors.push(twice(first)),
                None => inputs.app = Some((name, p)),
            },
            (_, Parsed::PatOperations(ops)) => match &inputs.pat_ops {
                Some((first, _)) => errors.push(twice(first)),
                None => inputs.pat_ops = Some((name, ops)),
            },
            (
                _,
                Parsed::Rest {
                    ops,
                    without_access,
                },
            ) => inputs.rest.push((name, ops, without_access)),
            (_, Parsed::Permissions(_)) => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Whatever order the files came in.
    inputs.rest.sort_by(|a, b| a.0.cmp(&b.0));
    build(inputs, context, files)
}

fn build(
    inputs: Inputs,
    context: &Context,
    files: &[SourceFile],
) -> Result<(TableFile, Vec<String>), Vec<InputError>> {
    let mut notes = Vec::new();
    let kinds: Vec<Kind> = {
        let mut k = Vec::new();
        if inputs.pat.is_some() {
            k.push(Kind::FineGrainedPat);
        }
        if inputs.app.is_some() {
            k.extend([Kind::GithubApp, Kind::GithubAppUser]);
        }
        if k.is_empty() && !inputs.rest.is_empty() {
            k.extend(KINDS);
        }
        k
    };
    if kinds.is_empty() {
        let file = files
            .first()
            .cloned()
            .unwrap_or_else(|| SourceFile::new("", ""));
        return Err(vec![InputError::at_unshown(
            &file,
            file.span(0, 0),
            "no permission data: fine-grained-pat.json says which operations a fine-grained PAT can call, not what they need",
            Some("add fine-grained-pat-permissions.json, server-to-server-permissions.json or REST category files".into()),
        )]);
    }

    // Permissions and records.
    let mut perms: BTreeMap<String, PermInfo> = BTreeMap::new();
    let mut ops: BTreeMap<(String, usize), Op> = BTreeMap::new();
    let method_rank = |m: &str| {
        METHODS
            .iter()
            .position(|x| *x == m)
            .unwrap_or(METHODS.len())
    };
    for (file, permissions) in [&inputs.pat, &inputs.app].into_iter().flatten() {
        for p in permissions {
            let info = perms.entry(p.id.clone()).or_insert_with(|| PermInfo {
                title: p.title.clone(),
                group: p.group,
                levels: BTreeSet::new(),
            });
            if info.title != p.title || info.group != p.group {
                notes.push(format!(
                    "{file} calls the permission `{}` {} ({}), another file {} ({}); the first is kept",
                    p.id,
                    quoted(&p.title),
                    p.group.area(),
                    quoted(&info.title),
                    info.group.area()
                ));
            }
            for r in &p.records {
                info.levels.insert(r.access);
                let op = ops
                    .entry((r.path.clone(), method_rank(r.method)))
                    .or_insert_with(|| Op {
                        method: r.method,
                        path: r.path.clone(),
                        ..Op::default()
                    });
                op.docs
                    .insert((r.category.clone(), r.subcategory.clone(), r.slug.clone()));
                for kind in &r.kinds {
                    op.records[kind.index()].push(Rec {
                        id: p.id.clone(),
                        access: r.access,
                        additional: r.additional,
                    });
                }
            }
        }
    }

    // Exact data from REST category files, their permission names resolved to ids.
    let mut by_title: HashMap<(String, Group), String> = HashMap::new();
    for (id, info) in &perms {
        by_title
            .entry((sentence_case(&info.title), info.group))
            .or_insert_with(|| id.clone());
    }
    let mut errors = Vec::new();
    for (file, rest_ops, without_access) in &inputs.rest {
        if *without_access > 0 {
            notes.push(format!(
                "{file}: {without_access} operation(s) have no fine-grained access data (`progAccess`) and were read from the permission files only"
            ));
        }
        for r in rest_ops {
            let mut sets = Vec::with_capacity(r.sets.len());
            for set in &r.sets {
                let mut resolved = Vec::with_capacity(set.len());
                for (key, access) in set {
                    match resolve(key, &mut by_title, &mut perms) {
                        Ok(id) => {
                            if let Some(info) = perms.get_mut(&id) {
                                info.levels.insert(*access);
                            }
                            resolved.push((id, *access));
                        }
                        Err(why) => errors.push(file_error(files, file, why)),
                    }
                }
                sets.push(resolved);
            }
            let op = ops
                .entry((r.path.clone(), method_rank(r.method)))
                .or_insert_with(|| Op {
                    method: r.method,
                    path: r.path.clone(),
                    ..Op::default()
                });
            if let Some(other) = &op.exact {
                errors.push(file_error(
                    files,
                    file,
                    format!(
                        "`{} {}` is described here and in {}",
                        r.method,
                        r.path,
                        quoted(&other.file)
                    ),
                ));
                continue;
            }
            op.exact = Some(Exact {
                file: file.clone(),
                title: r.title.clone(),
                category: r.category.clone(),
                subcategory: r.subcategory.clone(),
                callable: r.callable,
                sets,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // What fine-grained-pat.json lists that no permission record covers.
    if let Some((file, listed)) = &inputs.pat_ops {
        if inputs.pat.is_none() {
            notes.push(format!(
                "{file} is compared with fine-grained-pat-permissions.json, which was not given"
            ));
        } else {
            for (path, method, slug) in listed {
                let op = ops.get(&(path.clone(), method_rank(method)));
                let covered = op.is_some_and(|op| {
                    !op.records[Kind::FineGrainedPat.index()].is_empty()
                        || op
                            .exact
                            .as_ref()
                            .is_some_and(|e| e.callable[Kind::FineGrainedPat.index()])
                });
                if !covered {
                    let outcome = if op.is_some() {
                        "the table says fine-grained PATs cannot call it"
                    } else {
                        "it is left out of the table"
                    };
                    notes.push(format!(
                        "{file} lists `{method} {path}` ({slug}) as callable with a fine-grained PAT, but no permission record covers it; {outcome}"
                    ));
                }
            }
        }
    }

    // Requirements, per operation and kind.
    let default = kinds.first().copied().unwrap_or(Kind::FineGrainedPat);
    let mut endpoints = Vec::with_capacity(ops.len());
    for op in ops.values() {
        let mut reqs: Vec<(Kind, KindReq)> = Vec::with_capacity(kinds.len());
        for &kind in &kinds {
            let records = &op.records[kind.index()];
            let req = match &op.exact {
                Some(exact) => {
                    let callable = exact.callable[kind.index()];
                    if let Some(why) = contradiction(&exact.sets, callable, records) {
                        notes.push(format!(
                            "`{} {}`: {} contradicts the permission files for {} tokens ({why}); the REST reference is used",
                            op.method,
                            op.path,
                            exact.file,
                            kind.id()
                        ));
                    }
                    KindReq::known(match (callable, exact.sets.is_empty()) {
                        (false, _) => Vec::new(),
                        // "This endpoint does not require any permissions."
                        (true, true) => vec![Vec::new()],
                        (true, false) => exact.sets.clone(),
                    })
                }
                None if records.is_empty() => KindReq::known(Vec::new()),
                None => infer(records),
            };
            reqs.push((kind, req));
        }
        endpoints.push((op, reqs));
    }

    // Scopes.
    let mut scope_order: Vec<(&String, &PermInfo)> = perms.iter().collect();
    scope_order.sort_by(|a, b| {
        (a.1.group, a.1.title.to_lowercase(), a.0).cmp(&(b.1.group, b.1.title.to_lowercase(), b.0))
    });
    let scope_names = scope_names(&scope_order);
    let scopes: Vec<ScopeOut> = scope_order
        .iter()
        .zip(scope_names)
        .map(|((id, info), name)| scope_out(id, info, name))
        .collect();

    // Endpoints.
    let names = endpoint_names(&endpoints);
    let mut groups_used: BTreeSet<Group> = perms.values().map(|p| p.group).collect();
    let mut endpoint_outs = Vec::with_capacity(endpoints.len());
    for ((op, reqs), name) in endpoints.iter().zip(names) {
        let group = area_of(op, reqs, default, &perms);
        groups_used.insert(group);
        endpoint_outs.push(endpoint_out(op, reqs, name, group));
    }

    let areas = groups_used
        .iter()
        .map(|g| AreaOut {
            id: g.area().to_owned(),
            title: g.area_title().to_owned(),
        })
        .collect();

    let table = TableFile {
        api: "github".into(),
        title: "GitHub REST API".into(),
        provider: "GitHub".into(),
        token_dialog:
            "Settings → Developer settings → Personal access tokens → Fine-grained tokens".into(),
        source: source_line(&inputs, context),
        retrieved: context.retrieved.clone(),
        base_urls: FlowSeq(vec!["https://api.github.com".into()]),
        case_insensitive_paths: None,
        token_kinds: FlowSeq(kinds.iter().map(|k| k.id().to_owned()).collect()),
        always_granted: FlowSeq(always_granted(&perms)),
        scopes,
        areas,
        endpoints: endpoint_outs,
    };
    Ok((table, notes))
}

/// GitHub adds `Metadata: read` to every fine-grained token and every app installation
/// ("mandatory" in the token dialog), so no manifest has to list it and none holds it in excess.
/// Emitted only when the data knows the permission, so a partial import stays loadable.
fn always_granted(perms: &BTreeMap<String, PermInfo>) -> Vec<String> {
    match perms.get("metadata") {
        Some(_) => vec!["metadata:read".to_owned()],
        None => Vec::new(),
    }
}

/// An error about a whole input file, by base name (it has no better place).
fn file_error(files: &[SourceFile], name: &str, why: String) -> InputError {
    let file = files
        .iter()
        .find(|f| base_name(&f.path) == name)
        .cloned()
        .unwrap_or_else(|| SourceFile::new(name, ""));
    InputError::at(&file, file.span(0, 0), why, "in this file", None)
}

/// The id of a REST category file's permission name: the permission files' id for that title
/// and group, else one derived from the title (see the module documentation).
fn resolve(
    key: &PermKey,
    by_title: &mut HashMap<(String, Group), String>,
    perms: &mut BTreeMap<String, PermInfo>,
) -> Result<String, String> {
    let lookup = (sentence_case(&key.title), key.group);
    if let Some(id) = by_title.get(&lookup) {
        return Ok(id.clone());
    }
    let base = format!("{}{}", key.group.id_prefix(), snake_case(&key.title));
    if base.is_empty() || base.ends_with('_') {
        return Err(format!(
            "cannot derive a permission id from {}",
            quoted(&key.raw)
        ));
    }
    let id = [base.clone(), format!("{base}_{}", key.group.area())]
        .into_iter()
        .find(|id| !perms.contains_key(id))
        .ok_or_else(|| {
            format!(
                "cannot derive a permission id for {}: `{base}` is taken",
                quoted(&key.raw)
            )
        })?;
    perms.insert(
        id.clone(),
        PermInfo {
            title: key.title.clone(),
            group: key.group,
            levels: BTreeSet::new(),
        },
    );
    by_title.insert(lookup, id.clone());
    Ok(id)
}

/// GitHub's `sentenceCase`: the first character upper case.
fn sentence_case(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `Code scanning alerts` → `code_scanning_alerts` (ASCII letters and digits; anything else
/// separates words).
fn snake_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// Scope names as GitHub's token dialog shows them: the title, qualified by its group where
/// another permission has the same title, and by its id should that still repeat.
fn scope_names(scopes: &[(&String, &PermInfo)]) -> Vec<String> {
    let key = |s: &str| s.to_lowercase();
    let mut count: HashMap<String, usize> = HashMap::new();
    for (_, info) in scopes {
        *count.entry(key(&info.title)).or_default() += 1;
    }
    let first: Vec<String> = scopes
        .iter()
        .map(|(_, info)| {
            if count.get(&key(&info.title)).copied().unwrap_or(0) > 1 {
                format!("{} ({})", info.title, info.group.area())
            } else {
                info.title.clone()
            }
        })
        .collect();
    let mut again: HashMap<String, usize> = HashMap::new();
    for name in &first {
        *again.entry(key(name)).or_default() += 1;
    }
    scopes
        .iter()
        .zip(first)
        .map(|((id, info), name)| {
            if again.get(&key(&name)).copied().unwrap_or(0) > 1 {
                format!("{} ({}, {id})", info.title, info.group.area())
            } else {
                name
            }
        })
        .collect()
}

fn scope_out(id: &str, info: &PermInfo, name: String) -> ScopeOut {
    let levels: Vec<Access> = info.levels.iter().copied().collect();
    let risks = risk_of(id, &levels);
    let risk = match risks.as_slice() {
        [] => RiskOut::One(
            risk_of(id, &[Access::Read])
                .first()
                .map_or("low", |r| r.1.name()),
        ),
        [(_, class, _), rest @ ..] if rest.iter().all(|r| r.1 == *class) => {
            RiskOut::One(class.name())
        }
        _ => RiskOut::PerLevel(FlowMap(Ordered(
            risks
                .iter()
                .map(|(level, class, _)| (level.name().to_owned(), class.name()))
                .collect(),
        ))),
    };
    let risk_reason = (!risks.is_empty()).then(|| {
        risks
            .iter()
            .map(|(level, class, why)| format!("{}: {}, {why}", level.name(), class.name()))
            .collect::<Vec<_>>()
            .join("; ")
    });
    let group_word = match info.group {
        Group::Other => String::new(),
        g => format!("{} ", g.area()),
    };
    ScopeOut {
        name,
        id: id.to_owned(),
        area: info.group.area().to_owned(),
        levels: FlowSeq(levels.iter().map(|l| l.name().to_owned()).collect()),
        risk,
        summary: format!("GitHub {group_word}permission \"{}\"", info.title),
        risk_reason,
        aliases: FlowSeq(Vec::new()),
    }
}

/// Where an operation is documented: (category, subcategory, anchor).
fn docs_of(op: &Op) -> (String, String, Option<String>) {
    match (&op.exact, op.docs.first()) {
        (Some(e), Some((c, s, slug))) if *c == e.category && *s == e.subcategory => {
            (c.clone(), s.clone(), Some(slug.clone()))
        }
        (Some(e), _) => (
            e.category.clone(),
            e.subcategory.clone(),
            github_slug(&e.title),
        ),
        (None, Some((c, s, slug))) => (c.clone(), s.clone(), Some(slug.clone())),
        (None, None) => (String::new(), String::new(), None),
    }
}

/// The name an operation is known by, before names are made unique: the REST reference's
/// title, else the slug humanised (`create-an-issue-comment` → `Create an issue comment`).
fn base_endpoint_name(op: &Op) -> String {
    let name = match (&op.exact, docs_of(op).2) {
        (Some(e), _) if !e.title.trim().is_empty() => e.title.trim().to_owned(),
        (_, Some(slug)) if !slug.is_empty() => sentence_case(&slug.replace('-', " ")),
        _ => String::new(),
    };
    if name.is_empty() {
        format!("{} {}", op.method, op.path)
    } else {
        name
    }
}

/// Unique endpoint names: repeated names get ` (category)`, and where that still repeats, the
/// method and path too.
fn endpoint_names(endpoints: &[(&Op, Vec<(Kind, KindReq)>)]) -> Vec<String> {
    let key = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let counts = |names: &[String]| {
        let mut count: HashMap<String, usize> = HashMap::new();
        for n in names {
            *count.entry(key(n)).or_default() += 1;
        }
        count
    };
    let base: Vec<String> = endpoints
        .iter()
        .map(|(op, _)| base_endpoint_name(op))
        .collect();
    let count = counts(&base);
    let first: Vec<String> = endpoints
        .iter()
        .zip(&base)
        .map(|((op, _), name)| {
            let category = docs_of(op).0;
            if count.get(&key(name)).copied().unwrap_or(0) > 1 && !category.is_empty() {
                format!("{name} ({category})")
            } else {
                name.clone()
            }
        })
        .collect();
    let count = counts(&first);
    endpoints
        .iter()
        .zip(base)
        .zip(first)
        .map(|(((op, _), base), name)| {
            if count.get(&key(&name)).copied().unwrap_or(0) > 1 {
                let category = docs_of(op).0;
                if category.is_empty() {
                    format!("{base} ({} {})", op.method, op.path)
                } else {
                    format!("{base} ({category}, {} {})", op.method, op.path)
                }
            } else {
                name
            }
        })
        .collect()
}

/// The group of the first permission of the first alternative of the default kind's
/// requirement, else of another kind's; else one guessed from the path.
fn area_of(
    op: &Op,
    reqs: &[(Kind, KindReq)],
    default: Kind,
    perms: &BTreeMap<String, PermInfo>,
) -> Group {
    let first_id = |req: &KindReq| {
        req.alternatives
            .iter()
            .flatten()
            .next()
            .map(|(id, _)| id.clone())
    };
    let ordered = reqs
        .iter()
        .filter(|(k, _)| *k == default)
        .chain(reqs.iter().filter(|(k, _)| *k != default));
    ordered
        .filter_map(|(_, req)| first_id(req))
        .find_map(|id| perms.get(&id).map(|p| p.group))
        .unwrap_or_else(|| {
            match op
                .path
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or("")
            {
                "repos" => Group::Repository,
                "orgs" | "organizations" => Group::Organization,
                "enterprises" => Group::Enterprise,
                _ => Group::Account,
            }
        })
}

fn endpoint_out(op: &Op, reqs: &[(Kind, KindReq)], name: String, group: Group) -> EndpointOut {
    let render = |req: &KindReq| -> FlowSeq<Vec<Vec<String>>> {
        FlowSeq(
            req.alternatives
                .iter()
                .map(|alt| {
                    alt.iter()
                        .map(|(id, access)| format!("{id}:{}", access.name()))
                        .collect()
                })
                .collect(),
        )
    };
    let (requires, by_kind) = requires_per_kind(
        reqs.iter().map(|(kind, _)| kind.id()),
        reqs.iter().map(|(_, req)| render(req)),
    );
    // The reason of every kind whose requirement is inferred, once per distinct reason.
    let mut reasons: Vec<(Vec<&str>, &str)> = Vec::new();
    for (kind, req) in reqs {
        if let Some((_, reason)) = &req.inferred {
            match reasons.iter_mut().find(|(_, r)| *r == reason.as_str()) {
                Some((kinds, _)) => kinds.push(kind.id()),
                None => reasons.push((vec![kind.id()], reason)),
            }
        }
    }
    let all_inferred = reasons.len() == 1
        && reasons
            .first()
            .is_some_and(|(kinds, _)| kinds.len() == reqs.len());
    let evidence_reason = match reasons.as_slice() {
        [] => None,
        [(_, reason)] if all_inferred => Some(format!("{reason}.")),
        many => Some(
            many.iter()
                .map(|(kinds, reason)| format!("{}: {reason}.", kinds.join(", ")))
                .collect::<Vec<_>>()
                .join(" "),
        ),
    };
    let (category, subcategory, anchor) = docs_of(op);
    let safe = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let source = safe(&category).then(|| {
        let mut url = format!("https://docs.github.com/en/rest/{category}");
        if safe(&subcategory) {
            url.push('/');
            url.push_str(&subcategory);
        }
        if let Some(anchor) = anchor.filter(|a| safe(a)) {
            url.push('#');
            url.push_str(&anchor);
        }
        url
    });
    EndpointOut {
        name: Some(name),
        method: op.method.to_owned(),
        path: op.path.clone(),
        area: group.area().to_owned(),
        requires,
        least: None,
        requires_by_kind: by_kind,
        least_by_kind: Default::default(),
        evidence: evidence(evidence_reason.as_deref()),
        evidence_reason,
        source,
    }
}

/// github-slugger's anchor for a plain ASCII title: lower case, punctuation dropped, each
/// space a hyphen. `None` for other titles (the anchor is left out rather than guessed).
fn github_slug(title: &str) -> Option<String> {
    if !title.is_ascii() || title.trim().is_empty() {
        return None;
    }
    Some(
        title
            .chars()
            .filter_map(|c| match c {
                'A'..='Z' => Some(c.to_ascii_lowercase()),
                'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
                ' ' => Some('-'),
                _ => None,
            })
            .collect(),
    )
}

/// `source:`: the repository, then each file with the commit it came from.
fn source_line(inputs: &Inputs, context: &Context) -> String {
    let mut names: Vec<&str> = Vec::new();
    names.extend(inputs.pat.as_ref().map(|(n, _)| n.as_str()));
    names.extend(inputs.app.as_ref().map(|(n, _)| n.as_str()));
    names.extend(inputs.pat_ops.as_ref().map(|(n, _)| n.as_str()));
    names.extend(inputs.rest.iter().map(|(n, _, _)| n.as_str()));
    let files: Vec<String> = names.iter().map(|n| context.commits.label(n)).collect();
    format!("https://github.com/github/docs: {}", files.join(", "))
}

#[cfg(test)]
mod tests {
    use super::super::out::testing::{endpoint, requires};
    use super::*;

    fn import_files(files: &[(&str, &str)]) -> Result<(TableFile, Vec<String>), Vec<InputError>> {
        let files: Vec<SourceFile> = files
            .iter()
            .map(|(name, text)| SourceFile::new(*name, *text))
            .collect();
        import(&files, &Context::default())
    }

    fn table(files: &[(&str, &str)]) -> (TableFile, Vec<String>) {
        import_files(files).unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// A permission for the test files: (id, title, group word, records).
    type Perm<'a, R> = (&'a str, &'a str, &'a str, &'a [R]);

    /// A fine-grained PAT permission file; records are (verb, path, access, additional).
    fn pat_file(perms: &[Perm<'_, (&str, &str, &str, bool)>]) -> String {
        let entries: Vec<String> = perms
            .iter()
            .map(|(id, title, group, records)| {
                let records: Vec<String> = records
                    .iter()
                    .map(|(verb, path, access, additional)| {
                        format!(
                            r#"{{"category": "repos", "slug": "do-{verb}", "subcategory": "things", "verb": "{verb}", "requestPath": "{path}", "additional-permissions": {additional}, "access": "{access}"}}"#
                        )
                    })
                    .collect();
                format!(
                    r#""{id}": {{"title": "{title}", "displayTitle": "{group} permissions for \"{title}\"", "permissions": [{}]}}"#,
                    records.join(", ")
                )
            })
            .collect();
        format!("{{{}}}", entries.join(", "))
    }

    /// A GitHub App permission file: records are (verb, path, access, u2s, s2s, additional).
    /// A GitHub App record: (verb, path, access, user-to-server, server-to-server, additional).
    type AppRec<'a> = (&'a str, &'a str, &'a str, bool, bool, bool);

    fn app_file(perms: &[Perm<'_, AppRec<'_>>]) -> String {
        let entries: Vec<String> = perms
            .iter()
            .map(|(id, title, group, records)| {
                let records: Vec<String> = records
                    .iter()
                    .map(|(verb, path, access, u2s, s2s, additional)| {
                        format!(
                            r#"{{"category": "apps", "slug": "app-{verb}", "subcategory": "things", "verb": "{verb}", "requestPath": "{path}", "access": "{access}", "user-to-server": {u2s}, "server-to-server": {s2s}, "additional-permissions": {additional}}}"#
                        )
                    })
                    .collect();
                format!(
                    r#""{id}": {{"title": "{title}", "displayTitle": "{group} permissions for \"{title}\"", "permissions": [{}]}}"#,
                    records.join(", ")
                )
            })
            .collect();
        format!("{{{}}}", entries.join(", "))
    }

    fn reason(e: &EndpointOut) -> &str {
        assert_eq!(e.evidence, "inferred", "{:?}", e.name);
        e.evidence_reason.as_deref().unwrap_or("")
    }

    #[test]
    fn a_record_without_additional_permissions_is_documented_and_alone() {
        let f = pat_file(&[(
            "issues",
            "Issues",
            "Repository",
            &[("get", "/i", "read", false)],
        )]);
        let (t, _) = table(&[("p.json", &f)]);
        let e = endpoint(&t, "GET", "/i");
        assert_eq!(requires(e), [["issues:read"]]);
        assert_eq!(
            (e.evidence, e.evidence_reason.as_deref()),
            ("documented", None)
        );
    }

    #[test]
    fn case_one_permission_only() {
        let f = pat_file(&[(
            "pages",
            "Pages",
            "Repository",
            &[("post", "/p", "write", true)],
        )]);
        let (t, _) = table(&[("p.json", &f)]);
        let e = endpoint(&t, "POST", "/p");
        assert_eq!(requires(e), [["pages:write"]]);
        assert!(
            reason(e).contains("only under `pages:write`"),
            "{}",
            reason(e)
        );
    }

    #[test]
    fn case_one_permission_repeated_and_others_once() {
        let f = pat_file(&[
            (
                "contents",
                "Contents",
                "Repository",
                &[("put", "/c", "write", true), ("put", "/c", "write", true)],
            ),
            (
                "workflows",
                "Workflows",
                "Repository",
                &[("put", "/c", "write", true)],
            ),
        ]);
        let (t, _) = table(&[("p.json", &f)]);
        let e = endpoint(&t, "PUT", "/c");
        assert_eq!(requires(e), [["contents:write"]]);
        let why = reason(e);
        assert!(why.contains("2 times under `contents`"), "{why}");
        assert!(
            why.contains("`workflows:write` needed only in some cases"),
            "{why}"
        );
    }

    #[test]
    fn case_several_permissions_at_one_level_are_alternatives() {
        let f = pat_file(&[
            (
                "issues",
                "Issues",
                "Repository",
                &[("post", "/x", "write", true)],
            ),
            (
                "pull_requests",
                "Pull requests",
                "Repository",
                &[("post", "/x", "write", true)],
            ),
        ]);
        let (t, _) = table(&[("p.json", &f)]);
        let e = endpoint(&t, "POST", "/x");
        assert_eq!(requires(e), [["issues:write"], ["pull_requests:write"]]);
        assert!(reason(e).contains("treated as any one of them; it may need all of them"));
    }

    #[test]
    fn case_several_permissions_at_different_levels_are_all_needed() {
        let f = pat_file(&[
            (
                "members",
                "Members",
                "Organization",
                &[("put", "/o", "read", true)],
            ),
            (
                "organization_administration",
                "Administration",
                "Organization",
                &[("put", "/o", "write", true)],
            ),
        ]);
        let (t, _) = table(&[("p.json", &f)]);
        let e = endpoint(&t, "PUT", "/o");
        assert_eq!(
            requires(e),
            [["members:read", "organization_administration:write"]]
        );
        assert!(reason(e).contains("treated as needing all of them"));
        assert_eq!(e.area, "organization");
    }

    #[test]
    fn kinds_come_from_the_files_given_and_only_differences_are_listed() {
        let pat = pat_file(&[(
            "issues",
            "Issues",
            "Repository",
            &[("get", "/both", "read", false)],
        )]);
        let app = app_file(&[(
            "issues",
            "Issues",
            "Repository",
            &[
                ("get", "/both", "read", true, true, false),
                ("get", "/user-only", "read", true, false, false),
                ("get", "/nobody", "read", false, false, false),
            ],
        )]);
        // Either order gives the same table.
        let (t, _) = table(&[("s.json", &app), ("p.json", &pat)]);
        let (u, _) = table(&[("p.json", &pat), ("s.json", &app)]);
        assert_eq!(
            super::super::out::to_yaml(&t).ok(),
            super::super::out::to_yaml(&u).ok()
        );
        assert_eq!(
            t.token_kinds.0,
            ["fine-grained-pat", "github-app", "github-app-user"]
        );
        let both = endpoint(&t, "GET", "/both");
        assert_eq!(requires(both), [["issues:read"]]);
        assert!(both.requires_by_kind.0.is_empty());
        let user = endpoint(&t, "GET", "/user-only");
        assert!(
            requires(user).is_empty(),
            "a fine-grained PAT cannot call it"
        );
        let by_kind: Vec<(&str, Vec<Vec<String>>)> = user
            .requires_by_kind
            .0
            .iter()
            .map(|(k, r)| (k.as_str(), r.0.clone()))
            .collect();
        // github-app needs what the default needs (nothing can), so it is not listed.
        assert_eq!(
            by_kind,
            [("github-app-user", vec![vec!["issues:read".to_owned()]])]
        );
        let nobody = endpoint(&t, "GET", "/nobody");
        assert!(requires(nobody).is_empty() && nobody.requires_by_kind.0.is_empty());

        let (app_only, _) = table(&[("s.json", &app)]);
        assert_eq!(app_only.token_kinds.0, ["github-app", "github-app-user"]);
    }

    #[test]
    fn an_inference_for_one_kind_only_names_that_kind() {
        let pat = pat_file(&[(
            "x_meta",
            "X meta",
            "Repository",
            &[("post", "/r", "write", false)],
        )]);
        let app = app_file(&[
            (
                "x_meta",
                "X meta",
                "Repository",
                &[("post", "/r", "write", true, true, true)],
            ),
            (
                "contents",
                "Contents",
                "Repository",
                &[("post", "/r", "write", true, true, true)],
            ),
        ]);
        let (t, _) = table(&[("p.json", &pat), ("s.json", &app)]);
        let e = endpoint(&t, "POST", "/r");
        assert_eq!(requires(e), [["x_meta:write"]]);
        let why = reason(e);
        assert!(
            why.starts_with("github-app, github-app-user: listed under 2"),
            "{why}"
        );
    }

    const REST: &str = r#"{
  "refs": [
    {
      "serverUrl": "https://api.github.com",
      "verb": "post",
      "requestPath": "/repos/{owner}/{repo}/git/refs",
      "title": "Create a reference",
      "category": "git",
      "subcategory": "refs",
      "descriptionHTML": "<p>ignored</p>",
      "progAccess": {
        "userToServerRest": true,
        "serverToServer": true,
        "fineGrainedPat": false,
        "permissions": [
          {"\"Contents\" repository permissions": "write"},
          {"\"Contents\" repository permissions": "write", "\"Workflows\" repository permissions": "write"}
        ]
      }
    },
    {
      "verb": "get",
      "requestPath": "/orgs/{org}/runners",
      "title": "List self-hosted runners",
      "category": "actions",
      "subcategory": "self-hosted-runners",
      "progAccess": {
        "userToServerRest": true,
        "serverToServer": true,
        "fineGrainedPat": true,
        "permissions": [{"\"Self-hosted runners\" organization permissions": "read"}]
      }
    },
    {
      "verb": "get",
      "requestPath": "/meta",
      "title": "Get GitHub meta information",
      "category": "meta",
      "subcategory": "meta",
      "progAccess": {"userToServerRest": true, "serverToServer": true, "fineGrainedPat": true, "permissions": []}
    },
    {"verb": "get", "requestPath": "/no-access", "title": "No data", "category": "meta", "subcategory": "meta"}
  ]
}"#;

    #[test]
    fn rest_category_files_give_exact_sets_and_derived_ids() {
        let (t, notes) = table(&[("git.json", REST)]);
        assert_eq!(
            t.token_kinds.0,
            ["fine-grained-pat", "github-app", "github-app-user"]
        );
        let e = endpoint(&t, "POST", "/repos/{owner}/{repo}/git/refs");
        assert!(requires(e).is_empty(), "fineGrainedPat is false");
        let (kinds, alts): (Vec<&str>, Vec<Vec<Vec<String>>>) = e
            .requires_by_kind
            .0
            .iter()
            .map(|(k, r)| (k.as_str(), r.0.clone()))
            .unzip();
        assert_eq!(kinds, ["github-app", "github-app-user"]);
        for alt in alts {
            assert_eq!(
                alt,
                [
                    vec!["contents:write"],
                    vec!["contents:write", "workflows:write"]
                ]
            );
        }
        assert_eq!(
            (e.evidence, e.name.as_deref()),
            ("documented", Some("Create a reference"))
        );
        assert_eq!(
            e.source.as_deref(),
            Some("https://docs.github.com/en/rest/git/refs#create-a-reference")
        );
        let runners = endpoint(&t, "GET", "/orgs/{org}/runners");
        assert_eq!(
            requires(runners),
            [["organization_self_hosted_runners:read"]]
        );
        let meta = endpoint(&t, "GET", "/meta");
        assert_eq!(
            requires(meta),
            [Vec::<String>::new()],
            "no permission needed"
        );
        assert!(!t.endpoints.iter().any(|e| e.path == "/no-access"));
        assert!(
            notes
                .iter()
                .any(|n| n.contains("1 operation(s) have no fine-grained access data"))
        );
        let ids: Vec<&str> = t.scopes.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["contents", "workflows", "organization_self_hosted_runners"]
        );
    }

    #[test]
    fn exact_sets_replace_flattened_ones_and_contradictions_are_noted() {
        let pat = pat_file(&[
            (
                "contents",
                "Contents",
                "Repository",
                &[("get", "/orgs/{org}/runners", "read", false)],
            ),
            (
                "organization_self_hosted_runners",
                "Self-hosted runners",
                "Organization",
                &[("post", "/repos/{owner}/{repo}/git/refs", "write", true)],
            ),
        ]);
        let (t, notes) = table(&[("p.json", &pat), ("git.json", REST)]);
        let runners = endpoint(&t, "GET", "/orgs/{org}/runners");
        assert_eq!(
            requires(runners),
            [["organization_self_hosted_runners:read"]]
        );
        assert_eq!(runners.evidence, "documented");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("GET /orgs/{org}/runners") && n.contains("contents:read ×1")),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("cannot call it")),
            "the PAT file lists an operation the REST reference says PATs cannot call: {notes:?}"
        );
        assert_eq!(t.token_kinds.0, ["fine-grained-pat"]);
    }

    #[test]
    fn consistent_flattened_data_is_not_noted() {
        let flat = [
            (
                "contents",
                "Contents",
                "Repository",
                &[
                    (
                        "post",
                        "/repos/{owner}/{repo}/git/refs",
                        "write",
                        true,
                        true,
                        true,
                    ),
                    (
                        "post",
                        "/repos/{owner}/{repo}/git/refs",
                        "write",
                        true,
                        true,
                        true,
                    ),
                ][..],
            ),
            (
                "workflows",
                "Workflows",
                "Repository",
                &[(
                    "post",
                    "/repos/{owner}/{repo}/git/refs",
                    "write",
                    true,
                    true,
                    true,
                )][..],
            ),
        ];
        let app = app_file(&flat);
        let (_, notes) = table(&[("s.json", &app), ("git.json", REST)]);
        assert!(
            !notes.iter().any(|n| n.contains("contradicts")),
            "{notes:?}"
        );
    }

    #[test]
    fn repeated_titles_are_qualified_by_group() {
        let f = pat_file(&[
            (
                "secrets",
                "Secrets",
                "Repository",
                &[("get", "/a", "read", false)],
            ),
            (
                "organization_secrets",
                "Secrets",
                "Organization",
                &[("get", "/b", "read", false)],
            ),
            (
                "followers",
                "Followers",
                "User",
                &[("get", "/c", "read", false)],
            ),
        ]);
        let (t, _) = table(&[("p.json", &f)]);
        let names: Vec<&str> = t.scopes.iter().map(|s| s.name.as_ref()).collect();
        assert_eq!(
            names,
            [
                "Secrets (repository)",
                "Secrets (organization)",
                "Followers"
            ]
        );
        let areas: Vec<&str> = t.areas.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(areas, ["repository", "organization", "account"]);
        assert_eq!(
            t.scopes[2].summary,
            "GitHub account permission \"Followers\""
        );
    }

    #[test]
    fn repeated_endpoint_names_are_qualified() {
        let rec = |cat: &str, path: &str| {
            format!(
                r#"{{"category": "{cat}", "slug": "list-secrets", "subcategory": "s", "verb": "get", "requestPath": "{path}", "additional-permissions": false, "access": "read"}}"#
            )
        };
        let f = format!(
            r#"{{"secrets": {{"title": "Secrets", "displayTitle": "Repository permissions for \"Secrets\"", "permissions": [{}, {}, {}]}}}}"#,
            rec("actions", "/a"),
            rec("dependabot", "/b"),
            rec("dependabot", "/c")
        );
        let (t, _) = table(&[("p.json", &f)]);
        let names: Vec<&str> = t
            .endpoints
            .iter()
            .filter_map(|e| e.name.as_deref())
            .collect();
        assert_eq!(
            names,
            [
                "List secrets (actions)",
                "List secrets (dependabot, GET /b)",
                "List secrets (dependabot, GET /c)"
            ]
        );
    }

    #[test]
    fn risk_follows_the_table_and_never_falls() {
        let classes = |id: &str, levels: &[Access]| -> Vec<&str> {
            risk_of(id, levels).iter().map(|r| r.1.name()).collect()
        };
        let all = [Access::Read, Access::Write, Access::Admin];
        assert_eq!(classes("issues", &all), ["low", "medium", "high"]);
        assert_eq!(classes("contents", &all[..2]), ["medium", "high"]);
        assert_eq!(
            classes("secret_scanning_alerts", &all[..2]),
            ["high", "high"]
        );
        assert_eq!(
            classes("organization_dependabot_secrets", &all[..2]),
            ["low", "high"]
        );
        assert_eq!(classes("codespaces_user_secrets", &all[1..2]), ["high"]);
        assert_eq!(classes("security_events", &all[..1]), ["medium"]);
        for row in RISKS {
            let id = match row.covers {
                Covers::Id(id) => id,
                Covers::SecretsWord => "secrets",
            };
            let r = risk_of(id, &all);
            assert!(r.windows(2).all(|w| w[0].1 <= w[1].1), "{id}");
        }
    }

    #[test]
    fn files_of_no_known_shape_are_located_errors() {
        let cases = [
            ("not json", "this is not JSON\n"),
            ("a list", "[1, 2]"),
            ("empty", "{}"),
            ("wrong shape", "{\"a\": {\"b\": 1}}"),
            (
                "records without access",
                "{\"a\": {\"title\": \"A\", \"displayTitle\": \"x\", \"permissions\": [{\"verb\": \"get\"}]}}",
            ),
            (
                "bad access",
                &pat_file(&[(
                    "issues",
                    "Issues",
                    "Repository",
                    &[("get", "/i", "reed", false)],
                )]),
            ),
            (
                "bad id",
                &pat_file(&[(
                    "Issues",
                    "Issues",
                    "Repository",
                    &[("get", "/i", "read", false)],
                )]),
            ),
            (
                "bad path",
                &pat_file(&[(
                    "issues",
                    "Issues",
                    "Repository",
                    &[("get", "i", "read", false)],
                )]),
            ),
        ];
        for (what, text) in cases {
            let errors = import_files(&[("f.json", text)]).err().unwrap_or_default();
            assert_eq!(errors.len(), 1, "{what}");
            assert!(
                errors.iter().all(|e| e.line_column().is_some()),
                "{what}: {errors:?}"
            );
        }
    }

    #[test]
    fn two_files_of_one_kind_are_refused() {
        let f = pat_file(&[(
            "issues",
            "Issues",
            "Repository",
            &[("get", "/i", "read", false)],
        )]);
        let errors = import_files(&[("a.json", &f), ("b.json", &f)])
            .err()
            .unwrap_or_default();
        assert!(
            errors.iter().any(|e| e.to_string().contains("a second")),
            "{errors:?}"
        );
    }

    #[test]
    fn anchors_follow_github_slugger_for_ascii_titles() {
        assert_eq!(
            github_slug("Get a GitHub Pages site").as_deref(),
            Some("get-a-github-pages-site")
        );
        assert_eq!(
            github_slug("Create or update an environment's secret").as_deref(),
            Some("create-or-update-an-environments-secret")
        );
        assert_eq!(github_slug("Café"), None);
        assert_eq!(snake_case("Self-hosted runners"), "self_hosted_runners");
        assert_eq!(
            PermKey::parse("\"Contents\" repository permissions").map(|k| k.group),
            Some(Group::Repository)
        );
        assert_eq!(PermKey::parse("Contents").map(|k| k.title), None);
    }
}
