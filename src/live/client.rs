//! The HTTP client of the live commands (reqwest with rustls): one per run, with retries,
//! backoff, `Retry-After`, the run's deadline, bounded bodies, and redirects kept on the
//! origin asked for. Built only with the `live` feature.

use std::fmt;
use std::time::{Instant, SystemTime};

use reqwest::header::{ACCEPT, RETRY_AFTER};
use reqwest::redirect;
use url::Url;

use super::error::LiveError;
use super::http::{
    Answer, Body, Failure, FailureKind, Policy, Redirects, Target, Trace, USER_AGENT,
    deadline_from, display_url, human_duration, parse_retry_after,
};
use super::secret::Secret;

/// The reqwest policy of a [`Redirects`].
trait RedirectPolicy {
    fn policy(self) -> redirect::Policy;
}

impl RedirectPolicy for Redirects {
    fn policy(self) -> redirect::Policy {
        match self {
            Redirects::None => redirect::Policy::none(),
            Redirects::SameOrigin(origin) => redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= 5 {
                    attempt.error("more than 5 redirects")
                } else if attempt.url().origin() == origin {
                    attempt.follow()
                } else {
                    let to = attempt.url().origin().ascii_serialization();
                    attempt.error(OffOrigin(to))
                }
            }),
        }
    }
}

/// A redirect to another origin, refused.
#[derive(Debug)]
struct OffOrigin(String);

impl fmt::Display for OffOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "redirected to another origin ({}), which is not followed",
            self.0
        )
    }
}

impl std::error::Error for OffOrigin {}

/// The one HTTP client of a run, with its policy and deadline.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    policy: Policy,
    deadline: Instant,
}

impl Http {
    /// Builds the client for one target. The API's client follows no redirect (one is
    /// reported, not followed with the token); the docs' follows redirects within the docs'
    /// origin only. A local target gets no proxy, and a pinned name its addresses only.
    pub fn new(policy: Policy, redirects: Redirects, target: &Target) -> Result<Http, LiveError> {
        // The process-wide rustls provider; a second install (another run in the same
        // process) is refused harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(policy.timeout)
            .redirect(redirects.policy());
        if target.is_local() {
            builder = builder.no_proxy();
        }
        if let (false, Some(url::Host::Domain(name))) =
            (target.pinned.is_empty(), target.url.host())
        {
            builder = builder.resolve_to_addrs(name, &target.pinned);
        }
        let client = builder.build().map_err(|e| LiveError::Setup {
            why: root_cause(&e),
        })?;
        Ok(Http {
            client,
            policy,
            deadline: deadline_from(Instant::now(), policy.deadline),
        })
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// When the run must be over: work after the requests (parsing) stops then too.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// GETs `url`, retrying 408, 429, 5xx, timeouts and connection errors. `auth` goes in the
    /// `Authorization: Bearer` header (marked sensitive) and nowhere else.
    pub async fn get(
        &self,
        url: &Url,
        accept: &str,
        auth: Option<&Secret>,
        body: Body,
        trace: &mut Trace,
    ) -> Result<Answer, Failure> {
        let shown = display_url(url);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                trace.log(1, || format!("GET {shown}: deadline reached"));
                return Err(Failure {
                    kind: FailureKind::Deadline,
                    attempts: attempt - 1,
                });
            }
            let limit = self.policy.timeout.min(remaining);
            let outcome = tokio::time::timeout(limit, self.once(url, accept, auth, body)).await;
            let (kind, retry_after) = match outcome {
                Err(_) if limit < self.policy.timeout => (FailureKind::Deadline, None),
                Err(_) => (FailureKind::Timeout(limit), None),
                Ok(Err(kind)) => (kind, None),
                Ok(Ok((answer, retry_after))) => {
                    let status = answer.status;
                    if !retryable(status) {
                        trace.log(1, || format!("GET {shown} → {status} (attempt {attempt})"));
                        return Ok(answer);
                    }
                    (FailureKind::Status(status), retry_after)
                }
            };
            let failure = Failure {
                kind,
                attempts: attempt,
            };
            let fatal = matches!(
                failure.kind,
                FailureKind::Deadline | FailureKind::TooLarge(_) | FailureKind::Redirect(_)
            );
            if fatal || attempt > self.policy.retries {
                trace.log(1, || format!("GET {shown}: {failure}; giving up"));
                return Err(failure);
            }
            let wait_for = retry_after
                .as_deref()
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            let wait = self.policy.delay(attempt, wait_for, fastrand::f64());
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            if wait >= remaining {
                let kind = match (failure.kind, wait_for) {
                    (FailureKind::Status(status), Some(asked)) if asked >= remaining => {
                        FailureKind::RetryAfterPastDeadline {
                            status,
                            wait: asked,
                        }
                    }
                    (kind, _) => kind,
                };
                let failure = Failure {
                    kind,
                    attempts: attempt,
                };
                trace.log(1, || {
                    format!("GET {shown}: {failure}; no time left to retry before the deadline")
                });
                return Err(failure);
            }
            trace.log(1, || {
                let asked = wait_for
                    .map(|d| format!(" (Retry-After: {})", human_duration(d)))
                    .unwrap_or_default();
                format!(
                    "GET {shown}: {}{asked}; retry {attempt} of {}",
                    failure.kind_text(),
                    self.policy.retries
                )
            });
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: the answer and its `Retry-After` header, or why there is none.
    async fn once(
        &self,
        url: &Url,
        accept: &str,
        auth: Option<&Secret>,
        body: Body,
    ) -> Result<(Answer, Option<String>), FailureKind> {
        let mut request = self.client.get(url.clone()).header(ACCEPT, accept);
        if let Some(token) = auth {
            request = request.bearer_auth(token.expose());
        }
        let mut response = request.send().await.map_err(|e| transport(&e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        if let Body::Read(max) = body {
            while let Some(chunk) = response.chunk().await.map_err(|e| transport(&e))? {
                if bytes.len() + chunk.len() > max {
                    return Err(FailureKind::TooLarge(max));
                }
                bytes.extend_from_slice(&chunk);
            }
        }
        Ok((
            Answer {
                status,
                body: bytes,
            },
            retry_after,
        ))
    }
}

impl Failure {
    fn kind_text(&self) -> String {
        Failure {
            kind: self.kind.clone(),
            attempts: 1,
        }
        .to_string()
    }
}

fn retryable(status: u16) -> bool {
    status == 408 || status == 429 || (500..=599).contains(&status)
}

fn transport(e: &reqwest::Error) -> FailureKind {
    let cause = root_cause(e);
    if e.is_redirect() {
        FailureKind::Redirect(cause)
    } else if e.is_connect() {
        FailureKind::Transport(format!("cannot connect: {cause}"))
    } else if e.is_timeout() {
        FailureKind::Transport(format!("timed out: {cause}"))
    } else {
        FailureKind::Transport(cause)
    }
}

/// The innermost cause of an error (the URL-free part, e.g. "Connection refused").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = current.source() {
        current = next;
    }
    let text = current.to_string();
    if std::ptr::addr_eq(current, e) {
        // No deeper cause: drop the URL reqwest appends.
        match text.find(" for url (") {
            Some(i) => text[..i].to_owned(),
            None => text,
        }
    } else {
        text
    }
}
