//! Running `verify`'s probes against the live API: the preflight, then every probe,
//! concurrently, within the run's deadline. Built only with the `live` feature; what the
//! answers mean is decided in [`super::verify`].

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::table::Table;

use super::client::Http;
use super::error::LiveError;
use super::http::{Body, Failure, Policy, Redirects, Target, Trace, display_url, join};
use super::secret::Secret;
use super::verify::{Answer, Outcome, Plan, probe_path, verdicts};

const ACCEPT_JSON: &str = "application/json";

/// Checks the token against the API at `base`: the preflight, then every probe, concurrently.
pub fn run(
    table: &Table,
    plan: &Plan,
    target: &Target,
    token: Secret,
    policy: Policy,
    verbosity: u8,
) -> Result<Outcome, LiveError> {
    let base = &target.url;
    let preflight_url =
        join(base, &probe_path(table, plan.preflight)).map_err(|why| LiveError::BadUrl {
            shown: format!("`{}`", display_url(base)),
            what: "base URL",
            why,
            help: None,
        })?;
    let mut probes = Vec::new();
    for id in plan.probes() {
        let url = join(base, &probe_path(table, id)).map_err(|why| LiveError::BadUrl {
            shown: format!("`{}`", display_url(base)),
            what: "base URL",
            why,
            help: None,
        })?;
        probes.push((id, url));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LiveError::Setup { why: e.to_string() })?;
    runtime.block_on(async move {
        let http = Http::new(policy, Redirects::None, target)?;
        let token = Arc::new(token);
        let mut log = Vec::new();
        let mut trace = Trace::new(verbosity);
        let preflight_sig = table.endpoint(plan.preflight).signature();
        let first = http
            .get(
                &preflight_url,
                ACCEPT_JSON,
                Some(&token),
                Body::Discard,
                &mut trace,
            )
            .await;
        log.append(&mut trace.lines);
        let fail = |error: LiveError, valid: Option<bool>, log: Vec<String>| {
            Ok(Outcome {
                token_valid: valid,
                verdicts: Vec::new(),
                error: Some(error),
                incomplete: true,
                log,
            })
        };
        match first {
            Err(failure) => {
                return fail(
                    LiveError::Unreachable {
                        url: display_url(base),
                        why: failure.to_string(),
                    },
                    None,
                    log,
                );
            }
            Ok(a) if (200..=299).contains(&a.status) => {}
            Ok(a) if a.status == 401 || a.status == 403 => {
                return fail(
                    LiveError::TokenRefused {
                        probe: preflight_sig,
                        status: a.status,
                    },
                    Some(false),
                    log,
                );
            }
            Ok(a) => {
                return fail(
                    LiveError::UnexpectedAnswer {
                        probe: preflight_sig,
                        status: a.status,
                    },
                    None,
                    log,
                );
            }
        }

        let permits = Arc::new(tokio::sync::Semaphore::new(http.policy().concurrency));
        let mut set = tokio::task::JoinSet::new();
        for (id, url) in probes {
            let http = http.clone();
            let token = Arc::clone(&token);
            let permits = Arc::clone(&permits);
            set.spawn(async move {
                // The semaphore is never closed; without a permit the probe would still be
                // bounded by the deadline, so it simply runs.
                let _permit = permits.acquire_owned().await;
                let mut trace = Trace::new(verbosity);
                let result: Result<u16, Failure> = http
                    .get(&url, ACCEPT_JSON, Some(&token), Body::Discard, &mut trace)
                    .await
                    .map(|a| a.status);
                (id, result, trace.lines)
            });
        }
        let mut answers = BTreeMap::new();
        let mut probe_logs = BTreeMap::new();
        let mut incomplete = false;
        while let Some(joined) = set.join_next().await {
            // A probe task that panicked leaves its endpoint without an answer: "no answer".
            let Ok((id, result, lines)) = joined else {
                incomplete = true;
                continue;
            };
            let answer = match result {
                Ok(status) => Answer::from_status(status),
                Err(failure) => {
                    incomplete = true;
                    Answer::Failed(failure.to_string())
                }
            };
            answers.insert(id, answer);
            probe_logs.insert(id, lines);
        }
        for lines in probe_logs.into_values() {
            log.extend(lines);
        }
        if answers.len() < plan.probes().len() {
            incomplete = true;
        }
        Ok(Outcome {
            token_valid: Some(true),
            verdicts: verdicts(table, plan, &answers),
            error: None,
            incomplete,
            log,
        })
    })
}
