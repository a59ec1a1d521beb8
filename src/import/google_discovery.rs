//! `google-discovery`: Google API Discovery documents, one file per API and version (as served
//! at `https://www.googleapis.com/discovery/v1/apis/<api>/<version>/rest` and archived in
//! googleapis/discovery-artifact-manager `discoveries/<api>.<version>.json`).
//!
//! What a document says, and how it becomes a table:
//!
//! - Methods live under `resources.<name>.methods.<name>` (resources nest) and top-level
//!   `methods`. Each method's `scopes` are the OAuth 2.0 scopes *applicable* to it: any one of
//!   them authorises the call, so each scope is an alternative of its own. Discovery has no way
//!   to say that two scopes are needed together. Every requirement read is `documented`.
//! - Paths are full API paths, so that a URL's path resolves once its host is stripped: the
//!   path of `rootUrl`, then `servicePath`, then the method's `flatPath` when it has one, else
//!   its `path` (`/gmail/v1/users/{userId}/messages/send`, `/drive/v3/files/{fileId}`). A
//!   `flatPath` spells out every segment where `path` may use a reserved expansion (`{+name}`,
//!   which can span several segments); a path that starts with `/` is relative to the host.
//!   A method whose path still holds a reserved expansion or a parameter that is not a whole
//!   segment (`{keyPairId}:disable`) cannot be matched segment by segment: it is listed by name
//!   only, and a note says so. Media upload paths (`mediaUpload.protocols`) are endpoints too
//!   (`drive.files.create (upload)`), with the method's scopes.
//! - Areas come from resources: one per top-level resource (`drive-files`, `calendar-events`),
//!   below resources that only wrap others (Gmail's `users`, so `gmail-messages`), and one per
//!   API (`gmail`) for its scopes and its top-level methods.
//! - Scopes are URLs. The URL is the scope's name (what people paste); its id is the URL made
//!   short and readable: `https://www.googleapis.com/auth/gmail.send` → `gmail-send`,
//!   `https://mail.google.com/` → `mail-google-com`. The dotted short form (`gmail.send`) is an
//!   alias, so a manifest that writes it gets a did-you-mean.
//! - Risk is tokenscope's judgement, one class and reason per scope ([`RISKS`]); a scope not
//!   listed there is classed by its name and the reason says so.
//! - Alternatives keep the document's order, except that scopes reaching only part of what a
//!   method serves ([`PARTIAL_REACH`]: Gmail add-on scopes, `drive.file`, `drive.appdata`, …)
//!   come last, so that ties in the minimal set go to a general scope. Which scopes those are
//!   is tokenscope's knowledge, not the documents'.
//! - No implications: the documents do not say that `https://mail.google.com/` covers
//!   `gmail.modify`. They do not need to, since every method lists each broader scope that
//!   authorises it.
//!
//! Several documents make one table (one OAuth token can hold scopes of many Google APIs); the
//! order of the files does not matter.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Deserialize;
use serde_saphyr::FlowSeq;

use super::github_docs::{Entries, Verb};
use super::out::{
    AreaOut, ByKind, EndpointOut, LeastByKind, RiskOut, ScopeOut, TableFile, evidence,
};
use super::routes::Routes;
use super::slug::{kebab, unique};
use super::{Context, base_name, json_error, quoted};
use crate::error::InputError;
use crate::source::SourceFile;

/// Where the scopes of every Google API but a few live.
const AUTH_PREFIX: &str = "https://www.googleapis.com/auth/";

const SHAPE_HELP: &str = "google-discovery reads Google API Discovery documents \
    (`https://www.googleapis.com/discovery/v1/apis/<api>/<version>/rest`, or \
    `discoveries/<api>.<version>.json` in googleapis/discovery-artifact-manager)";

// ---------------------------------------------------------------------------------------------
// Risk: tokenscope's judgement of what a leaked token holding the scope could do

/// A reviewed scope: its class and why.
struct RiskRow {
    scope: &'static str,
    class: &'static str,
    why: &'static str,
}

/// Read-only scopes over everything a user has in an API where that content opens other doors
/// (mail holds password-reset links and sign-in codes; files hold credentials) are medium, not
/// low; scopes that change, send or share broadly, or delete for good, are high.
const RISKS: &[RiskRow] = &[
    // Gmail
    RiskRow {
        scope: "https://mail.google.com/",
        class: "high",
        why: "full access to the mailbox: reads, sends and permanently deletes all mail",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.modify",
        class: "high",
        why: "reads, sends, trashes and relabels all mail (everything but permanent deletion)",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.compose",
        class: "high",
        why: "sends mail as the user and reads and changes every draft",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.settings.sharing",
        class: "high",
        why: "adds forwarding addresses, delegates and send-as aliases: hands the mailbox to someone else",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.readonly",
        class: "medium",
        why: "reads every message and setting, including password-reset links and sign-in codes for other accounts; changes nothing",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.send",
        class: "medium",
        why: "sends mail as the user (phishing from a trusted address); reads nothing",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.insert",
        class: "medium",
        why: "adds messages to the mailbox, so it can plant mail; reads nothing",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.settings.basic",
        class: "medium",
        why: "changes mail settings and filters; a filter can archive or delete incoming mail unseen",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.addons.current.action.compose",
        class: "medium",
        why: "drafts and sends mail, but only while the user works with the add-on",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.metadata",
        class: "low",
        why: "reads labels and headers, never message bodies or attachments",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.labels",
        class: "low",
        why: "creates, changes and deletes labels only",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.addons.current.message.action",
        class: "low",
        why: "reads the one message open in the add-on, while the user works with it",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.addons.current.message.metadata",
        class: "low",
        why: "reads the metadata of the one message open in the add-on",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/gmail.addons.current.message.readonly",
        class: "low",
        why: "reads the one message open in the add-on",
    },
    // Drive
    RiskRow {
        scope: "https://www.googleapis.com/auth/drive",
        class: "high",
        why: "reads, changes, shares and deletes every file in the user's Drive",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/drive.scripts",
        class: "high",
        why: "changes the behaviour of the user's Apps Script projects, which run with the user's authority",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/drive.readonly",
        class: "medium",
        why: "reads and downloads every file in the user's Drive, where credentials and confidential documents live; changes nothing",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/drive.metadata",
        class: "medium",
        why: "reads and changes the metadata of every file (names, descriptions, properties), not contents",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/drive.photos.readonly",
        class: "medium",
        why: "reads the user's photos and videos",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/drive.meet.readonly",
        class: "medium",
        why: "reads the files Google Meet made: recordings and transcripts of meetings",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/drive.file",
        class: "low",
        why: "reaches only files the user created or opened with this app (Google's recommended narrow scope)",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/drive.appdata",
        class: "low",
        why: "reaches only the app's own hidden configuration folder",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/drive.metadata.readonly",
        class: "low",
        why: "reads file names and metadata, not contents; changes nothing",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/drive.apps.readonly",
        class: "low",
        why: "lists the Drive apps the user installed",
    },
    // Calendar
    RiskRow {
        scope: "https://www.googleapis.com/auth/calendar",
        class: "high",
        why: "reads, changes, shares and permanently deletes every calendar the user can access",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/calendar.events",
        class: "medium",
        why: "reads and changes events on every calendar, but cannot share, create or delete calendars",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/calendar.readonly",
        class: "low",
        why: "reads calendars and their events; changes nothing",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/calendar.events.readonly",
        class: "low",
        why: "reads events; changes nothing",
    },
    RiskRow {
        scope: "https://www.googleapis.com/auth/calendar.settings.readonly",
        class: "low",
        why: "reads calendar settings; changes nothing",
    },
];

/// Scopes that reach only part of what a method serves (the message open in a Gmail add-on,
/// the files an app made or opened, its hidden folder, Meet's files, photos): a method that
/// lists them next to general scopes works with them only for those resources. The table lists
/// them after the general ones, in this order, so that where the minimal set has a choice of
/// equal cost it picks a general scope (`gmail.send`, not the add-on scope
/// `gmail.addons.current.action.compose`), and among these the most generally useful
/// (`drive.file` before the app's hidden folder).
const PARTIAL_REACH: &[&str] = &[
    "https://www.googleapis.com/auth/gmail.addons.current.action.compose",
    "https://www.googleapis.com/auth/gmail.addons.current.message.action",
    "https://www.googleapis.com/auth/gmail.addons.current.message.metadata",
    "https://www.googleapis.com/auth/gmail.addons.current.message.readonly",
    "https://www.googleapis.com/auth/drive.file",
    "https://www.googleapis.com/auth/drive.appdata",
    "https://www.googleapis.com/auth/drive.meet.readonly",
    "https://www.googleapis.com/auth/drive.photos.readonly",
];

/// A scope's class and reason: reviewed, else judged from its name (and the reason says so).
fn risk_of(url: &str, api_names: &[&str]) -> (&'static str, String) {
    if let Some(row) = RISKS.iter().find(|r| r.scope == url) {
        return (row.class, row.why.to_owned());
    }
    let short = url.strip_prefix(AUTH_PREFIX).unwrap_or(url);
    if short.split(['.', '/']).any(|w| w == "readonly") {
        (
            "low",
            "read-only by its name (not reviewed by tokenscope)".to_owned(),
        )
    } else if api_names.contains(&short) {
        (
            "high",
            "the API's full-access scope by its name (not reviewed by tokenscope)".to_owned(),
        )
    } else {
        (
            "medium",
            "may change data, judged by its name only (not reviewed by tokenscope)".to_owned(),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a document

/// Tells a Discovery document from any other JSON before its content is shown in errors.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    kind: Option<serde_json::Value>,
    #[serde(rename = "discoveryVersion", default)]
    discovery_version: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct DocIn {
    name: String,
    version: String,
    title: String,
    #[serde(rename = "rootUrl")]
    root_url: String,
    #[serde(rename = "servicePath", default)]
    service_path: String,
    #[serde(default)]
    revision: String,
    #[serde(rename = "documentationLink", default)]
    documentation_link: String,
    #[serde(default)]
    auth: AuthIn,
    resources: Option<Entries<String, ResourceIn>>,
    methods: Option<Entries<String, MethodIn>>,
}

#[derive(Deserialize, Default)]
struct AuthIn {
    oauth2: Option<OAuth2In>,
}

#[derive(Deserialize)]
struct OAuth2In {
    scopes: Option<Entries<String, ScopeIn>>,
}

#[derive(Deserialize)]
struct ScopeIn {
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
struct ResourceIn {
    methods: Option<Entries<String, MethodIn>>,
    resources: Option<Entries<String, ResourceIn>>,
}

#[derive(Deserialize)]
struct MethodIn {
    id: String,
    #[serde(rename = "httpMethod")]
    http_method: Verb,
    path: String,
    #[serde(rename = "flatPath")]
    flat_path: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(rename = "mediaUpload")]
    media_upload: Option<MediaUploadIn>,
}

#[derive(Deserialize)]
struct MediaUploadIn {
    protocols: Option<Entries<String, ProtocolIn>>,
}

#[derive(Deserialize)]
struct ProtocolIn {
    path: String,
}

/// A document, read.
struct Api {
    file: String,
    name: String,
    version: String,
    title: String,
    revision: String,
    documentation: Option<String>,
    /// `https://host[:port]` of `rootUrl`.
    origin: String,
    /// The path every relative method path is under: `rootUrl`'s path and `servicePath`,
    /// starting and ending with `/`.
    base_path: String,
    /// Declared scopes: URL and description, in the document's order.
    scopes: Vec<(String, String)>,
    /// Resources that only wrap others (Gmail's `users`): areas start below them.
    wrappers: usize,
    /// Every method with the resource names above it.
    methods: Vec<(Vec<String>, MethodIn)>,
}

fn parse(file: &SourceFile) -> Result<Api, InputError> {
    let probe: Probe = serde_json::from_str(&file.text)
        .map_err(|e| json_error(file, &e, false, Some(SHAPE_HELP.into())))?;
    let is_discovery = probe
        .kind
        .as_ref()
        .is_some_and(|k| k == "discovery#restDescription")
        || probe.discovery_version.is_some();
    if !is_discovery {
        return Err(InputError::at_unshown(
            file,
            file.span(0, 0),
            "not a Google API Discovery document: it has no `kind: discovery#restDescription` or `discoveryVersion`",
            Some(SHAPE_HELP.into()),
        ));
    }
    let doc: DocIn = serde_json::from_str(&file.text).map_err(|e| {
        json_error(
            file,
            &e,
            true,
            Some(
                "the file is a Discovery document; this part of it does not fit the format".into(),
            ),
        )
    })?;
    let whole =
        |message: String| InputError::at(file, file.span(0, 0), message, "this document", None);
    if kebab(&doc.name).is_empty() {
        return Err(whole(format!(
            "the API name {} has no letter or digit to make an id of",
            quoted(&doc.name)
        )));
    }
    let root = url::Url::parse(&doc.root_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some())
        .ok_or_else(|| {
            whole(format!(
                "`rootUrl` {} is not an http(s) URL",
                quoted(&doc.root_url)
            ))
        })?;
    let origin = root.origin().ascii_serialization();
    let mut base_path = root.path().to_owned();
    if !base_path.ends_with('/') {
        base_path.push('/');
    }
    base_path.push_str(doc.service_path.trim_start_matches('/'));
    if !base_path.ends_with('/') {
        base_path.push('/');
    }
    let scopes = doc
        .auth
        .oauth2
        .and_then(|o| o.scopes)
        .map(|s| {
            s.0.into_iter()
                .map(|(url, s)| (url, s.description))
                .collect()
        })
        .unwrap_or_default();

    let mut methods = Vec::new();
    if let Some(top) = doc.methods {
        methods.extend(top.0.into_iter().map(|(_, m)| (Vec::new(), m)));
    }
    let resources = doc.resources.map(|r| r.0).unwrap_or_default();
    let wrappers = wrapper_depth(&resources, methods.is_empty());
    collect(resources, &mut Vec::new(), &mut methods);
    Ok(Api {
        file: base_name(&file.path).to_owned(),
        name: doc.name,
        version: doc.version,
        title: doc.title,
        revision: doc.revision,
        documentation: doc
            .documentation_link
            .starts_with("https://")
            .then_some(doc.documentation_link),
        origin,
        base_path,
        scopes,
        wrappers,
        methods,
    })
}

/// How many levels of resources only wrap others: a level with no methods and one resource.
fn wrapper_depth(resources: &[(String, ResourceIn)], no_methods_here: bool) -> usize {
    match resources {
        [(_, only)] if no_methods_here => {
            let methods = only.methods.as_ref().is_some_and(|m| !m.0.is_empty());
            let below = only.resources.as_ref().map_or(&[][..], |r| r.0.as_slice());
            if methods || below.is_empty() {
                1
            } else {
                1 + wrapper_depth(below, true)
            }
        }
        _ => 0,
    }
}

/// Every method below `resources`, depth first in the document's order.
fn collect(
    resources: Vec<(String, ResourceIn)>,
    chain: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, MethodIn)>,
) {
    for (name, resource) in resources {
        chain.push(name);
        if let Some(methods) = resource.methods {
            out.extend(methods.0.into_iter().map(|(_, m)| (chain.clone(), m)));
        }
        if let Some(below) = resource.resources {
            collect(below.0, chain, out);
        }
        chain.pop();
    }
}

// ---------------------------------------------------------------------------------------------
// Building the table

/// A method's full path, or why the table cannot match it (`Routes::place` checks the rest).
fn full_path(api: &Api, relative: &str) -> Result<String, String> {
    let path = match relative.strip_prefix('/') {
        Some(_) => relative.to_owned(),
        None => format!("{}{relative}", api.base_path),
    };
    if path.contains("{+") || path.contains("{#") {
        return Err(format!(
            "its path {} has a reserved expansion, which may span several segments",
            quoted(&path)
        ));
    }
    Ok(path)
}

/// The short id of a scope URL (see the module documentation); empty if nothing is left.
fn scope_base_id(url: &str) -> String {
    if let Some(short) = url.strip_prefix(AUTH_PREFIX) {
        return kebab(short);
    }
    match url::Url::parse(url) {
        Ok(u) if u.host_str().is_some() => {
            kebab(&format!("{}{}", u.host_str().unwrap_or(""), u.path()))
        }
        _ => kebab(url),
    }
}

/// The dotted form people write: `gmail.send`, `mail.google.com`.
fn scope_alias(url: &str) -> Option<String> {
    let short = match url.strip_prefix(AUTH_PREFIX) {
        Some(short) => short.to_owned(),
        None => {
            let u = url::Url::parse(url).ok()?;
            format!("{}{}", u.host_str()?, u.path())
                .trim_end_matches('/')
                .to_owned()
        }
    };
    (!short.is_empty() && short != url).then_some(short)
}

pub(super) fn import(
    files: &[SourceFile],
    context: &Context,
) -> Result<(TableFile, Vec<String>), Vec<InputError>> {
    let mut errors = Vec::new();
    let mut apis: Vec<(Api, &SourceFile)> = Vec::new();
    for file in files {
        match parse(file) {
            Ok(api) => apis.push((api, file)),
            Err(e) => errors.push(e),
        }
    }
    apis.sort_by(|a, b| (&a.0.name, &a.0.version).cmp(&(&b.0.name, &b.0.version)));
    for pair in apis.windows(2) {
        if let [(a, _), (b, file)] = pair
            && a.name == b.name
        {
            errors.push(InputError::at(
                file,
                file.span(0, 0),
                format!(
                    "a second document for the API `{}` (the first is {})",
                    b.name,
                    quoted(&a.file)
                ),
                "this document",
                Some("give one version of each API: their method ids are the same".into()),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    build(&apis, context)
}

fn build(
    apis: &[(Api, &SourceFile)],
    context: &Context,
) -> Result<(TableFile, Vec<String>), Vec<InputError>> {
    let mut notes = Vec::new();
    let api_names: Vec<&str> = apis.iter().map(|(a, _)| a.name.as_str()).collect();

    // Scopes: every declared one, then any a method lists without declaring it.
    let mut scope_urls: Vec<(String, String, &str)> = Vec::new();
    let mut known: HashSet<String> = HashSet::new();
    for (api, _) in apis {
        for (url, description) in &api.scopes {
            if known.insert(url.clone()) {
                scope_urls.push((url.clone(), description.clone(), api.name.as_str()));
            }
        }
    }
    for (api, _) in apis {
        for (_, method) in &api.methods {
            for url in &method.scopes {
                if known.insert(url.clone()) {
                    notes.push(format!(
                        "{}: `{}` lists the scope {}, which `auth.oauth2.scopes` does not declare",
                        api.file,
                        method.id,
                        quoted(url)
                    ));
                    scope_urls.push((url.clone(), String::new(), api.name.as_str()));
                }
            }
        }
    }

    // Areas: one per API (its scopes and top-level methods), followed by one per top resource
    // below the wrappers as its methods come.
    let mut api_area: HashMap<&str, String> = HashMap::new();
    let mut api_area_ids: Vec<String> = Vec::new();
    for (api, _) in apis {
        let id = unique(&kebab(&api.name), |c| api_area_ids.iter().any(|a| a == c));
        api_area_ids.push(id.clone());
        api_area.insert(api.name.as_str(), id);
    }
    let mut areas: Vec<AreaOut> = Vec::new();

    let mut scope_ids: HashMap<&str, String> = HashMap::new();
    let mut scopes: Vec<ScopeOut> = Vec::with_capacity(scope_urls.len());
    for (url, description, api) in &scope_urls {
        let base = match scope_base_id(url) {
            b if b.is_empty() => "scope".to_owned(),
            b => b,
        };
        let id = unique(&base, |c| scopes.iter().any(|s| s.id == c));
        let (class, why) = risk_of(url, &api_names);
        let summary = if description.trim().is_empty() {
            format!("OAuth 2.0 scope {url}")
        } else {
            description.trim().to_owned()
        };
        scope_ids.insert(url.as_str(), id.clone());
        let alias = scope_alias(url).filter(|alias| *alias != id);
        scopes.push(ScopeOut {
            name: url.clone(),
            id,
            area: api_area.get(api).cloned().unwrap_or_default(),
            levels: FlowSeq(Vec::new()),
            risk: RiskOut::One(class),
            summary,
            risk_reason: Some(why),
            aliases: FlowSeq(alias.into_iter().collect()),
        });
    }

    // Endpoints.
    let mut endpoints: Vec<EndpointOut> = Vec::new();
    let mut names: HashSet<String> = HashSet::new();
    let mut routes = Routes::default();
    let mut errors = Vec::new();
    for (api, file) in apis {
        let area_base = api_area.get(api.name.as_str()).cloned().unwrap_or_default();
        areas.push(AreaOut {
            id: area_base.clone(),
            title: format!("{} {}", api.title, api.version),
        });
        for (chain, method) in &api.methods {
            if !names.insert(method.id.to_lowercase()) || method.id.trim().is_empty() {
                errors.push(InputError::at(
                    file,
                    file.span(0, 0),
                    format!(
                        "the method id {} is empty or used twice",
                        quoted(&method.id)
                    ),
                    "this document",
                    None,
                ));
                continue;
            }
            let area = area_of(api, chain, &area_base, &api_area_ids, &mut areas);
            let mut seen = BTreeSet::new();
            let mut alternatives: Vec<Vec<String>> = Vec::new();
            let (general, mut partial): (Vec<&String>, Vec<&String>) = method
                .scopes
                .iter()
                .partition(|url| !PARTIAL_REACH.contains(&url.as_str()));
            partial.sort_by_key(|url| PARTIAL_REACH.iter().position(|p| p == url));
            for url in general.into_iter().chain(partial) {
                if !seen.insert(url.as_str()) {
                    notes.push(format!(
                        "{}: `{}` lists the scope {} twice",
                        api.file,
                        method.id,
                        quoted(url)
                    ));
                    continue;
                }
                if let Some(id) = scope_ids.get(url.as_str()) {
                    alternatives.push(vec![id.clone()]);
                }
            }
            let (requires, evidence_reason) = if alternatives.is_empty() {
                (
                    vec![Vec::new()],
                    Some("the Discovery document lists no OAuth scope for this method, so it is read as callable with any token (Google then serves public data, also to an API key)".to_owned()),
                )
            } else {
                (alternatives, None)
            };
            let relative = method.flat_path.as_deref().unwrap_or(&method.path);
            let mut paths: Vec<(String, Result<String, String>)> =
                vec![(method.id.clone(), full_path(api, relative))];
            if let Some(protocols) = method
                .media_upload
                .as_ref()
                .and_then(|m| m.protocols.as_ref())
            {
                let mut uploads: Vec<&(String, ProtocolIn)> = protocols.0.iter().collect();
                uploads.sort_by_key(|(name, _)| match name.as_str() {
                    "simple" => (0, String::new()),
                    "resumable" => (1, String::new()),
                    other => (2, other.to_owned()),
                });
                for (protocol, p) in uploads {
                    let label = match protocol.as_str() {
                        "simple" => "upload".to_owned(),
                        "resumable" => "resumable upload".to_owned(),
                        other => format!("{other} upload"),
                    };
                    paths.push((format!("{} ({label})", method.id), full_path(api, &p.path)));
                }
            }
            for (name, path) in paths {
                let (method_text, path_text) = routes.place(&name, method.http_method.0, path);
                endpoints.push(EndpointOut {
                    name: Some(name),
                    method: method_text,
                    path: path_text,
                    area: area.clone(),
                    requires: FlowSeq(requires.clone()),
                    least: None,
                    requires_by_kind: ByKind::default(),
                    least_by_kind: LeastByKind::default(),
                    evidence: evidence(evidence_reason.as_deref()),
                    evidence_reason: evidence_reason.clone(),
                    source: api.documentation.clone(),
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    notes.extend(routes.notes());

    let mut base_urls: Vec<String> = Vec::new();
    for (api, _) in apis {
        if !base_urls.contains(&api.origin) {
            base_urls.push(api.origin.clone());
        }
    }
    let (api_id, title) = match apis {
        [(only, _)] => (
            kebab(&only.name),
            format!("{} {}", only.title, only.version),
        ),
        _ => (
            "google".to_owned(),
            format!(
                "Google APIs: {}",
                apis.iter()
                    .map(|(a, _)| format!("{} {}", a.title, a.version))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    };
    let table = TableFile {
        case_insensitive_paths: None,
        api: api_id,
        title,
        provider: "Google".into(),
        token_dialog: "the scopes the app requests at sign-in; Google Cloud console → Google Auth Platform → Data access".into(),
        source: source_line(apis, context),
        retrieved: context.retrieved.clone(),
        base_urls: FlowSeq(base_urls),
        token_kinds: FlowSeq(Vec::new()),
        always_granted: FlowSeq(Vec::new()),
        scopes,
        areas,
        endpoints,
    };
    Ok((table, notes))
}

/// The area of a method (see the module documentation), added to `areas` on first use.
fn area_of(
    api: &Api,
    chain: &[String],
    api_area: &str,
    api_areas: &[String],
    areas: &mut Vec<AreaOut>,
) -> String {
    let Some(depth) = (if chain.len() > api.wrappers {
        Some(api.wrappers + 1)
    } else if api.wrappers > 0 && chain.len() == api.wrappers {
        Some(api.wrappers)
    } else {
        None
    }) else {
        return api_area.to_owned();
    };
    let path = &chain[..depth];
    let title = format!("{} {}: {}", api.title, api.version, path.join("."));
    if let Some(area) = areas.iter().find(|a| a.title == title) {
        return area.id.clone();
    }
    let last = path.last().map_or("", String::as_str);
    let base = format!("{api_area}-{}", kebab(last));
    let base = if base.ends_with('-') {
        format!("{api_area}-resource")
    } else {
        base
    };
    let id = unique(&base, |c| {
        areas.iter().any(|a| a.id == c) || api_areas.iter().any(|a| a == c)
    });
    areas.push(AreaOut {
        id: id.clone(),
        title,
    });
    id
}

/// `source:`: where the documents come from, each with its revision and commit.
fn source_line(apis: &[(Api, &SourceFile)], context: &Context) -> String {
    let files: Vec<String> = apis
        .iter()
        .map(|(api, _)| {
            let mut s = api.file.clone();
            if !api.revision.is_empty() {
                s.push_str(&format!(" (revision {})", api.revision));
            }
            if let Some(sha) = context.commits.of(&api.file) {
                s.push_str(&format!(" @ {sha}"));
            }
            s
        })
        .collect();
    let any_commit = apis
        .iter()
        .any(|(api, _)| context.commits.of(&api.file).is_some());
    let origin = if any_commit {
        "https://github.com/googleapis/discovery-artifact-manager discoveries/"
    } else {
        "Google API Discovery documents"
    };
    format!("{origin}: {}", files.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import_texts(files: &[(&str, &str)]) -> Result<(TableFile, Vec<String>), Vec<InputError>> {
        let files: Vec<SourceFile> = files
            .iter()
            .map(|(name, text)| SourceFile::new(*name, *text))
            .collect();
        import(&files, &Context::default())
    }

    fn table(files: &[(&str, &str)]) -> (TableFile, Vec<String>) {
        import_texts(files).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn endpoint<'t>(t: &'t TableFile, name: &str) -> &'t EndpointOut {
        t.endpoints
            .iter()
            .find(|e| e.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no {name}"))
    }

    /// A small document in the shape of Gmail's: one wrapping resource, a nested one, an
    /// upload, a flat path, a reserved expansion and a `{id}:verb` segment.
    const MAIL: &str = r#"{
      "kind": "discovery#restDescription", "discoveryVersion": "v1",
      "name": "mail", "version": "v1", "title": "Mail API", "revision": "20240101",
      "rootUrl": "https://mail.example.com/", "servicePath": "",
      "documentationLink": "https://developers.example.com/mail",
      "auth": {"oauth2": {"scopes": {
        "https://mail.example.com/": {"description": "Everything"},
        "https://www.googleapis.com/auth/mail.send": {"description": "Send"},
        "https://www.googleapis.com/auth/mail.readonly": {"description": "Read"}}}},
      "resources": {"users": {
        "methods": {"getProfile": {"id": "mail.users.getProfile", "httpMethod": "GET",
          "path": "mail/v1/users/{userId}/profile",
          "scopes": ["https://mail.example.com/", "https://www.googleapis.com/auth/mail.readonly"]}},
        "resources": {"messages": {
          "methods": {
            "send": {"id": "mail.users.messages.send", "httpMethod": "POST",
              "path": "mail/v1/users/{userId}/messages/send",
              "mediaUpload": {"protocols": {
                "resumable": {"multipart": true, "path": "/resumable/upload/mail/v1/users/{userId}/messages/send"},
                "simple": {"multipart": true, "path": "/upload/mail/v1/users/{userId}/messages/send"}}},
              "scopes": ["https://mail.example.com/", "https://www.googleapis.com/auth/mail.send"]},
            "get": {"id": "mail.users.messages.get", "httpMethod": "GET",
              "path": "mail/v1/{+name}", "flatPath": "mail/v1/users/{usersId}/messages/{messagesId}",
              "scopes": ["https://www.googleapis.com/auth/mail.readonly", "https://www.googleapis.com/auth/mail.other"]},
            "list": {"id": "mail.users.messages.list", "httpMethod": "GET",
              "path": "mail/v1/{+parent}/messages", "scopes": ["https://mail.example.com/"]},
            "disable": {"id": "mail.users.messages.disable", "httpMethod": "POST",
              "path": "mail/v1/users/{userId}/messages/{id}:disable", "scopes": []}
          }}}}}
    }"#;

    const FILES: &str = r#"{
      "kind": "discovery#restDescription", "name": "files", "version": "v2", "title": "Files API",
      "rootUrl": "https://www.example.com/base/", "servicePath": "files/v2/",
      "auth": {"oauth2": {"scopes": {"https://www.googleapis.com/auth/mail.send": {"description": "Send (again)"}}}},
      "methods": {"stat": {"id": "files.stat", "httpMethod": "GET", "path": "stat", "scopes": []}},
      "resources": {"fileList": {"methods": {"get": {"id": "files.fileList.get", "httpMethod": "GET",
        "path": "files/{fileId}", "scopes": ["https://www.googleapis.com/auth/mail.send"]}}}}
    }"#;

    #[test]
    fn scopes_are_alternatives_and_paths_are_full() {
        let (t, notes) = table(&[("mail.v1.json", MAIL)]);
        assert_eq!(t.api, "mail");
        assert_eq!(t.title, "Mail API v1");
        assert_eq!(t.base_urls.0, ["https://mail.example.com"]);
        let send = endpoint(&t, "mail.users.messages.send");
        assert_eq!(
            (send.method.as_str(), send.path.as_str()),
            ("POST", "/mail/v1/users/{userId}/messages/send")
        );
        assert_eq!(
            send.requires.0,
            [vec!["mail-example-com"], vec!["mail-send"]]
        );
        assert_eq!(send.evidence, "documented");
        assert_eq!(send.area, "mail-messages");
        // Uploads: the simple protocol first, both host-absolute.
        let upload = endpoint(&t, "mail.users.messages.send (upload)");
        assert_eq!(upload.path, "/upload/mail/v1/users/{userId}/messages/send");
        assert_eq!(upload.requires.0, send.requires.0);
        let resumable = endpoint(&t, "mail.users.messages.send (resumable upload)");
        assert_eq!(
            resumable.path,
            "/resumable/upload/mail/v1/users/{userId}/messages/send"
        );
        // flatPath over a reserved expansion; a reserved expansion alone is name only.
        let get = endpoint(&t, "mail.users.messages.get");
        assert_eq!(get.path, "/mail/v1/users/{usersId}/messages/{messagesId}");
        let list = endpoint(&t, "mail.users.messages.list");
        assert!(list.path.is_empty() && list.method.is_empty());
        let disable = endpoint(&t, "mail.users.messages.disable");
        assert!(disable.path.is_empty());
        assert_eq!(disable.requires.0, [Vec::<String>::new()]);
        assert_eq!(disable.evidence, "inferred");
        for name in ["mail.users.messages.list", "mail.users.messages.disable"] {
            assert!(
                notes
                    .iter()
                    .any(|n| n.contains(name) && n.contains("by name only")),
                "{notes:?}"
            );
        }
        // A method's undeclared scope is added, and said.
        assert!(
            t.scopes
                .iter()
                .any(|s| s.name == "https://www.googleapis.com/auth/mail.other")
        );
        assert!(
            notes.iter().any(|n| n.contains("does not declare")),
            "{notes:?}"
        );
        // The wrapping resource's own methods have its area.
        assert_eq!(endpoint(&t, "mail.users.getProfile").area, "mail-users");
    }

    #[test]
    fn scope_ids_are_short_and_risk_says_why() {
        let (t, _) = table(&[("mail.v1.json", MAIL)]);
        let scope = |name: &str| {
            t.scopes
                .iter()
                .find(|s| s.name == name)
                .unwrap_or_else(|| panic!("{name}"))
        };
        let full = scope("https://mail.example.com/");
        assert_eq!(full.id, "mail-example-com");
        assert_eq!(full.aliases.0, ["mail.example.com"]);
        assert_eq!(full.area, "mail");
        let read = scope("https://www.googleapis.com/auth/mail.readonly");
        assert_eq!(
            (read.id.as_str(), &read.aliases.0[..]),
            ("mail-readonly", &["mail.readonly".to_owned()][..])
        );
        assert!(matches!(read.risk, RiskOut::One("low")));
        assert!(
            read.risk_reason
                .as_deref()
                .unwrap_or("")
                .contains("not reviewed")
        );
        assert!(matches!(
            scope("https://www.googleapis.com/auth/mail.send").risk,
            RiskOut::One("medium")
        ));
        // Reviewed scopes keep tokenscope's class.
        assert_eq!(
            risk_of("https://www.googleapis.com/auth/gmail.readonly", &[]).0,
            "medium"
        );
        assert_eq!(
            risk_of("https://www.googleapis.com/auth/drive", &["drive"]).0,
            "high"
        );
        assert_eq!(
            risk_of("https://www.googleapis.com/auth/tasks", &["tasks"]).0,
            "high"
        );
    }

    #[test]
    fn several_documents_make_one_table_in_any_order() {
        let (a, _) = table(&[("mail.v1.json", MAIL), ("files.v2.json", FILES)]);
        let (b, _) = table(&[("files.v2.json", FILES), ("mail.v1.json", MAIL)]);
        let text = |t: &TableFile| super::super::out::to_yaml(t).unwrap_or_default();
        assert_eq!(text(&a), text(&b));
        assert_eq!(a.api, "google");
        assert_eq!(
            a.base_urls.0,
            ["https://www.example.com", "https://mail.example.com"]
        );
        // A scope two documents declare is listed once, with the first description.
        let send: Vec<&ScopeOut> = a
            .scopes
            .iter()
            .filter(|s| s.name.ends_with("mail.send"))
            .collect();
        assert_eq!(send.len(), 1);
        // rootUrl's path, then servicePath; top-level methods in the API's own area.
        let stat = endpoint(&a, "files.stat");
        assert_eq!(
            (stat.path.as_str(), stat.area.as_str()),
            ("/base/files/v2/stat", "files")
        );
        assert_eq!(endpoint(&a, "files.fileList.get").area, "files-file-list");
        let areas: Vec<&str> = a.areas.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(
            areas,
            [
                "files",
                "files-file-list",
                "mail",
                "mail-users",
                "mail-messages"
            ]
        );
    }

    #[test]
    fn bad_documents_are_located_errors() {
        let cases: [(&str, &str); 6] = [
            (
                "{\"kind\": \"discovery#restDescription\", \"name\": ",
                "not valid JSON",
            ),
            ("[1, 2]", "invalid type"),
            (
                "{\"openapi\": \"3.0.0\"}",
                "not a Google API Discovery document",
            ),
            (
                r#"{"kind": "discovery#restDescription", "name": "x", "version": "v1", "title": "X", "rootUrl": "ftp://x/"}"#,
                "`rootUrl`",
            ),
            (
                r#"{"kind": "discovery#restDescription", "name": "x", "version": "v1", "title": "X", "rootUrl": "https://x/", "methods": {"a": {"id": "a", "httpMethod": "FETCH", "path": "a"}}}"#,
                "not an HTTP method",
            ),
            (
                r#"{"kind": "discovery#restDescription", "name": "x", "version": "v1", "title": "X", "rootUrl": "https://x/", "methods": {"a": {"id": "a", "httpMethod": "GET", "path": "a"}, "b": {"id": "a", "httpMethod": "GET", "path": "b"}}}"#,
                "used twice",
            ),
        ];
        for (text, expected) in cases {
            let Err(errors) = import_texts(&[("x.json", text)]) else {
                panic!("{text} imported");
            };
            let all: String = errors.iter().map(|e| format!("{e}\n")).collect();
            assert!(all.contains(expected), "{text}: {all}");
        }
        let Err(errors) = import_texts(&[("a.json", MAIL), ("b.json", MAIL)]) else {
            panic!("two of one API imported");
        };
        assert!(
            errors[0]
                .to_string()
                .contains("a second document for the API `mail`")
        );
    }
}
