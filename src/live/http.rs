//! HTTP for the live commands: one rustls client per run, GET only, a per-request timeout,
//! retries with exponential backoff and jitter (honouring `Retry-After`), and a deadline for
//! the whole run.

use std::fmt;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use clap::Args;
use url::Url;

use super::error::LiveError;

/// Sent with every request.
pub const USER_AGENT: &str = concat!("tokenscope/", env!("CARGO_PKG_VERSION"));

/// Network options shared by `verify` and `table drift`.
#[derive(Clone, Debug, Args)]
pub struct NetArgs {
    /// How many requests may be in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub concurrency: u16,
    /// Time limit of one request, e.g. `10s` or `500ms`.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Retries of a request answered 429 or 5xx, or that failed to connect or timed out.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: u32,
    /// Time limit of the whole run; requests still unanswered then count as failed.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub deadline: Duration,
    /// First retry delay; it doubles with every retry (with jitter), up to 8s.
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = parse_duration, hide = true)]
    pub backoff: Duration,
    /// Log every request and retry on stderr (`-vv`, or RUST_LOG=debug/trace, for more). The
    /// token is never logged.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Timeouts and retries, as [`NetArgs`] set them.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub concurrency: usize,
    pub timeout: Duration,
    pub retries: u32,
    pub backoff: Duration,
    pub max_backoff: Duration,
    pub deadline: Duration,
}

impl Policy {
    pub fn from_args(args: &NetArgs) -> Policy {
        Policy {
            concurrency: usize::from(args.concurrency.max(1)),
            timeout: args.timeout,
            retries: args.retries,
            backoff: args.backoff,
            max_backoff: Duration::from_secs(8),
            deadline: args.deadline,
        }
    }

    /// The wait before retry number `retry` (1-based): the exponential delay with "equal
    /// jitter" (`unit` in [0, 1) picks a point in its upper half), and never less than what
    /// the server asked for with `Retry-After`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(16));
        let exp = self.backoff.saturating_mul(factor).min(self.max_backoff);
        let jittered = exp / 2 + exp.mul_f64(unit.clamp(0.0, 1.0) / 2.0);
        retry_after.map_or(jittered, |ra| ra.max(jittered))
    }
}

/// Whether logging is on: `-v`, or `RUST_LOG` asking for debug or trace output.
pub fn verbosity(args: &NetArgs) -> u8 {
    let from_env = std::env::var("RUST_LOG").map_or(0, |v| {
        let v = v.to_ascii_lowercase();
        if v.contains("trace") {
            2
        } else if v.contains("debug") || v.contains("info") {
            1
        } else {
            0
        }
    });
    args.verbose.max(from_env)
}

/// The longest duration any flag accepts: a run of the live commands never needs more, and a
/// bound keeps every `Instant + duration` far from overflowing.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// Parses `250ms`, `10s`, `2m` or a bare number of seconds, between 1ms and 24 hours. The
/// messages never repeat the value: it may be a secret pasted into the wrong flag.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let not_one = || "not a duration such as `10s` or `500ms`".to_owned();
    let too_long = || "longer than 24 hours, the most a duration may be".to_owned();
    let millis_per_unit: u64 = match unit.trim() {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        _ if number.is_empty() => return Err(not_one()),
        _ => return Err("use the unit `ms`, `s` or `m`".into()),
    };
    if number.is_empty() {
        return Err(not_one());
    }
    // All digits: a number too big for `u64` is too long, not malformed.
    let n: u64 = number.parse().map_err(|_| too_long())?;
    let millis = n.checked_mul(millis_per_unit).ok_or_else(too_long)?;
    let d = Duration::from_millis(millis);
    if d.is_zero() {
        return Err("a duration must be more than zero".into());
    }
    if d > MAX_DURATION {
        return Err(too_long());
    }
    Ok(d)
}

/// A URL as it may be shown: no credentials, query string or fragment.
pub fn display_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// `now + after`, saturating: a duration flag is at most [`MAX_DURATION`], but no value may
/// make the addition panic.
pub fn deadline_from(now: Instant, after: Duration) -> Instant {
    now.checked_add(after)
        .or_else(|| now.checked_add(MAX_DURATION))
        .unwrap_or(now)
}

/// Whether a URL's host is a loopback address written as such (127.0.0.0/8, `::1`). A name
/// such as `localhost` is not taken on its word: see [`checked_url`].
pub fn is_loopback_ip(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    }
}

/// Resolves a host name to socket addresses (the system resolver, or a stand-in in tests).
pub type Lookup<'a> = &'a dyn Fn(&str, u16) -> std::io::Result<Vec<SocketAddr>>;

/// The system resolver.
pub fn system_lookup(host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    use std::net::ToSocketAddrs;
    Ok((host, port).to_socket_addrs()?.collect())
}

/// A URL the live commands may call, and where its host is reached.
#[derive(Clone, Debug)]
pub struct Target {
    pub url: Url,
    /// For a host name that resolved to loopback addresses only: those addresses. The client
    /// connects to them and never asks DNS again, so a second answer cannot differ.
    pub pinned: Vec<SocketAddr>,
}

impl Target {
    /// A target reached by the usual DNS lookup (https).
    pub fn unpinned(url: Url) -> Target {
        Target {
            url,
            pinned: Vec::new(),
        }
    }

    /// Whether the host is this machine: then no proxy is used.
    pub fn is_local(&self) -> bool {
        !self.pinned.is_empty() || is_loopback_ip(&self.url)
    }
}

/// The addresses a plain-http URL's host is reached at, when it is certainly this machine: a
/// loopback address, or a name that resolves and whose every address is loopback (pinned).
/// Anything else is refused, since the request would travel unencrypted.
fn loopback_proof(url: &Url, lookup: Lookup<'_>) -> Result<Vec<SocketAddr>, LiveError> {
    let insecure = |why: &str| LiveError::InsecureUrl {
        host: url.host_str().unwrap_or("").to_owned(),
        why: why.to_owned(),
    };
    let leaves = "the request would leave this machine unencrypted";
    match url.host() {
        Some(url::Host::Domain(name)) => {
            let port = url.port_or_known_default().unwrap_or(80);
            let addrs = lookup(name, port).map_err(|_| {
                insecure("the name does not resolve, so it is not known to be this machine")
            })?;
            if addrs.is_empty() {
                return Err(insecure("the name resolves to no address"));
            }
            if !addrs.iter().all(|a| a.ip().is_loopback()) {
                return Err(insecure(&format!(
                    "the name resolves to an address off this machine: {leaves}"
                )));
            }
            Ok(addrs)
        }
        _ if is_loopback_ip(url) => Ok(Vec::new()),
        _ => Err(insecure(leaves)),
    }
}

/// Whether `host` is a host name as DNS writes it: dot-separated DNS labels (a final dot
/// allowed), 253 characters at most.
pub fn is_host_name(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty() && name.len() <= 253 && name.split('.').all(is_dns_label)
}

/// Letters, digits and inner `-`, 1 to 63 characters: what one part of a host name may be.
pub fn is_dns_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// Why `value` is not a DNS label, told without repeating it (it may be a token pasted into
/// the wrong flag): its length, and which characters a label cannot hold.
pub fn label_problems(value: &str) -> String {
    let mut problems = Vec::new();
    let count = value.chars().count();
    if count == 0 {
        return "it is empty".into();
    }
    if count > 63 {
        problems.push(format!("{count} characters (at most 63)"));
    }
    let mut marks: Vec<char> = Vec::new();
    let mut other = false;
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            continue;
        }
        if c.is_ascii_punctuation() {
            if !marks.contains(&c) {
                marks.push(c);
            }
        } else {
            other = true;
        }
    }
    marks.sort_unstable();
    if !marks.is_empty() {
        let list: Vec<String> = marks.iter().map(|c| format!("`{c}`")).collect();
        problems.push(format!("contains {}", list.join(", ")));
    }
    if other {
        problems.push("contains blanks, control or non-ASCII characters".into());
    }
    if value.starts_with('-') || value.ends_with('-') {
        problems.push("starts or ends with `-`".into());
    }
    problems.join(", ")
}

/// How a refused URL may appear in its error: `` `scheme://host:port` `` when the host is a
/// plain host name or an IP address, else a description. Never the path, credentials or
/// query, nor the text as typed: it may be a secret pasted into the wrong flag.
fn shown_origin(url: &Url) -> String {
    let plain = match url.host() {
        Some(url::Host::Domain(d)) => is_host_name(d),
        Some(_) => true,
        None => false,
    };
    if plain && matches!(url.scheme(), "http" | "https") {
        format!("`{}`", url.origin().ascii_serialization())
    } else {
        "the value given".into()
    }
}

/// A URL the live commands may call, resolved with the system resolver: see [`checked_url_with`].
pub fn checked_url(raw: &str, what: &'static str) -> Result<Target, LiveError> {
    checked_url_with(raw, what, &system_lookup)
}

/// Checks a URL the live commands may call: https, or plain http to this machine only (see
/// [`loopback_proof`]). Nothing has been connected to when this fails.
pub fn checked_url_with(
    raw: &str,
    what: &'static str,
    lookup: Lookup<'_>,
) -> Result<Target, LiveError> {
    let url = parsed_url(raw, what)?;
    let pinned = if url.scheme() == "http" {
        loopback_proof(&url, lookup)?
    } else {
        Vec::new()
    };
    Ok(Target { url, pinned })
}

/// Parses a URL of the form the live commands call: http or https, a plain host name, no
/// credentials, query string or fragment. The error never repeats more of the value than its
/// origin.
pub fn parsed_url(raw: &str, what: &'static str) -> Result<Url, LiveError> {
    let bad = |shown: String, why: &str, help: Option<&str>| LiveError::BadUrl {
        shown,
        what,
        why: why.to_owned(),
        help: help.map(str::to_owned),
    };
    let url = Url::parse(raw.trim()).map_err(|e| {
        bad(
            "the value given".into(),
            &format!("not a URL ({e})"),
            Some("write the whole URL, starting with https://"),
        )
    })?;
    let shown = shown_origin(&url);
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(
            shown,
            "only https:// URLs are called (and http:// to loopback)",
            None,
        ));
    }
    match url.host() {
        None => return Err(bad(shown, "it names no host", None)),
        Some(url::Host::Domain(d)) if !is_host_name(d) => {
            return Err(bad(
                shown,
                "its host is not a host name (letters, digits, `-` and dots)",
                None,
            ));
        }
        Some(_) => {}
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            shown,
            "it holds credentials",
            Some("the token goes in the Authorization header only: remove `user:password@`"),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad(
            shown,
            "it has a query string or fragment",
            Some("remove everything from `?` or `#` on"),
        ));
    }
    Ok(url)
}

/// `https://{project}.texterchat.com/server/api/v2`, for a valid project id (a DNS label).
/// An invalid one is described, never repeated: it may be a token given to the wrong flag.
pub fn project_url(project: &str) -> Result<Url, LiveError> {
    let id = project.trim();
    if !is_dns_label(id) {
        return Err(LiveError::BadProject {
            why: label_problems(id),
        });
    }
    let url = format!(
        "https://{}.texterchat.com/server/api/v2",
        id.to_ascii_lowercase()
    );
    Url::parse(&url).map_err(|e| LiveError::BadUrl {
        shown: "the project URL".into(),
        what: "project URL",
        why: e.to_string(),
        help: None,
    })
}

/// Appends an API-relative path (`/labels`) to a base URL, keeping the base's own path.
pub fn join(base: &Url, path: &str) -> Result<Url, String> {
    let mut text = base.as_str().trim_end_matches('/').to_owned();
    if !path.starts_with('/') {
        text.push('/');
    }
    text.push_str(path);
    Url::parse(&text).map_err(|e| format!("`{text}`: {e}"))
}

/// Log lines of one unit of work (a probe, a page), kept apart so the run can print them in
/// a stable order whatever order the requests finished in.
#[derive(Debug, Default)]
pub struct Trace {
    level: u8,
    pub lines: Vec<String>,
}

impl Trace {
    pub fn new(level: u8) -> Trace {
        Trace {
            level,
            lines: Vec::new(),
        }
    }

    pub fn log(&mut self, level: u8, line: impl FnOnce() -> String) {
        if level <= self.level {
            self.lines.push(line());
        }
    }
}

/// Why a request gave no usable answer, after its retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// No answer within the per-request timeout.
    Timeout(Duration),
    /// The connection failed (refused, reset, TLS, DNS, a malformed response).
    Transport(String),
    /// The server kept answering 429 or 5xx.
    Status(u16),
    /// The run's deadline came first.
    Deadline,
    /// The server asked, with `Retry-After`, for a wait past the run's deadline.
    RetryAfterPastDeadline { status: u16, wait: Duration },
    /// The answer was longer than the limit for its kind.
    TooLarge(usize),
    /// A redirect that is not followed (to another origin, or too many): retrying cannot help.
    Redirect(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub attempts: u32,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FailureKind::Timeout(t) => write!(f, "no answer within {}", human_duration(*t))?,
            FailureKind::Transport(why) => f.write_str(why)?,
            FailureKind::Status(s) => write!(f, "HTTP {s}")?,
            FailureKind::Deadline => f.write_str("the run's deadline was reached")?,
            FailureKind::RetryAfterPastDeadline { status, wait } => write!(
                f,
                "HTTP {status} asking to retry after {}, past the run's deadline",
                human_duration(*wait)
            )?,
            FailureKind::TooLarge(limit) => write!(f, "the answer is over {limit} bytes")?,
            FailureKind::Redirect(why) => f.write_str(why)?,
        }
        if self.attempts > 1 {
            write!(f, " ({} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

/// `250ms`, `3s`, `1.5s`.
pub fn human_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

/// An answer: its status and (when asked for) its body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// What to do with a response body.
#[derive(Clone, Copy, Debug)]
pub enum Body {
    /// Drop it unread (probes only need the status).
    Discard,
    /// Read it, refusing more than this many bytes.
    Read(usize),
}

/// Which redirects a client follows.
#[derive(Clone, Debug)]
pub enum Redirects {
    /// None: a 3xx is an answer like any other.
    None,
    /// Up to 5, each to this origin (scheme, host and port); one elsewhere fails the request.
    SameOrigin(url::Origin),
}

/// `Retry-After` as a wait: delta-seconds or an HTTP date (IMF-fixdate), relative to `now`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse::<u64>().ok()?.min(86_400)));
    }
    let when = parse_http_date(value)?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_http_date(s: &str) -> Option<SystemTime> {
    let mut parts = s.split_whitespace();
    let _weekday = parts.next()?.strip_suffix(',')?;
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let h: u64 = hms.next()?.parse().ok()?;
    let m: u64 = hms.next()?.parse().ok()?;
    let sec: u64 = hms.next()?.parse().ok()?;
    if parts.next()? != "GMT" || parts.next().is_some() || hms.next().is_some() {
        return None;
    }
    // A four-digit year keeps the day arithmetic far from overflowing.
    if !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 || !(1..=9999).contains(&year) {
        return None;
    }
    let days = super::date::days_from_civil(year, month, day);
    let secs = days.checked_mul(86_400)? + (h * 3600 + m * 60 + sec) as i64;
    let secs = u64::try_from(secs).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            concurrency: 4,
            timeout: Duration::from_secs(10),
            retries: 3,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            deadline: Duration::from_secs(60),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let p = policy();
        assert_eq!(p.delay(1, None, 0.0), Duration::from_millis(250));
        assert_eq!(p.delay(1, None, 0.999_999).as_millis(), 499);
        assert_eq!(p.delay(2, None, 0.0), Duration::from_millis(500));
        assert_eq!(p.delay(3, None, 0.0), Duration::from_secs(1));
        assert_eq!(p.delay(30, None, 0.0), Duration::from_secs(4));
        assert!(p.delay(30, None, 1.0) <= Duration::from_secs(8));
    }

    #[test]
    fn retry_after_is_a_floor() {
        let p = policy();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(7)), 0.5),
            Duration::from_secs(7)
        );
        assert_eq!(
            p.delay(3, Some(Duration::ZERO), 0.0),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_770); // 1994-11-06 08:49:30
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(
            parse_retry_after("99999999999999999999", now),
            None,
            "overflow"
        );
        // A server-sent year far out must not overflow the day arithmetic.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 99999999999999999 08:49:37 GMT", now),
            None
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov -99999999999999999 08:49:37 GMT", now),
            None
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5h").is_err());
        assert!(parse_duration("ms").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn durations_are_bounded_and_never_overflow() {
        assert_eq!(parse_duration("24m"), Ok(Duration::from_secs(24 * 60)));
        assert_eq!(parse_duration("1440m"), Ok(MAX_DURATION));
        assert_eq!(parse_duration("86400000ms"), Ok(MAX_DURATION));
        for huge in [
            "86401s",
            "1441m",
            "99999999999999999s",
            "99999999999999999999s",
            "18446744073709551615m",
            "18446744073709551615ms",
            "99999999999999999999999999999999",
        ] {
            let err = parse_duration(huge).expect_err(huge);
            assert!(err.contains("longer than 24 hours"), "{huge}: {err}");
            assert!(!err.contains(huge), "the value is not echoed: {err}");
        }
        let now = Instant::now();
        assert!(deadline_from(now, Duration::MAX) >= now);
        assert_eq!(
            deadline_from(now, Duration::from_secs(5)),
            now + Duration::from_secs(5)
        );
    }

    #[test]
    fn only_https_or_loopback_http() {
        // Nothing resolves: literal addresses and https need no lookup.
        let none = |_: &str, _: u16| -> std::io::Result<Vec<SocketAddr>> {
            Err(std::io::Error::other("no DNS in this test"))
        };
        for ok in [
            "https://acme.texterchat.com/server/api/v2",
            "http://127.0.0.1:8080/server/api/v2",
            "http://127.8.9.10/",
            "http://[::1]:9/x",
        ] {
            let target = checked_url_with(ok, "base URL", &none).expect(ok);
            assert!(target.pinned.is_empty(), "{ok}");
        }
        for insecure in [
            "http://acme.texterchat.com/server/api/v2",
            "http://10.0.0.1/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost:3000",
        ] {
            assert!(
                matches!(
                    checked_url_with(insecure, "base URL", &none),
                    Err(LiveError::InsecureUrl { .. })
                ),
                "{insecure}"
            );
        }
        for bad in [
            "ftp://x/",
            "acme.texterchat.com",
            "https://u:secretpw@x.com/",
            "https://x.com/?token=secretpw",
        ] {
            let err = checked_url_with(bad, "base URL", &none).expect_err(bad);
            assert!(!err.to_string().contains("secretpw"), "{err}");
        }
    }

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter()
            .map(|a| a.parse().expect("socket address"))
            .collect()
    }

    #[test]
    fn a_name_is_loopback_only_when_every_address_it_resolves_to_is() {
        let resolver = |answer: Vec<SocketAddr>| {
            move |_: &str, _: u16| -> std::io::Result<Vec<SocketAddr>> { Ok(answer.clone()) }
        };
        let local = addrs(&["127.0.0.1:3000", "[::1]:3000"]);
        for name in [
            "http://localhost:3000/",
            "http://localhost.:3000/",
            "http://dev.test:3000/",
        ] {
            let target = checked_url_with(name, "base URL", &resolver(local.clone())).expect(name);
            assert_eq!(
                target.pinned, local,
                "{name}: pinned to what it resolved to"
            );
            assert!(target.is_local());
        }
        for answer in [
            addrs(&["127.0.0.1:3000", "10.0.0.7:3000"]),
            addrs(&["192.168.1.2:3000"]),
            Vec::new(),
        ] {
            let err = checked_url_with(
                "http://localhost:3000/",
                "base URL",
                &resolver(answer.clone()),
            )
            .expect_err("not all loopback");
            assert!(
                matches!(err, LiveError::InsecureUrl { .. }),
                "{answer:?}: {err}"
            );
        }
        // The lookup is asked for the URL's host and port (the scheme's default when none).
        let asked = std::cell::RefCell::new(Vec::new());
        let recording = |host: &str, port: u16| -> std::io::Result<Vec<SocketAddr>> {
            asked.borrow_mut().push(format!("{host}:{port}"));
            Ok(addrs(&["127.0.0.1:80"]))
        };
        let _ = checked_url_with("http://localhost./x", "base URL", &recording);
        let _ = checked_url_with("https://example.com/x", "base URL", &recording);
        assert_eq!(*asked.borrow(), ["localhost.:80"]);
    }

    #[cfg(feature = "live")]
    /// Answers one HTTP request with 204 on a loopback port; returns the port's address.
    fn one_shot_server() -> SocketAddr {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("address");
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(
                    b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        });
        addr
    }

    #[cfg(feature = "live")]
    #[test]
    fn a_pinned_name_is_connected_to_at_its_pinned_addresses() {
        use crate::live::client::Http;
        let addr = one_shot_server();
        // `.invalid` never resolves: only the pin can take the request to the server.
        let url =
            Url::parse(&format!("http://tokenscope-pin.invalid:{}/x", addr.port())).expect("url");
        let mut pinned = addr;
        pinned.set_port(0);
        let target = Target {
            url: url.clone(),
            pinned: vec![pinned],
        };
        let http = Http::new(policy(), Redirects::None, &target).expect("client");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let mut trace = Trace::new(0);
        let answer = runtime
            .block_on(http.get(&url, "*/*", None, Body::Discard, &mut trace))
            .map(|a| a.status);
        assert_eq!(answer, Ok(204));
    }

    #[test]
    fn project_ids_are_dns_labels() {
        assert_eq!(
            project_url("Acme-2").map(|u| u.to_string()).ok(),
            Some("https://acme-2.texterchat.com/server/api/v2".to_owned())
        );
        for bad in ["", "-acme", "acme-", "ac.me", "a_b", &"a".repeat(64)] {
            assert!(project_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refused_values_are_described_not_repeated() {
        let token = "tsk_live_6c1f0e9b7d2a4f8e";
        let err = project_url(token).expect_err("not a label").to_string();
        assert!(err.contains("contains `_`"), "{err}");
        assert!(!err.contains(token) && !err.contains("6c1f0e9b"), "{err}");
        assert_eq!(
            label_problems(&format!("{}_x y", "a".repeat(70))),
            "74 characters (at most 63), contains `_`, contains blanks, control or non-ASCII characters"
        );
        assert_eq!(label_problems("-a"), "starts or ends with `-`");
        for raw in [
            token.to_owned(),
            format!("https://{token}/server/api/v2"),
            format!("http://{token}:8080/"),
            format!("ftp://{token}/"),
            format!("https://acme.texterchat.com/?key={token}"),
            format!("https://{token}@acme.texterchat.com/"),
            format!("https://x:{token}@acme.texterchat.com/"),
            format!("https://acme.texterchat.com/#{token}"),
            format!("mailto:{token}@example.com"),
        ] {
            let err = checked_url(&raw, "base URL").expect_err(&raw);
            let text = format!(
                "{err} {:?}",
                miette::Diagnostic::help(&err).map(|h| h.to_string())
            );
            assert!(!text.contains("6c1f0e9b"), "{raw}: {text}");
        }
    }

    #[test]
    fn host_names_are_dns_names() {
        for ok in [
            "localhost",
            "localhost.",
            "acme.texterchat.com",
            "xn--bcher-kva.example",
        ] {
            assert!(is_host_name(ok), "{ok}");
        }
        for bad in [
            "",
            ".",
            "localhost..",
            "a_b.com",
            "-a.com",
            &format!("{}.com", "a".repeat(64)),
        ] {
            assert!(!is_host_name(bad), "{bad}");
        }
    }

    #[test]
    fn joining_keeps_the_base_path() {
        let base = Url::parse("http://127.0.0.1:9/server/api/v2/").expect("url");
        assert_eq!(
            join(&base, "/labels").map(|u| u.to_string()),
            Ok("http://127.0.0.1:9/server/api/v2/labels".to_owned())
        );
    }
}
