//! `msgraph`: Microsoft Graph's `permissions.json` (microsoftgraph/microsoft-graph-devx-content,
//! `permissions/new/`; its schema is kibali's `specs/permissions.md`).
//!
//! The file is permission-centric: each permission lists *path sets*, each granting some HTTP
//! methods on some paths to tokens of some schemes. The table is endpoint-centric, so the
//! importer inverts it: every (method, path) becomes an endpoint, and every permission whose
//! path set covers it, for a scheme, becomes one alternative of that scheme's requirement (any
//! one permission suffices, as kibali's `AuthZChecker` reads the file).
//!
//! - **Token kinds** are the schemes: `delegated-work` (`DelegatedWork`, a signed-in work or
//!   school account; the default), `delegated-personal` (`DelegatedPersonal`, a personal
//!   Microsoft account) and `application` (`Application`, app-only).
//! - **Least privilege.** A path's value `least=<schemes>` marks the permission as Microsoft's
//!   least-privileged choice for that path and scheme. Those alternatives come first, and
//!   `least:`/`least_by_kind:` count them: the minimal set prefers them (see `cover`).
//! - **Risk** comes from `privilegeLevel` (1 least … 5 most privileged, per scheme), taking a
//!   permission's highest: 1–2 low, 3 medium, 4–5 high; a permission without one is medium.
//! - **`AlsoRequires=A,B`** on a path: more permissions needed with this one. kibali does not
//!   evaluate it and the comma's meaning is not specified, so such a requirement is
//!   `evidence: inferred`. A list of permissions of one resource (`X.Read.All,X.ReadWrite.All`:
//!   the second covers the first) is read as *one of* them, any other list as *all of* them.
//! - **Paths** are matched without regard to case (`case_insensitive_paths: true`): they are
//!   written in lower case, and paths that differ only in case or in parameter names are one
//!   endpoint. A path whose parameter is part of a segment (OData functions such as
//!   `getByPath(path={value})`, drive paths such as `root:/{item-path}:`) or that holds a query
//!   cannot be a table template; such paths are left out and counted in a note.
//! - No implications: the file states none.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::FlowSeq;

use super::out::{
    AreaOut, ByKind, EndpointOut, LeastByKind, RiskOut, ScopeOut, TableFile, evidence,
};
use super::routes::{Shape, shape};
use super::slug::dashed;
use super::{Context, base_name, json_error, quoted};
use crate::error::InputError;
use crate::source::SourceFile;
use crate::table::{METHODS, parse_template};

/// The schemes, in table order: the first is the default token kind.
const KINDS: [(&str, &str); 3] = [
    ("DelegatedWork", "delegated-work"),
    ("DelegatedPersonal", "delegated-personal"),
    ("Application", "application"),
];

/// How many example paths a note about skipped paths names.
const EXAMPLES: usize = 5;

const HELP: &str = "msgraph reads Microsoft Graph's `permissions/new/permissions.json` \
     (microsoftgraph/microsoft-graph-devx-content): {\"permissions\": {NAME: {schemes, pathSets}}}";

// ---------------------------------------------------------------------------------------------
// The file

#[derive(Deserialize)]
struct Doc {
    #[serde(rename = "$schema")]
    _schema: Option<IgnoredAny>,
    permissions: BTreeMap<String, PermissionDoc>,
    /// Lower-case name → the name kept (filled by [`merge_case`]).
    #[serde(skip)]
    by_lower: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PermissionDoc {
    authorization_type: Option<String>,
    #[serde(default)]
    schemes: BTreeMap<String, SchemeDoc>,
    #[serde(default)]
    path_sets: Vec<PathSetDoc>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SchemeDoc {
    admin_display_name: Option<String>,
    user_display_name: Option<String>,
    #[serde(default)]
    requires_admin_consent: bool,
    privilege_level: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PathSetDoc {
    #[serde(default)]
    scheme_keys: Vec<String>,
    #[serde(default)]
    methods: Vec<String>,
    #[serde(default)]
    paths: BTreeMap<String, String>,
}

// ---------------------------------------------------------------------------------------------
// What the importer collects

/// One permission accepted for an endpoint and kind, with what the path value said.
#[derive(Clone, Debug, Default)]
struct Grant {
    /// The fewest methods of a path set marking this permission least-privileged here (0:
    /// none marks it).
    least: usize,
    /// `AlsoRequires=` permissions, as listed.
    also: Option<Vec<String>>,
}

/// An endpoint: the (method, path shape) every spelling of one path folds into.
#[derive(Default)]
struct EndpointAcc {
    /// The spellings seen, in lower case; the first in order is written.
    paths: BTreeSet<String>,
    /// Per kind (index into [`KINDS`]): permission → what its paths said.
    by_kind: [BTreeMap<String, Grant>; 3],
}

/// Notes about what was left out, summed up once each.
#[derive(Default)]
struct Skipped {
    paths: BTreeSet<String>,
    methods: BTreeSet<String>,
    schemes: BTreeSet<String>,
    keys: BTreeSet<String>,
    unknown_also: BTreeSet<String>,
    levels: BTreeSet<String>,
    merged: BTreeSet<String>,
}

pub(super) fn import(
    files: &[SourceFile],
    context: &Context,
) -> Result<(TableFile, Vec<String>), Vec<InputError>> {
    let [file] = files else {
        let file = files
            .get(1)
            .cloned()
            .unwrap_or_else(|| SourceFile::new("permissions.json", ""));
        return Err(vec![InputError::at_unshown(
            &file,
            file.span(0, 0),
            format!(
                "msgraph reads one file, permissions.json; {} were given",
                files.len()
            ),
            Some(HELP.into()),
        )]);
    };
    let doc: Doc = serde_json::from_str(&file.text)
        .map_err(|e| vec![json_error(file, &e, false, Some(HELP.into()))])?;
    if doc.permissions.is_empty() {
        return Err(vec![InputError::at_unshown(
            file,
            file.span(0, 0),
            "this file lists no permissions",
            Some(HELP.into()),
        )]);
    }
    let mut skipped = Skipped::default();
    let doc = merge_case(doc, &mut skipped);
    let names = scope_ids(&doc, file)?;
    let endpoints = invert(&doc, &mut skipped);
    let table = build(&doc, &names, &endpoints, file, context, &mut skipped);
    Ok((table, notes(&skipped)))
}

/// Permissions whose names differ only in case are one scope (the file has
/// `Calls.JoinGroupCallAsGuest.All` and `Calls.JoinGroupCallasGuest.All`): a manifest could
/// not tell them apart. The first name in byte order keeps its description; the path sets of
/// both, and any scheme only the other describes, are kept.
fn merge_case(doc: Doc, skipped: &mut Skipped) -> Doc {
    let mut merged: BTreeMap<String, PermissionDoc> = BTreeMap::new();
    let mut by_lower: HashMap<String, String> = HashMap::new();
    for (name, perm) in doc.permissions {
        match by_lower.get(&name.to_ascii_lowercase()) {
            Some(first) => {
                skipped
                    .merged
                    .insert(format!("{} into {}", quoted(&name), quoted(first)));
                if let Some(kept) = merged.get_mut(first) {
                    for (scheme, s) in perm.schemes {
                        kept.schemes.entry(scheme).or_insert(s);
                    }
                    kept.path_sets.extend(perm.path_sets);
                }
            }
            None => {
                by_lower.insert(name.to_ascii_lowercase(), name.clone());
                merged.insert(name, perm);
            }
        }
    }
    Doc {
        _schema: None,
        permissions: merged,
        by_lower,
    }
}

/// Each permission's scope id (its name in lower case, anything but letters and digits a
/// `-`): ids and names must be unique however they are typed.
fn scope_ids(doc: &Doc, file: &SourceFile) -> Result<HashMap<String, String>, Vec<InputError>> {
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut seen: HashMap<String, &str> = HashMap::new();
    let mut errors = Vec::new();
    for name in doc.permissions.keys() {
        let id = dashed(name);
        let bad = name.trim().is_empty()
            || name.len() > 200
            || name.chars().any(char::is_control)
            || !id.bytes().any(|b| b.is_ascii_alphanumeric());
        if bad {
            errors.push(InputError::at_unshown(
                file,
                file.span(0, 0),
                format!("{} is not a permission name", quoted(name)),
                Some("Graph permission names look like `Mail.Read`".into()),
            ));
            continue;
        }
        for key in [id.clone(), name.to_ascii_lowercase()] {
            if let Some(first) = seen.insert(key, name)
                && first != name
            {
                errors.push(InputError::at_unshown(
                    file,
                    file.span(0, 0),
                    format!(
                        "permissions {} and {} differ only in case or punctuation, so a \
                         manifest could not tell them apart",
                        quoted(first),
                        quoted(name)
                    ),
                    None,
                ));
            }
        }
        ids.insert(name.clone(), id);
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(errors)
    }
}

/// `least=DelegatedWork,Application;AlsoRequires=X.Read.All`: the schemes it is least for
/// and the permissions also required.
fn path_value(value: &str, skipped: &mut Skipped) -> (Vec<String>, Option<Vec<String>>) {
    let mut least = Vec::new();
    let mut also = None;
    for pair in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let list = |v: &str| -> Vec<String> {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        match pair.split_once('=') {
            Some((key, v)) if key.trim().eq_ignore_ascii_case("least") => least = list(v),
            Some((key, v)) if key.trim().eq_ignore_ascii_case("alsorequires") => {
                also = Some(list(v)).filter(|l| !l.is_empty());
            }
            _ => {
                skipped.keys.insert(quoted(pair));
            }
        }
    }
    (least, also)
}

/// The endpoints: every (method, path) any permission grants, with who grants it.
fn invert(doc: &Doc, skipped: &mut Skipped) -> BTreeMap<(Shape, &'static str), EndpointAcc> {
    let mut endpoints: BTreeMap<(Shape, &'static str), EndpointAcc> = BTreeMap::new();
    for (name, perm) in &doc.permissions {
        for scheme in perm.schemes.keys() {
            if !KINDS.iter().any(|(s, _)| s == scheme) {
                skipped.schemes.insert(quoted(scheme));
            }
        }
        for set in &perm.path_sets {
            let kinds: Vec<usize> = set
                .scheme_keys
                .iter()
                .filter_map(|s| {
                    let k = KINDS.iter().position(|(k, _)| k == s);
                    if k.is_none() {
                        skipped.schemes.insert(quoted(s));
                    }
                    k
                })
                .collect();
            let mut methods: Vec<&'static str> = Vec::new();
            // The spec's example writes `"GET,POST"` as one entry.
            for m in set.methods.iter().flat_map(|m| m.split(',')) {
                let upper = m.trim().to_ascii_uppercase();
                match METHODS.iter().find(|&&k| k == upper) {
                    Some(&k) if !methods.contains(&k) => methods.push(k),
                    Some(_) => {}
                    None => {
                        skipped.methods.insert(quoted(m.trim()));
                    }
                }
            }
            for (path, value) in &set.paths {
                let lower = path.trim().to_ascii_lowercase();
                let Ok(segments) = parse_template(&lower) else {
                    skipped.paths.insert(path.clone());
                    continue;
                };
                let shape = shape(&segments);
                let (least, also) = path_value(value, skipped);
                for &method in &methods {
                    let acc = endpoints.entry((shape.clone(), method)).or_default();
                    acc.paths.insert(lower.clone());
                    for &k in &kinds {
                        let grant = acc.by_kind[k].entry(name.clone()).or_default();
                        if least.iter().any(|s| s == KINDS[k].0)
                            && (grant.least == 0 || methods.len() < grant.least)
                        {
                            grant.least = methods.len();
                        }
                        if also.is_some() {
                            grant.also.clone_from(&also);
                        }
                    }
                }
            }
        }
    }
    endpoints
}

/// The resource a permission is about: its name up to the first dot (`Mail.Read` → `Mail`).
fn resource(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// A resource's area id.
fn area_id(resource: &str) -> String {
    let id = dashed(resource);
    if id.is_empty() { "other".into() } else { id }
}

/// One alternative: the permissions needed together, and why it is inferred (if it is).
struct Alt {
    perms: Vec<String>,
    least: bool,
    reason: Option<String>,
}

/// The alternatives a kind's grants give, least-privileged first, then by the highest
/// privilege level they need and by name.
fn alternatives(
    grants: &BTreeMap<String, Grant>,
    doc: &Doc,
    kind: usize,
    skipped: &mut Skipped,
) -> Vec<Alt> {
    // A `least` mark belongs to a path, and a path set grants several methods: where path sets
    // of different widths mark permissions for the same path, the mark is read as meant for
    // the methods of the narrowest (`Mail.ReadBasic`'s GET-only set, not `Mail.ReadWrite`'s
    // GET-POST-PATCH-DELETE one, for `GET /me/messages`).
    let narrowest = grants.values().map(|g| g.least).filter(|&n| n > 0).min();
    let mut alts: Vec<Alt> = Vec::new();
    for (name, grant) in grants {
        let grant = &Grant {
            least: usize::from(narrowest.is_some_and(|n| grant.least == n)),
            also: grant.also.clone(),
        };
        let Some(also) = &grant.also else {
            alts.push(Alt {
                perms: vec![name.clone()],
                least: grant.least > 0,
                reason: None,
            });
            continue;
        };
        let known: Vec<&String> = also
            .iter()
            .filter_map(|a| {
                let found = doc.by_lower.get(&a.to_ascii_lowercase());
                if found.is_none() {
                    skipped.unknown_also.insert(quoted(a));
                }
                found.filter(|f| *f != name)
            })
            .collect();
        let listed = also.join(",");
        let one_resource =
            known.len() > 1 && known.iter().all(|a| resource(a) == resource(known[0]));
        if known.is_empty() {
            alts.push(Alt {
                perms: vec![name.clone()],
                least: grant.least > 0,
                reason: Some(format!(
                    "`AlsoRequires={listed}` on {name} names no permission of the file: read as {name} alone"
                )),
            });
        } else if one_resource {
            let reason = format!(
                "`AlsoRequires={listed}` on {name}: read as one of them (levels of one resource)"
            );
            for a in known {
                let mut perms = vec![name.clone(), a.clone()];
                perms.sort();
                alts.push(Alt {
                    perms,
                    least: grant.least > 0,
                    reason: Some(reason.clone()),
                });
            }
        } else {
            let mut perms: Vec<String> = std::iter::once(name.clone())
                .chain(known.into_iter().cloned())
                .collect();
            perms.sort();
            perms.dedup();
            alts.push(Alt {
                perms,
                least: grant.least > 0,
                reason: Some(format!(
                    "`AlsoRequires={listed}` on {name}: read as all of them (different resources)"
                )),
            });
        }
    }
    let level = |alt: &Alt| -> i64 {
        alt.perms
            .iter()
            .filter_map(|p| {
                doc.permissions
                    .get(p)?
                    .schemes
                    .get(KINDS[kind].0)?
                    .privilege_level
            })
            .max()
            .unwrap_or(i64::MAX)
    };
    alts.sort_by(|a, b| {
        b.least
            .cmp(&a.least)
            .then_with(|| level(a).cmp(&level(b)))
            .then_with(|| a.perms.cmp(&b.perms))
    });
    let mut seen = BTreeSet::new();
    alts.retain(|a| seen.insert(a.perms.clone()));
    alts
}

fn build(
    doc: &Doc,
    ids: &HashMap<String, String>,
    endpoints: &BTreeMap<(Shape, &'static str), EndpointAcc>,
    file: &SourceFile,
    context: &Context,
    skipped: &mut Skipped,
) -> TableFile {
    let mut areas: BTreeMap<String, String> = BTreeMap::new();
    let mut scopes = Vec::new();
    for (name, perm) in &doc.permissions {
        let area = area_id(resource(name));
        areas
            .entry(area.clone())
            .or_insert_with(|| resource(name).to_owned());
        scopes.push(scope_out(name, &ids[name], area, perm, skipped));
    }

    // Endpoints in path order, then method order, as people read an API reference.
    let mut order: Vec<(&String, usize, &EndpointAcc)> = endpoints
        .iter()
        .filter_map(|((_, method), acc)| {
            let m = METHODS.iter().position(|k| k == method)?;
            Some((acc.paths.first()?, m, acc))
        })
        .collect();
    order.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut endpoint_outs = Vec::with_capacity(order.len());
    for (path, m, acc) in order {
        if acc.by_kind.iter().all(BTreeMap::is_empty) {
            continue;
        }
        let method = METHODS[m];
        let per_kind: Vec<Vec<Alt>> = (0..KINDS.len())
            .map(|k| alternatives(&acc.by_kind[k], doc, k, skipped))
            .collect();
        let refs = |alts: &[Alt]| -> Vec<Vec<String>> {
            alts.iter()
                .map(|a| a.perms.iter().map(|p| ids[p].clone()).collect())
                .collect()
        };
        let least = |alts: &[Alt]| alts.iter().filter(|a| a.least).count();
        let default = refs(&per_kind[0]);
        let default_least = least(&per_kind[0]);
        let mut by_kind = Vec::new();
        let mut least_by_kind = Vec::new();
        for k in 1..KINDS.len() {
            let alts = refs(&per_kind[k]);
            let n = least(&per_kind[k]);
            if alts != default {
                by_kind.push((KINDS[k].1.to_owned(), FlowSeq(alts)));
                if n > 0 {
                    least_by_kind.push((KINDS[k].1.to_owned(), n));
                }
            } else if n != default_least {
                least_by_kind.push((KINDS[k].1.to_owned(), n));
            }
        }
        let reasons: BTreeSet<&str> = per_kind
            .iter()
            .flatten()
            .filter_map(|a| a.reason.as_deref())
            .collect();
        let area = per_kind
            .iter()
            .find_map(|alts| alts.first())
            .and_then(|a| a.perms.first())
            .map_or_else(|| "other".to_owned(), |p| area_id(resource(p)));
        areas
            .entry(area.clone())
            .or_insert_with(|| "Other".to_owned());
        let evidence_reason = (!reasons.is_empty()).then(|| {
            format!(
                "Microsoft does not define the comma of `AlsoRequires` and kibali does not evaluate it; {}",
                reasons.into_iter().collect::<Vec<_>>().join("; ")
            )
        });
        endpoint_outs.push(EndpointOut {
            // The loader names it `METHOD /path`.
            name: None,
            method: method.to_owned(),
            path: path.clone(),
            area,
            requires: FlowSeq(default),
            least: (default_least > 0).then_some(default_least),
            requires_by_kind: ByKind(by_kind),
            least_by_kind: LeastByKind(least_by_kind),
            evidence: evidence(evidence_reason.as_deref()),
            evidence_reason,
            source: None,
        });
    }

    let name = base_name(&file.path);
    let source = format!(
        "https://github.com/microsoftgraph/microsoft-graph-devx-content: permissions/new/{}",
        context.commits.label(name)
    );
    TableFile {
        api: "msgraph".into(),
        title: "Microsoft Graph".into(),
        provider: "Microsoft Entra ID".into(),
        token_dialog:
            "Microsoft Entra admin center → App registrations → your app → API permissions".into(),
        source,
        retrieved: context.retrieved.clone(),
        base_urls: FlowSeq(vec![
            "https://graph.microsoft.com/v1.0".into(),
            "https://graph.microsoft.com/beta".into(),
        ]),
        case_insensitive_paths: Some(true),
        token_kinds: FlowSeq(KINDS.iter().map(|(_, k)| (*k).to_owned()).collect()),
        always_granted: FlowSeq(Vec::new()),
        scopes,
        areas: areas
            .into_iter()
            .map(|(id, title)| AreaOut { id, title })
            .collect(),
        endpoints: endpoint_outs,
    }
}

/// A permission as a scope: its risk from its highest `privilegeLevel`.
fn scope_out(
    name: &str,
    id: &str,
    area: String,
    perm: &PermissionDoc,
    skipped: &mut Skipped,
) -> ScopeOut {
    let mut levels: Vec<String> = Vec::new();
    let mut highest: Option<i64> = None;
    let mut admin: Vec<&str> = Vec::new();
    for (scheme, kind) in KINDS {
        let Some(s) = perm.schemes.get(scheme) else {
            continue;
        };
        match s.privilege_level {
            Some(l) if (1..=5).contains(&l) => {
                highest = highest.max(Some(l));
                levels.push(format!("{kind} {l}"));
            }
            Some(l) => {
                skipped.levels.insert(format!("{name}: {l}"));
            }
            None => {}
        }
        if s.requires_admin_consent {
            admin.push(kind);
        }
    }
    let (risk, why) = match highest {
        Some(1 | 2) => ("low", "privilegeLevel 1–2"),
        Some(3) => ("medium", "privilegeLevel 3"),
        Some(_) => ("high", "privilegeLevel 4–5"),
        None => ("medium", "no privilegeLevel published: medium by default"),
    };
    let mut reason = why.to_owned();
    if !levels.is_empty() {
        reason.push_str(&format!(" ({})", levels.join(", ")));
    }
    if !admin.is_empty() {
        reason.push_str(&format!("; admin consent: {}", admin.join(", ")));
    }
    let display = KINDS
        .iter()
        .filter_map(|(s, _)| perm.schemes.get(*s))
        .find_map(|s| {
            s.admin_display_name
                .clone()
                .or_else(|| s.user_display_name.clone())
        })
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| format!("Microsoft Graph permission {name}"));
    let summary = match perm.authorization_type.as_deref() {
        Some("RSC") => format!("{display} (resource-specific consent)"),
        _ => display,
    };
    ScopeOut {
        name: name.to_owned(),
        id: id.to_owned(),
        area,
        levels: FlowSeq(Vec::new()),
        risk: RiskOut::One(risk),
        summary,
        risk_reason: Some(reason),
        aliases: FlowSeq(Vec::new()),
    }
}

fn notes(skipped: &Skipped) -> Vec<String> {
    let mut notes = Vec::new();
    if !skipped.paths.is_empty() {
        let examples: Vec<String> = skipped
            .paths
            .iter()
            .take(EXAMPLES)
            .map(|p| quoted(p))
            .collect();
        notes.push(format!(
            "{} paths left out: a parameter inside a segment or a query cannot be a table template (e.g. {})",
            skipped.paths.len(),
            examples.join(", ")
        ));
    }
    for (set, what) in [
        (&skipped.methods, "unknown HTTP methods ignored"),
        (&skipped.schemes, "unknown schemes ignored"),
        (&skipped.keys, "unknown path metadata ignored"),
        (
            &skipped.unknown_also,
            "`AlsoRequires` names no permission of the file",
        ),
        (&skipped.levels, "privilegeLevel outside 1–5 ignored"),
        (&skipped.merged, "permissions differing only in case merged"),
    ] {
        if !set.is_empty() {
            let shown: Vec<&str> = set.iter().take(EXAMPLES).map(String::as_str).collect();
            notes.push(format!(
                "{what}: {} ({} in all)",
                shown.join(", "),
                set.len()
            ));
        }
    }
    notes
}
