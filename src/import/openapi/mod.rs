//! `openapi`: an OpenAPI 3.0 or 3.1 document (JSON or YAML) turned into a table.
//!
//! Security requirements, as the OpenAPI specification defines them:
//!
//! - an operation's `security` is a list of Security Requirement Objects, of which any one
//!   suffices (alternatives); the schemes named in one object, and the scopes listed for a
//!   scheme, are all needed together;
//! - an empty object `{}` makes authentication optional: any token will do;
//! - `security: []` removes authentication from the operation;
//! - an operation without `security` inherits the document's global `security`; with neither,
//!   the document declares no authentication, which the table reads as "any token", marked
//!   `evidence: inferred` (a specification may simply have left it out).
//!
//! One scheme carries the scopes the table lists ([`choose_scheme`]): `--scheme NAME`, else the
//! document's only OAuth 2.0 / OpenID Connect scheme, else the only scheme whose requirements
//! list scopes (OpenAPI 3.1 roles). A requirement object that does not name it is a way in for
//! other credentials, not for a token of this scheme; an operation with no object naming it
//! cannot be called with such a token (`requires: []`). Other schemes named beside it in one
//! object (an API key besides the OAuth token) are credentials the table does not model; a
//! note counts them.
//!
//! A permission extension (`--permission-extension x-permission`, or a profile such as
//! `--profile datadog`) states each operation's permissions as `{operator: OR|AND|OPEN,
//! permissions}`, whatever credential carries them. The table then has two token kinds: the
//! keys whose permissions the extension states (the default) and tokens of the scope scheme,
//! which can only call operations with a requirement object naming that scheme.
//!
//! Scopes listed together that look like alternatives listed by mistake are reported
//! ([`suspect`]), never silently re-read; `--scopes-are-alternatives` reads every list of
//! scopes in one object as alternatives, marking those requirements `evidence: inferred`.
//!
//! Endpoints are named by `summary` (else `operationId`, else `METHOD path`), their area is
//! their first tag, and their path is the first server's path followed by the operation's path,
//! so that a URL's path resolves once its host is stripped.

mod profile;
mod spec;
mod suspect;

use std::collections::{HashMap, HashSet};

use serde_saphyr::FlowSeq;

use super::out::{
    AreaOut, EndpointOut, LeastByKind, RiskOut, ScopeOut, TableFile, evidence, requires_per_kind,
};
use super::routes::Routes;
use super::slug::{kebab, unique};
use super::{Context, base_name, quoted};
use crate::error::InputError;
use crate::source::SourceFile;
use profile::Profile;
use profile::{Permission, parse_permission, risk_of};
use spec::{Operation, Requirement, Spec};

/// Vendor profiles the command line can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileName {
    Datadog,
}

impl ProfileName {
    fn profile(self) -> &'static Profile {
        match self {
            ProfileName::Datadog => &profile::DATADOG,
        }
    }
}

/// The `openapi` flags.
#[derive(Clone, Debug, Default)]
pub struct OpenApiOptions {
    pub scheme: Option<String>,
    pub profile: Option<ProfileName>,
    pub permission_extension: Option<String>,
    pub scopes_are_alternatives: bool,
}

/// What one kind of token needs for one operation: alternatives of scope names, and why, when
/// the source does not state it exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
struct KindReq {
    alternatives: Vec<Vec<String>>,
    inferred: Option<String>,
}

impl KindReq {
    fn documented(alternatives: Vec<Vec<String>>) -> KindReq {
        KindReq {
            alternatives,
            inferred: None,
        }
    }

    fn inferred(alternatives: Vec<Vec<String>>, why: String) -> KindReq {
        KindReq {
            alternatives,
            inferred: Some(why),
        }
    }
}

/// Where an operation's security comes from.
enum Security<'a> {
    Own(&'a [Requirement]),
    Global(&'a [Requirement]),
    Undeclared,
}

impl<'a> Security<'a> {
    fn of(op: &'a Operation, spec: &'a Spec) -> Security<'a> {
        match (&op.security, &spec.security) {
            (Some(own), _) => Security::Own(own),
            (None, Some(global)) => Security::Global(global),
            (None, None) => Security::Undeclared,
        }
    }

    fn requirements(&self) -> &'a [Requirement] {
        match self {
            Security::Own(r) | Security::Global(r) => r,
            Security::Undeclared => &[],
        }
    }
}

pub(super) fn import(
    files: &[SourceFile],
    context: &Context,
    options: &OpenApiOptions,
) -> Result<(TableFile, Vec<String>), Vec<InputError>> {
    let [file] = files else {
        let file = files
            .get(1)
            .cloned()
            .unwrap_or_else(|| SourceFile::new("", ""));
        return Err(vec![InputError::at_unshown(
            &file,
            file.span(0, 0),
            "openapi reads one document; this is a second",
            Some("import each document into a table of its own".into()),
        )]);
    };
    let spec = spec::read(file).map_err(|e| vec![e])?;
    let profile = options.profile.map(ProfileName::profile);
    let extension = options
        .permission_extension
        .clone()
        .or_else(|| profile.map(|p| p.extension.to_owned()));
    let scheme =
        choose_scheme(&spec, file, options, profile, extension.is_some()).map_err(|e| vec![e])?;
    build(&spec, file, context, options, profile, extension, scheme)
}

/// The scheme whose scopes the table lists (see the module documentation); `None` only with a
/// permission extension and no scheme that carries scopes.
fn choose_scheme(
    spec: &Spec,
    file: &SourceFile,
    options: &OpenApiOptions,
    profile: Option<&Profile>,
    extension: bool,
) -> Result<Option<String>, InputError> {
    let mut known: Vec<&str> = spec.schemes.iter().map(|(n, _)| n.as_str()).collect();
    let referenced = spec.security.iter().flatten().chain(
        spec.operations
            .iter()
            .flat_map(|o| o.security.iter().flatten()),
    );
    let mut with_scopes: Vec<&str> = Vec::new();
    for requirement in referenced {
        for (name, scopes) in requirement {
            if !known.contains(&name.as_str()) {
                known.push(name);
            }
            if !scopes.is_empty() && !with_scopes.contains(&name.as_str()) {
                with_scopes.push(name);
            }
        }
    }
    let listing = if known.is_empty() {
        "it declares none".to_owned()
    } else {
        format!(
            "it has {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let wanted = options
        .scheme
        .as_deref()
        .or_else(|| profile.map(|p| p.scheme));
    if let Some(wanted) = wanted {
        return if known.contains(&wanted) {
            Ok(Some(wanted.to_owned()))
        } else {
            Err(InputError::BadFlag {
                flag: "--scheme",
                why: format!(
                    "the document has no security scheme {} ({listing})",
                    quoted(wanted)
                ),
            })
        };
    }
    let oauth: Vec<&str> = spec
        .schemes
        .iter()
        .filter(|(_, s)| matches!(s.kind.as_str(), "oauth2" | "openIdConnect"))
        .map(|(n, _)| n.as_str())
        .collect();
    let candidates = if oauth.is_empty() { with_scopes } else { oauth };
    match candidates.as_slice() {
        [one] => Ok(Some((*one).to_owned())),
        [] if extension => Ok(None),
        [] => Err(InputError::at(
            file,
            file.span(0, 0),
            format!("no security scheme of this document carries scopes ({listing})"),
            "this document",
            Some("pass `--scheme NAME` to list what the operations need of that scheme".into()),
        )),
        many => Err(InputError::at(
            file,
            file.span(0, 0),
            format!(
                "several security schemes carry scopes: {}",
                many.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "this document",
            Some("pass `--scheme NAME` to choose the one the table lists".into()),
        )),
    }
}

/// What a token of the scope scheme needs: the alternatives naming it.
fn scheme_req(
    security: &Security<'_>,
    scheme: &str,
    alternatives_flag: bool,
    extra_schemes: &mut usize,
) -> KindReq {
    let requirements = match security {
        Security::Undeclared => {
            return KindReq::inferred(
                vec![Vec::new()],
                "the document declares no security for this operation, neither its own nor a global one; read as callable with any token".into(),
            );
        }
        Security::Own([]) => return KindReq::documented(vec![Vec::new()]),
        Security::Global([]) => return KindReq::documented(vec![Vec::new()]),
        s => s.requirements(),
    };
    let mut alternatives: Vec<Vec<String>> = Vec::new();
    let mut split: Vec<String> = Vec::new();
    for requirement in requirements {
        if requirement.is_empty() {
            push_unique(&mut alternatives, Vec::new());
            continue;
        }
        let Some((_, scopes)) = requirement.iter().find(|(name, _)| name == scheme) else {
            continue;
        };
        if requirement.len() > 1 {
            *extra_schemes += 1;
        }
        let mut all: Vec<String> = Vec::new();
        for s in scopes {
            if !all.contains(s) {
                all.push(s.clone());
            }
        }
        if alternatives_flag && all.len() > 1 {
            split.push(
                all.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            for s in all {
                push_unique(&mut alternatives, vec![s]);
            }
        } else {
            push_unique(&mut alternatives, all);
        }
    }
    if split.is_empty() {
        KindReq::documented(alternatives)
    } else {
        KindReq::inferred(
            alternatives,
            format!(
                "the document lists {} in one requirement (all needed); read as alternatives because of --scopes-are-alternatives",
                split.join("; ")
            ),
        )
    }
}

fn push_unique(alternatives: &mut Vec<Vec<String>>, alternative: Vec<String>) {
    if !alternatives.contains(&alternative) {
        alternatives.push(alternative);
    }
}

/// What a key (any credential but the scope scheme's) needs, from the extension.
fn key_req(
    op: &Operation,
    security: &Security<'_>,
    scheme: Option<&str>,
    extension: &str,
    profile: Option<&Profile>,
    scheme_req: Option<&KindReq>,
    notes: &mut Vec<String>,
) -> KindReq {
    if matches!(security, Security::Own([]) | Security::Global([])) {
        return KindReq::documented(vec![Vec::new()]);
    }
    let requirements = security.requirements();
    // The ways in that are not the scope scheme's.
    let key_ways: Vec<&Requirement> = requirements
        .iter()
        .filter(|r| scheme.is_none_or(|s| !r.iter().any(|(name, _)| name == s)))
        .collect();
    let callable =
        matches!(security, Security::Undeclared) || requirements.is_empty() || !key_ways.is_empty();
    if !callable {
        return KindReq::documented(Vec::new());
    }
    let stated = op
        .extensions
        .iter()
        .find(|(name, _)| name == extension)
        .map(|(_, value)| parse_permission(value));
    match stated {
        Some(Ok(Permission::Any(perms))) if !perms.is_empty() => {
            KindReq::documented(perms.into_iter().map(|p| vec![p]).collect())
        }
        Some(Ok(Permission::All(perms))) if !perms.is_empty() => KindReq::documented(vec![perms]),
        Some(Ok(Permission::Open)) => KindReq::documented(vec![Vec::new()]),
        Some(Ok(_)) => KindReq::inferred(
            vec![Vec::new()],
            format!("`{extension}` lists no permission; read as needing none"),
        ),
        Some(Err(why)) => {
            notes.push(format!(
                "`{} {}`: `{extension}` {why}; it is not used",
                op.method, op.path
            ));
            fallback(
                key_ways.as_slice(),
                requirements,
                extension,
                profile,
                scheme,
                scheme_req,
            )
        }
        None => fallback(
            key_ways.as_slice(),
            requirements,
            extension,
            profile,
            scheme,
            scheme_req,
        ),
    }
}

/// A key's requirement where the extension says nothing usable.
fn fallback(
    key_ways: &[&Requirement],
    requirements: &[Requirement],
    extension: &str,
    profile: Option<&Profile>,
    scheme: Option<&str>,
    scheme_req: Option<&KindReq>,
) -> KindReq {
    let permissionless = profile.map_or(&[][..], |p| p.permissionless);
    if !requirements.is_empty()
        && !key_ways.is_empty()
        && let Some(way) = key_ways.iter().find(|r| {
            !r.is_empty()
                && r.iter()
                    .all(|(name, _)| permissionless.contains(&name.as_str()))
        })
    {
        let names: Vec<String> = way.iter().map(|(n, _)| format!("`{n}`")).collect();
        return KindReq::inferred(
            vec![Vec::new()],
            format!(
                "needs only {}, which carries no permissions (what tokenscope's {} profile knows, not what the document says)",
                names.join(" and "),
                profile.map_or("", |p| p.provider)
            ),
        );
    }
    if let (Some(scheme), Some(req)) = (scheme, scheme_req)
        && !req.alternatives.is_empty()
        && req.alternatives.iter().all(|a| !a.is_empty())
    {
        return KindReq::inferred(
            req.alternatives.clone(),
            format!(
                "no `{extension}`; the `{scheme}` scopes of its security requirements, which name the same permissions, are taken as what it needs"
            ),
        );
    }
    KindReq::inferred(
        vec![Vec::new()],
        format!(
            "neither `{extension}` nor a scope names a permission for it; read as needing none"
        ),
    )
}

/// The kinds' requirements of one operation, in table kind order.
struct OpReqs {
    kinds: Vec<KindReq>,
}

#[allow(clippy::too_many_lines)]
fn build(
    spec: &Spec,
    file: &SourceFile,
    context: &Context,
    options: &OpenApiOptions,
    profile: Option<&Profile>,
    extension: Option<String>,
    scheme: Option<String>,
) -> Result<(TableFile, Vec<String>), Vec<InputError>> {
    let mut notes: Vec<String> = Vec::new();
    let declared: Vec<(String, String)> = scheme
        .as_ref()
        .and_then(|s| spec.schemes.iter().find(|(n, _)| n == s))
        .map(|(_, s)| s.scopes.clone())
        .unwrap_or_default();
    let kind_names: Vec<String> = match (&extension, &scheme) {
        (Some(_), Some(s)) => vec![
            profile.map_or("api-key", |p| p.key_kind).to_owned(),
            profile.map_or_else(|| kebab(s), |p| p.scheme_kind.to_owned()),
        ],
        _ => Vec::new(),
    };

    // Requirements per operation and kind.
    let mut suspects = suspect::Lists::default();
    let mut extra_schemes = 0usize;
    let mut uncallable = 0usize;
    let mut mismatched: Vec<String> = Vec::new();
    let mut without_extension = 0usize;
    let mut reqs: Vec<OpReqs> = Vec::with_capacity(spec.operations.len());
    for op in &spec.operations {
        let security = Security::of(op, spec);
        let operation = format!("{} {}", op.method, op.path);
        let s_req = scheme.as_deref().map(|s| {
            for requirement in security.requirements() {
                if let Some((_, scopes)) = requirement.iter().find(|(n, _)| n == s) {
                    let listed = tidy(KindReq::documented(vec![scopes.clone()]))
                        .alternatives
                        .pop()
                        .unwrap_or_default();
                    suspects.add(&listed, op.method, operation.clone());
                }
            }
            scheme_req(
                &security,
                s,
                options.scopes_are_alternatives,
                &mut extra_schemes,
            )
        });
        let kinds = match &extension {
            Some(ext) => {
                if !op.extensions.iter().any(|(n, _)| n == ext) {
                    without_extension += 1;
                }
                let key = key_req(
                    op,
                    &security,
                    scheme.as_deref(),
                    ext,
                    profile,
                    s_req.as_ref(),
                    &mut notes,
                );
                if let Some(s_req) = &s_req {
                    let stated: HashSet<&str> = key
                        .alternatives
                        .iter()
                        .flatten()
                        .map(String::as_str)
                        .collect();
                    if key.inferred.is_none()
                        && !stated.is_empty()
                        && s_req
                            .alternatives
                            .iter()
                            .flatten()
                            .any(|s| !stated.contains(s.as_str()))
                    {
                        mismatched.push(operation.clone());
                    }
                }
                let mut kinds = vec![key];
                kinds.extend(s_req);
                kinds
            }
            None => s_req.into_iter().collect(),
        };
        if kinds.last().is_some_and(|k| k.alternatives.is_empty()) && scheme.is_some() {
            uncallable += 1;
        }
        reqs.push(OpReqs {
            kinds: kinds.into_iter().map(tidy).collect(),
        });
    }

    // Scopes: the scheme's declared ones, then those the requirements use.
    let mut scope_list: Vec<(String, String)> = Vec::new();
    let mut scope_keys: HashSet<String> = HashSet::new();
    let mut merged_case: Vec<String> = Vec::new();
    for (name, description) in &declared {
        if name.trim().is_empty() {
            continue;
        }
        if scope_keys.insert(scope_key(name)) {
            scope_list.push((name.trim().to_owned(), description.clone()));
        } else {
            merged_case.push(name.clone());
        }
    }
    let mut undeclared: Vec<String> = Vec::new();
    for op in &reqs {
        for (i, kind) in op.kinds.iter().enumerate() {
            for name in kind.alternatives.iter().flatten() {
                if scope_keys.insert(scope_key(name)) {
                    let is_scheme_kind = i + 1 == op.kinds.len() && scheme.is_some();
                    if is_scheme_kind && !declared.is_empty() {
                        undeclared.push(name.clone());
                    }
                    scope_list.push((name.clone(), String::new()));
                }
            }
        }
    }
    if !merged_case.is_empty() {
        notes.push(format!(
            "scopes that differ only in case are read as one: {}",
            merged_case.join(", ")
        ));
    }

    // Areas from tags, in order of first use.
    let mut areas: Vec<AreaOut> = Vec::new();
    let mut area_of_tag: HashMap<String, String> = HashMap::new();
    let mut endpoint_areas: Vec<String> = Vec::with_capacity(spec.operations.len());
    for op in &spec.operations {
        let tag = op.tags.first().map_or("", |t| t.trim());
        let id = match area_of_tag.get(tag) {
            Some(id) => id.clone(),
            None => {
                let (base, title) = if tag.is_empty() {
                    ("untagged".to_owned(), "Operations without a tag".to_owned())
                } else {
                    let base = kebab(tag);
                    (
                        if base.is_empty() {
                            "tag".to_owned()
                        } else {
                            base
                        },
                        tag.to_owned(),
                    )
                };
                let id = unique(&base, |c| areas.iter().any(|a| a.id == c));
                areas.push(AreaOut {
                    id: id.clone(),
                    title,
                });
                area_of_tag.insert(tag.to_owned(), id.clone());
                id
            }
        };
        endpoint_areas.push(id);
    }

    // Scope ids, areas and risks.
    let names_lower: HashSet<String> = scope_list.iter().map(|(n, _)| scope_key(n)).collect();
    let mut scope_ids: HashMap<String, String> = HashMap::new();
    let mut scopes: Vec<ScopeOut> = Vec::with_capacity(scope_list.len());
    let mut unused_area = false;
    for (name, description) in &scope_list {
        let base = if is_slug(name) {
            name.clone()
        } else {
            kebab(name)
        };
        let base = if base.is_empty() {
            "scope".to_owned()
        } else {
            base
        };
        let id = if is_slug(name) {
            unique(&base, |c| scopes.iter().any(|s| s.id == c))
        } else {
            // Not another scope's name (its own is fine: `A` may have the id `a`).
            let own = scope_key(name);
            unique(&base, |c| {
                scopes.iter().any(|s| s.id == c) || (names_lower.contains(c) && c != own)
            })
        };
        scope_ids.insert(scope_key(name), id.clone());
        let area = reqs
            .iter()
            .zip(&endpoint_areas)
            .find(|(r, _)| {
                r.kinds
                    .iter()
                    .flat_map(|k| k.alternatives.iter().flatten())
                    .any(|s| scope_key(s) == scope_key(name))
            })
            .map(|(_, area)| area.clone())
            .unwrap_or_else(|| {
                unused_area = true;
                "unused".to_owned()
            });
        let (class, why) = risk_of(name, profile.map_or(&[][..], |p| p.risks));
        let summary = if description.trim().is_empty() {
            match &extension {
                Some(ext) if !declared.iter().any(|(d, _)| d == name) => {
                    format!("permission `{name}` (from `{ext}`)")
                }
                _ => format!("scope `{name}`"),
            }
        } else {
            description.trim().to_owned()
        };
        scopes.push(ScopeOut {
            name: name.clone(),
            id,
            area,
            levels: FlowSeq(Vec::new()),
            risk: RiskOut::One(class),
            summary,
            risk_reason: Some(why),
            aliases: FlowSeq(Vec::new()),
        });
    }
    if unused_area {
        let id = unique("unused", |c| areas.iter().any(|a| a.id == c));
        for s in &mut scopes {
            if s.area == "unused" {
                s.area.clone_from(&id);
            }
        }
        areas.push(AreaOut {
            id,
            title: "Scopes no operation of this document needs".into(),
        });
    }

    // Endpoints.
    let server_path = spec
        .servers
        .first()
        .map(server_url)
        .and_then(|u| url_path(&u))
        .unwrap_or_default();
    let names = endpoint_names(&spec.operations);
    let mut routes = Routes::default();
    let render = |req: &KindReq| -> FlowSeq<Vec<Vec<String>>> {
        FlowSeq(
            req.alternatives
                .iter()
                .map(|alt| {
                    alt.iter()
                        .map(|s| {
                            scope_ids
                                .get(&scope_key(s))
                                .cloned()
                                .unwrap_or_else(|| s.clone())
                        })
                        .collect()
                })
                .collect(),
        )
    };
    let mut endpoints = Vec::with_capacity(spec.operations.len());
    for (((op, req), area), name) in spec
        .operations
        .iter()
        .zip(&reqs)
        .zip(&endpoint_areas)
        .zip(names)
    {
        let full = format!("{}{}", server_path.trim_end_matches('/'), op.path);
        let (method, path) = routes.place(&name, op.method, Ok(full));
        let (requires, by_kind) = requires_per_kind(
            kind_names.iter().map(String::as_str),
            req.kinds.iter().map(&render),
        );
        let reasons: Vec<(usize, &String)> = req
            .kinds
            .iter()
            .enumerate()
            .filter_map(|(i, k)| k.inferred.as_ref().map(|r| (i, r)))
            .collect();
        let evidence_reason = match reasons.as_slice() {
            [] => None,
            [(_, reason)] if req.kinds.len() == 1 => Some(format!("{reason}.")),
            many => Some(
                many.iter()
                    .map(|(i, reason)| {
                        format!(
                            "{}: {reason}.",
                            kind_names.get(*i).map_or("", String::as_str)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        };
        endpoints.push(EndpointOut {
            name: Some(name),
            method,
            path,
            area: area.clone(),
            requires,
            least: None,
            requires_by_kind: by_kind,
            least_by_kind: LeastByKind::default(),
            evidence: evidence(evidence_reason.as_deref()),
            evidence_reason,
            source: op
                .docs
                .clone()
                .filter(|d| d.starts_with("https://") && !d.contains(char::is_whitespace)),
        });
    }

    // What the reader should know.
    if let Some(s) = &scheme {
        let declared_names: Vec<String> = declared.iter().map(|(n, _)| n.clone()).collect();
        notes.extend(suspects.notes(s, &declared_names));
        if uncallable > 0 {
            notes.push(format!(
                "{uncallable} operation(s) have no security requirement naming `{s}`, so tokens of that scheme cannot call them (`requires: []`{})",
                kind_names
                    .last()
                    .map(|k| format!(" for the `{k}` kind"))
                    .unwrap_or_default()
            ));
        }
        if extra_schemes > 0 {
            notes.push(format!(
                "{extra_schemes} requirement(s) name other schemes beside `{s}`; those credentials are needed too, and the table does not model them"
            ));
        }
        if !undeclared.is_empty() {
            notes.push(format!(
                "scopes the requirements use but `{s}` does not declare: {}",
                undeclared.join(", ")
            ));
        }
    }
    if let Some(ext) = &extension {
        if without_extension > 0 {
            notes.push(format!(
                "{without_extension} operation(s) have no `{ext}`; what a key needs for them is inferred"
            ));
        }
        if !mismatched.is_empty() {
            notes.push(format!(
                "{} operation(s) need a `{}` scope that their `{ext}` does not list (e.g. `{}`)",
                mismatched.len(),
                scheme.as_deref().unwrap_or(""),
                mismatched[0]
            ));
        }
    }
    for reference in &spec.path_refs {
        notes.push(format!(
            "the path item {reference} is a `$ref`, which is not followed; its operations are left out"
        ));
    }
    notes.extend(routes.notes());

    let api = profile.map_or_else(
        || match kebab(&spec.title) {
            id if id.is_empty() => "openapi".to_owned(),
            id => id,
        },
        |p| p.api.to_owned(),
    );
    let title = match (profile, spec.title.trim()) {
        (Some(p), _) => p.title.to_owned(),
        (None, "") => "OpenAPI document".to_owned(),
        (None, t) => t.to_owned(),
    };
    let name = base_name(&file.path);
    let file_label = context.commits.label(name);
    let source = match spec.title.trim() {
        "" => format!("OpenAPI document {file_label}"),
        title => format!("OpenAPI document {}: {file_label}", quoted(title)),
    };
    let table = TableFile {
        case_insensitive_paths: None,
        api,
        title,
        provider: profile.map_or_else(String::new, |p| p.provider.to_owned()),
        token_dialog: profile.map_or_else(String::new, |p| p.token_dialog.to_owned()),
        source,
        retrieved: context.retrieved.clone(),
        base_urls: FlowSeq(base_urls(spec)),
        token_kinds: FlowSeq(kind_names),
        always_granted: FlowSeq(Vec::new()),
        scopes,
        areas,
        endpoints,
    };
    Ok((table, notes))
}

/// How scope names compare, as the table loader compares names: case and runs of whitespace
/// do not count.
fn scope_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A requirement as the table can hold it: names trimmed, empty names dropped, each scope once
/// per alternative and each alternative once.
fn tidy(req: KindReq) -> KindReq {
    let mut alternatives: Vec<Vec<String>> = Vec::with_capacity(req.alternatives.len());
    let mut seen: Vec<Vec<String>> = Vec::new();
    for alt in req.alternatives {
        let mut out: Vec<String> = Vec::with_capacity(alt.len());
        let mut keys: Vec<String> = Vec::with_capacity(alt.len());
        for name in alt {
            let key = scope_key(&name);
            if key.is_empty() || keys.contains(&key) {
                continue;
            }
            keys.push(key);
            out.push(name.trim().to_owned());
        }
        keys.sort();
        if !seen.contains(&keys) {
            seen.push(keys);
            alternatives.push(out);
        }
    }
    KindReq {
        alternatives,
        inferred: req.inferred,
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A server's URL with its variables' defaults filled in.
fn server_url(server: &spec::Server) -> String {
    let mut url = server.url.clone();
    for (name, default) in &server.defaults {
        url = url.replace(&format!("{{{name}}}"), default);
    }
    url
}

/// The path of a server URL (absolute, or relative like `/api/v3`), without a trailing `/`.
fn url_path(url: &str) -> Option<String> {
    if url.starts_with('/') {
        return Some(url.trim_end_matches('/').to_owned());
    }
    let parsed = url::Url::parse(url).ok()?;
    Some(parsed.path().trim_end_matches('/').to_owned())
}

/// `base_urls`: each server's origin, variables filled in with their defaults, once each.
fn base_urls(spec: &Spec) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for server in &spec.servers {
        let Ok(url) = url::Url::parse(&server_url(server)) else {
            continue;
        };
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
            continue;
        }
        let origin = url.origin().ascii_serialization();
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    out
}

/// Endpoint names: `summary`, else `operationId`, else `METHOD path`; a name used twice gets
/// its `operationId`, then its method and path.
fn endpoint_names(operations: &[Operation]) -> Vec<String> {
    let key = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let base: Vec<String> = operations
        .iter()
        .map(|op| {
            [op.summary.as_deref(), op.operation_id.as_deref()]
                .into_iter()
                .flatten()
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .find(|s| !s.is_empty())
                .unwrap_or_else(|| format!("{} {}", op.method, op.path))
        })
        .collect();
    let mut count: HashMap<String, usize> = HashMap::new();
    for name in &base {
        *count.entry(key(name)).or_default() += 1;
    }
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(base.len());
    for (op, name) in operations.iter().zip(base) {
        let mut candidates = vec![name.clone()];
        if let Some(id) = op
            .operation_id
            .as_deref()
            .filter(|id| !id.trim().is_empty())
        {
            candidates.push(format!("{name} ({})", id.trim()));
        }
        candidates.push(format!("{name} ({} {})", op.method, op.path));
        let unique_first = count.get(&key(&name)).copied().unwrap_or(0) == 1;
        let chosen = candidates
            .iter()
            .skip(usize::from(!unique_first))
            .find(|c| !taken.contains(&key(c)))
            .cloned()
            .unwrap_or_else(|| unique(&name, |c| taken.contains(&key(c))));
        taken.insert(key(&chosen));
        out.push(chosen);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::out::testing::{endpoint, requires};
    use super::*;

    fn import_text(
        text: &str,
        options: &OpenApiOptions,
    ) -> Result<(TableFile, Vec<String>), Vec<InputError>> {
        import(
            &[SourceFile::new("spec.yaml", text)],
            &Context::default(),
            options,
        )
    }

    fn table(text: &str, options: &OpenApiOptions) -> (TableFile, Vec<String>) {
        import_text(text, options).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn by_kind(e: &EndpointOut, kind: &str) -> Option<Vec<Vec<String>>> {
        e.requires_by_kind
            .0
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, a)| a.0.clone())
    }

    fn alts(list: &[&[&str]]) -> Vec<Vec<String>> {
        list.iter()
            .map(|a| a.iter().map(|s| (*s).to_owned()).collect())
            .collect()
    }

    /// Every combinator: OR across objects, AND inside one, `{}`, `security: []`, inheritance,
    /// an object without the scope scheme, and an operation no scope-scheme token can call.
    const PETS: &str = "openapi: 3.1.0
info: {title: Pet Store, version: '1'}
servers: [{url: 'https://api.pets.example/v2'}]
security: [{oauth: [pets:read]}]
components:
  securitySchemes:
    oauth: {type: oauth2, flows: {authorizationCode: {authorizationUrl: /a, tokenUrl: /t, scopes: {'pets:read': Read pets, 'pets:write': Write pets, 'admin:org': Administer}}}}
    key: {type: apiKey, in: header, name: X-Key}
paths:
  /pets:
    get: {summary: List pets, tags: [pets]}
    post: {summary: Create a pet, tags: [pets], security: [{oauth: ['pets:write', 'admin:org']}, {oauth: ['pets:write'], key: []}]}
  /pets/{id}:
    get: {operationId: getPet, tags: [pets], security: [{oauth: ['pets:read']}, {}]}
    delete: {summary: Delete a pet, security: [{key: []}]}
  /health:
    get: {summary: Health, tags: [ops], security: []}
  /pets/{id}:adopt:
    post: {summary: Adopt, tags: [pets]}
";

    #[test]
    fn security_requirements_are_alternatives_of_all_of_sets() {
        let (t, notes) = table(PETS, &OpenApiOptions::default());
        assert_eq!(t.api, "pet-store");
        assert_eq!(t.base_urls.0, ["https://api.pets.example"]);
        assert!(t.token_kinds.0.is_empty());
        // Inherited global requirement; the server's path leads every path.
        let list = endpoint(&t, "GET", "/v2/pets");
        assert_eq!(list.name.as_deref(), Some("List pets"));
        assert_eq!(requires(list), alts(&[&["pets-read"]]));
        assert_eq!(list.evidence, "documented");
        // AND inside one object, OR across objects; the API key beside it is counted.
        let create = endpoint(&t, "POST", "/v2/pets");
        assert_eq!(
            requires(create),
            alts(&[&["pets-write", "admin-org"], &["pets-write"]])
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("name other schemes beside `oauth`")),
            "{notes:?}"
        );
        // `{}` is any token; `security: []` is no authentication.
        assert_eq!(
            requires(endpoint(&t, "GET", "/v2/pets/{id}")),
            alts(&[&["pets-read"], &[]])
        );
        assert_eq!(
            endpoint(&t, "GET", "/v2/pets/{id}").name.as_deref(),
            Some("getPet")
        );
        assert_eq!(requires(endpoint(&t, "GET", "/v2/health")), alts(&[&[]]));
        // Only another scheme: no token of this one can call it.
        let delete = endpoint(&t, "DELETE", "/v2/pets/{id}");
        assert!(requires(delete).is_empty());
        assert_eq!(delete.area, "untagged");
        assert!(
            notes.iter().any(
                |n| n.starts_with("1 operation(s) have no security requirement naming `oauth`")
            ),
            "{notes:?}"
        );
        // A path the table cannot match is named only.
        let adopt = t
            .endpoints
            .iter()
            .find(|e| e.name.as_deref() == Some("Adopt"))
            .unwrap_or_else(|| panic!("adopt"));
        assert!(adopt.path.is_empty());
        // Scope names are kept, ids are slugs, risk says how it was judged.
        let admin = t
            .scopes
            .iter()
            .find(|s| s.name == "admin:org")
            .unwrap_or_else(|| panic!("admin"));
        assert_eq!(admin.id, "admin-org");
        assert!(matches!(admin.risk, RiskOut::One("high")));
        let areas: Vec<&str> = t.areas.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(areas, ["pets", "untagged", "ops"]);
    }

    #[test]
    fn no_security_at_all_is_any_token_but_inferred() {
        let text = "openapi: 3.0.0\ninfo: {title: Open}\ncomponents: {securitySchemes: {o: {type: oauth2, flows: {}}}}\npaths:\n  /a:\n    get: {summary: A}\n";
        let (t, _) = table(text, &OpenApiOptions::default());
        let a = endpoint(&t, "GET", "/a");
        assert_eq!(requires(a), alts(&[&[]]));
        assert_eq!(a.evidence, "inferred");
        assert!(
            a.evidence_reason
                .as_deref()
                .unwrap_or("")
                .contains("declares no security")
        );
    }

    #[test]
    fn the_scheme_is_chosen_or_the_choice_is_explained() {
        let two = PETS.replace(
            "    key: {type: apiKey",
            "    other: {type: oauth2, flows: {}}\n    key: {type: apiKey",
        );
        let Err(e) = import_text(&two, &OpenApiOptions::default()) else {
            panic!("ambiguous scheme imported");
        };
        assert!(
            e[0].to_string()
                .contains("several security schemes carry scopes: `oauth`, `other`"),
            "{}",
            e[0]
        );
        let named = OpenApiOptions {
            scheme: Some("oauth".into()),
            ..OpenApiOptions::default()
        };
        assert!(import_text(&two, &named).is_ok());
        let unknown = OpenApiOptions {
            scheme: Some("oath".into()),
            ..OpenApiOptions::default()
        };
        let Err(e) = import_text(&two, &unknown) else {
            panic!("unknown scheme imported");
        };
        assert!(
            e[0].to_string()
                .contains("no security scheme `oath` (it has `oauth`, `other`, `key`)"),
            "{}",
            e[0]
        );
        // An API key scheme can carry roles (OpenAPI 3.1), when chosen.
        let roles = OpenApiOptions {
            scheme: Some("key".into()),
            ..OpenApiOptions::default()
        };
        let (t, _) = table(PETS, &roles);
        assert_eq!(
            requires(endpoint(&t, "DELETE", "/v2/pets/{id}")),
            alts(&[&[]])
        );
    }

    const DISCORDISH: &str = "openapi: 3.1.0
info: {title: Chat}
components:
  securitySchemes:
    oauth: {type: oauth2, flows: {implicit: {authorizationUrl: /a, scopes: {messages.read: r, messages.write: w, guilds: g}}}}
paths:
  /messages:
    get: {security: [{oauth: [messages.read, messages.write, guilds]}]}
    delete: {security: [{oauth: [messages.read, messages.write, guilds]}]}
";

    #[test]
    fn alternatives_listed_as_one_requirement_are_reported_and_can_be_read_so() {
        let (t, notes) = table(DISCORDISH, &OpenApiOptions::default());
        let get = endpoint(&t, "GET", "/messages");
        assert_eq!(
            requires(get),
            alts(&[&["messages-read", "messages-write", "guilds"]])
        );
        let note = notes
            .iter()
            .find(|n| n.contains("--scopes-are-alternatives"))
            .unwrap_or_else(|| panic!("{notes:?}"));
        for signal in ["of one thing", "guards reading", "all 3 scopes"] {
            assert!(note.contains(signal), "{signal}: {note}");
        }
        let options = OpenApiOptions {
            scopes_are_alternatives: true,
            ..OpenApiOptions::default()
        };
        let (t, _) = table(DISCORDISH, &options);
        let get = endpoint(&t, "GET", "/messages");
        assert_eq!(
            requires(get),
            alts(&[&["messages-read"], &["messages-write"], &["guilds"]])
        );
        assert_eq!(get.evidence, "inferred");
        assert!(
            get.evidence_reason
                .as_deref()
                .unwrap_or("")
                .contains("--scopes-are-alternatives")
        );
    }

    const VENDOR: &str = "openapi: 3.0.0
info: {title: Vendor}
security: [{apiKey: [], appKey: []}]
components:
  securitySchemes:
    AuthZ: {type: oauth2, flows: {authorizationCode: {authorizationUrl: /a, tokenUrl: /t, scopes: {dash_read: r, dash_write: w}}}}
    apiKey: {type: apiKey, in: header, name: K}
    appKey: {type: apiKey, in: header, name: A}
paths:
  /dash:
    get: {summary: Read, security: [{apiKey: [], appKey: []}, {AuthZ: [dash_read]}], x-permission: {operator: OR, permissions: [dash_read, dash_admin]}}
    post: {summary: Both, x-permission: {operator: AND, permissions: [dash_write, dash_read]}}
    put: {summary: Open, security: [{apiKey: [], appKey: []}, {AuthZ: []}], x-permission: {operator: OPEN, permissions: []}}
    delete: {summary: Oauth only, security: [{AuthZ: [dash_write]}]}
  /submit:
    post: {summary: Submit, security: [{apiKey: []}]}
  /guess:
    get: {summary: Guess, security: [{apiKey: [], appKey: []}, {AuthZ: [dash_read]}]}
  /broken:
    get: {summary: Broken, x-permission: {operator: XOR}}
";

    #[test]
    fn a_permission_extension_gives_two_kinds() {
        let options = OpenApiOptions {
            permission_extension: Some("x-permission".into()),
            ..OpenApiOptions::default()
        };
        let (t, notes) = table(VENDOR, &options);
        assert_eq!(t.token_kinds.0, ["api-key", "auth-z"]);
        let read = endpoint(&t, "GET", "/dash");
        assert_eq!(requires(read), alts(&[&["dash_read"], &["dash_admin"]]));
        assert_eq!(by_kind(read, "auth-z"), Some(alts(&[&["dash_read"]])));
        assert_eq!(read.evidence, "documented");
        let both = endpoint(&t, "POST", "/dash");
        assert_eq!(requires(both), alts(&[&["dash_write", "dash_read"]]));
        assert_eq!(by_kind(both, "auth-z"), Some(Vec::new()));
        let open = endpoint(&t, "PUT", "/dash");
        assert_eq!(requires(open), alts(&[&[]]));
        assert_eq!(by_kind(open, "auth-z"), None);
        let oauth_only = endpoint(&t, "DELETE", "/dash");
        assert!(requires(oauth_only).is_empty());
        assert_eq!(
            by_kind(oauth_only, "auth-z"),
            Some(alts(&[&["dash_write"]]))
        );
        // Without the extension: the scheme's scopes stand in, inferred.
        let guess = endpoint(&t, "GET", "/guess");
        assert_eq!(requires(guess), alts(&[&["dash_read"]]));
        assert_eq!(guess.evidence, "inferred");
        let submit = endpoint(&t, "POST", "/submit");
        assert_eq!(requires(submit), alts(&[&[]]));
        assert_eq!(submit.evidence, "inferred");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("`GET /broken`: `x-permission` has the operator `XOR`")),
            "{notes:?}"
        );
        // A permission the extension names and the scheme does not declare is a scope too.
        assert!(t.scopes.iter().any(|s| s.name == "dash_admin"));
    }

    #[test]
    fn the_datadog_profile_names_kinds_and_knows_api_keys() {
        let options = OpenApiOptions {
            profile: Some(ProfileName::Datadog),
            ..OpenApiOptions::default()
        };
        let (t, _) = table(&VENDOR.replace("apiKey: ", "apiKeyAuth: "), &options);
        assert_eq!(t.api, "datadog");
        assert_eq!(t.token_kinds.0, ["application-key", "oauth"]);
        let submit = endpoint(&t, "POST", "/submit");
        assert!(
            submit
                .evidence_reason
                .as_deref()
                .unwrap_or("")
                .contains("Datadog profile knows"),
            "{:?}",
            submit.evidence_reason
        );
        // Datadog's scheme must exist.
        let Err(e) = import_text(PETS, &options) else {
            panic!("imported without AuthZ");
        };
        assert!(e[0].to_string().contains("`AuthZ`"), "{}", e[0]);
    }

    #[test]
    fn scope_names_are_tidied_as_the_table_compares_them() {
        let text = "openapi: 3.0.0\ninfo: {title: T}\ncomponents: {securitySchemes: {o: {type: oauth2, flows: {implicit: {authorizationUrl: /a, scopes: {'': empty, A: upper}}}}}}\npaths:\n  /a:\n    get: {security: [{o: ['', '  x  ', A, a]}, {o: [a, x]}]}\n";
        let (t, _) = table(text, &OpenApiOptions::default());
        let names: Vec<&str> = t.scopes.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["A", "x"]);
        assert_eq!(requires(endpoint(&t, "GET", "/a")), alts(&[&["x", "a"]]));
    }

    #[test]
    fn one_document_only() {
        let files = [
            SourceFile::new("a.yaml", PETS),
            SourceFile::new("b.yaml", PETS),
        ];
        let Err(e) = import(&files, &Context::default(), &OpenApiOptions::default()) else {
            panic!("two documents imported");
        };
        assert!(e[0].to_string().contains("reads one document"));
    }
}
