//! Reading the docs site for `table drift`: `llms.txt` at the docs URL, then every API
//! reference page it lists on the same origin — async, bounded, and apart from the pure
//! comparison in [`super::drift`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use url::Url;

use super::client::Http;
use super::docs::{self, Meter};
use super::drift::{Docs, Page, page_key};
use super::error::LiveError;
use super::http::{Body, Policy, Redirects, Target, Trace, checked_url, display_url, parsed_url};

const ACCEPT_MARKDOWN: &str = "text/markdown, text/plain;q=0.9, */*;q=0.1";
const MAX_INDEX_BYTES: usize = 4 * 1024 * 1024;
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
const MAX_PAGES: usize = 2000;

/// What fetching the docs produced, besides the docs.
#[derive(Debug)]
pub struct Fetched {
    pub docs: Docs,
    /// Pages that were skipped for a reason worth telling (sorted).
    pub warnings: Vec<String>,
    /// Pages that could not be read after the retries (sorted); any makes the run exit 3.
    pub failures: Vec<String>,
    /// API reference links the index points to on another origin, not read (sorted).
    pub offsite: Vec<String>,
    /// `-v` lines: the index's, then each page's, in address order.
    pub log: Vec<String>,
}

/// The address of the index: `<docs>/llms.txt`, or the URL itself when it names a `.txt`;
/// on the docs' host, so reached as that host is.
pub fn index_url(docs_url: &str) -> Result<Target, LiveError> {
    let target = checked_url(docs_url, "docs URL")?;
    let base = &target.url;
    if base.path().ends_with(".txt") {
        return Ok(target);
    }
    let mut dir = base.clone();
    if !dir.path().ends_with('/') {
        let path = format!("{}/", dir.path());
        dir.set_path(&path);
    }
    let url = dir.join("llms.txt").map_err(|e| LiveError::BadUrl {
        shown: format!("`{}`", display_url(base)),
        what: "docs URL",
        why: e.to_string(),
        help: None,
    })?;
    Ok(Target { url, ..target })
}

/// Reads the index and every API reference page it lists, concurrently.
pub fn fetch(index: &Target, policy: Policy, verbosity: u8) -> Result<Fetched, LiveError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LiveError::Setup { why: e.to_string() })?;
    runtime.block_on(fetch_async(index, policy, verbosity))
}

async fn fetch_async(target: &Target, policy: Policy, verbosity: u8) -> Result<Fetched, LiveError> {
    let index = &target.url;
    let http = Http::new(policy, Redirects::SameOrigin(index.origin()), target)?;
    let shown = display_url(index);
    let mut trace = Trace::new(verbosity);
    let text = read_index(&http, index, &mut trace).await?;
    let mut log = std::mem::take(&mut trace.lines);
    let PagePlan {
        wanted,
        mut listed,
        mut warnings,
        offsite,
    } = plan_pages(index, &text);
    if verbosity >= 1 {
        let origin = index.origin().ascii_serialization();
        for url in &offsite {
            log.push(format!(
                "not reading {url}: not on the docs' origin {origin}"
            ));
        }
    }
    if wanted.is_empty() {
        return Err(LiveError::DocsEmpty { url: shown });
    }
    if wanted.len() > MAX_PAGES {
        warnings.push(format!(
            "{shown} lists {} reference pages; only the first {MAX_PAGES} are read",
            wanted.len()
        ));
    }

    let permits = Arc::new(tokio::sync::Semaphore::new(http.policy().concurrency));
    let mut set = tokio::task::JoinSet::new();
    for (key, (url, source, title)) in wanted.into_iter().take(MAX_PAGES) {
        let http = http.clone();
        let permits = Arc::clone(&permits);
        set.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let mut trace = Trace::new(verbosity);
            let result = http
                .get(
                    &url,
                    ACCEPT_MARKDOWN,
                    None,
                    Body::Read(MAX_PAGE_BYTES),
                    &mut trace,
                )
                .await;
            (key, url, source, title, result, trace.lines)
        });
    }
    let mut docs = Docs::default();
    let mut failures = Vec::new();
    let mut page_logs = BTreeMap::new();
    while let Some(joined) = set.join_next().await {
        let Ok((key, url, source, title, result, lines)) = joined else {
            failures.push("a page fetch stopped unexpectedly".to_owned());
            continue;
        };
        page_logs.insert(key, lines);
        let shown = display_url(&url);
        match result {
            Err(failure) => failures.push(format!("{shown}: {failure}")),
            Ok(a) if (200..=299).contains(&a.status) => {
                let mut meter = Meter::until(http.deadline());
                let Ok(facts) =
                    docs::parse_page_within(&String::from_utf8_lossy(&a.body), &mut meter)
                else {
                    failures.push(format!(
                        "{shown}: the run's deadline was reached while reading the page"
                    ));
                    continue;
                };
                docs.read += 1;
                if facts.is_endpoint() {
                    docs.pages.push(Page::new(source, &title, facts));
                } else {
                    docs.skipped += 1;
                }
            }
            Ok(a) => {
                // Listed but gone: the endpoints it documented count as removed.
                listed.remove(&page_key(&source));
                docs.skipped += 1;
                warnings.push(format!("{shown}: HTTP {}; skipped", a.status));
            }
        }
    }
    for lines in page_logs.into_values() {
        log.extend(lines);
    }
    docs.pages
        .sort_by(|a, b| (&a.source, &a.title).cmp(&(&b.source, &b.title)));
    docs.listed = listed;
    warnings.sort();
    failures.sort();
    Ok(Fetched {
        docs,
        warnings,
        failures,
        offsite,
        log,
    })
}

/// The index's text; an index that cannot be read ends the run.
async fn read_index(http: &Http, index: &Url, trace: &mut Trace) -> Result<String, LiveError> {
    let unreachable = |why: String| LiveError::DocsUnreachable {
        url: display_url(index),
        why,
    };
    let answer = http
        .get(
            index,
            ACCEPT_MARKDOWN,
            None,
            Body::Read(MAX_INDEX_BYTES),
            trace,
        )
        .await
        .map_err(|f| unreachable(f.to_string()))?;
    if !(200..=299).contains(&answer.status) {
        return Err(unreachable(format!("HTTP {}", answer.status)));
    }
    Ok(String::from_utf8_lossy(&answer.body).into_owned())
}

/// The pages an index lists, sorted out: what to fetch, what is listed, and what is left out.
#[derive(Debug, Default)]
struct PagePlan {
    /// Fetch URL → (URL, source, link title), one per API reference page on the docs' origin.
    wanted: BTreeMap<String, (Url, String, String)>,
    /// The page key of every link on the docs' origin.
    listed: BTreeSet<String>,
    warnings: Vec<String>,
    /// API reference links on another origin (sorted, shown without query or credentials).
    offsite: Vec<String>,
}

/// Sorts the index's links. Only the docs' own origin (the index's scheme, host and port) is
/// read: a link elsewhere, whatever it claims to be, is neither fetched nor counted as listed,
/// so an index cannot send tokenscope to another host or port.
fn plan_pages(index: &Url, text: &str) -> PagePlan {
    let origin = index.origin();
    let mut plan = PagePlan::default();
    let mut offsite = BTreeSet::new();
    for link in docs::parse_index(text) {
        let Ok(url) = index.join(&link.url) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        let key = page_key(url.as_str());
        if url.origin() != origin {
            if key.contains("/api-reference/") {
                offsite.insert(display_url(&url));
            }
            continue;
        }
        plan.listed.insert(key.clone());
        if !key.contains("/api-reference/") {
            continue;
        }
        // On the docs' origin, so its host is the docs' own: only its form is checked.
        if let Err(e) = parsed_url(url.as_str(), "docs page URL") {
            plan.warnings
                .push(format!("{}: skipped: {e}", display_url(&url)));
            continue;
        }
        let mut fetch_url = url.clone();
        fetch_url.set_fragment(None);
        if !fetch_url.path().ends_with(".md") {
            let path = format!("{}.md", fetch_url.path().trim_end_matches('/'));
            fetch_url.set_path(&path);
        }
        let mut source = fetch_url.clone();
        source.set_query(None);
        let source_text = source.as_str();
        let source_text = source_text
            .strip_suffix(".md")
            .unwrap_or(source_text)
            .to_owned();
        plan.wanted
            .entry(fetch_url.to_string())
            .or_insert((fetch_url, source_text, link.title));
    }
    plan.offsite = offsite.into_iter().collect();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_llms_txt_under_the_docs_url() {
        let url = |s: &str| index_url(s).map(|t| t.url.to_string()).ok();
        assert_eq!(
            url("https://help.texterchat.com").as_deref(),
            Some("https://help.texterchat.com/llms.txt")
        );
        assert_eq!(
            url("http://127.0.0.1:8/docs").as_deref(),
            Some("http://127.0.0.1:8/docs/llms.txt")
        );
        assert_eq!(
            url("https://x.dev/llms.txt").as_deref(),
            Some("https://x.dev/llms.txt")
        );
        assert!(matches!(
            index_url("http://help.texterchat.com"),
            Err(LiveError::InsecureUrl { .. })
        ));
    }
}
