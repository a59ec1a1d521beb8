//! The tables compiled into the binary, and choosing one: `--table FILE`, `--api NAME`, or a
//! manifest's `api:`. The build compiles each built-in to static data (see `build.rs`), so a
//! run parses no table; what little is built at run time is built on first use, for the one
//! table a run needs.

use std::sync::OnceLock;

use crate::error::InputError;
use crate::source::SourceFile;
use crate::yaml::Text;

use super::Table;

/// One built-in table: its API id, its YAML (the source of truth) and what the build compiled
/// it to.
pub struct Builtin {
    pub api: &'static str,
    /// The file it was built from, relative to the repository (`tables/github.yaml`).
    pub file: &'static str,
    pub yaml: &'static str,
    /// Builds the table around its static data; `None` when the build could not compile the
    /// file (the YAML loader then reports why).
    compiled: Option<fn(SourceFile) -> Table>,
}

/// A compiled table's scope as static data; [`ScopeRow::scope`] makes the table's value.
struct ScopeRow {
    name: &'static str,
    id: &'static str,
    area: usize,
    summary: &'static str,
    risk_reason: Option<&'static str>,
    aliases: &'static [&'static str],
    levels: &'static [&'static str],
    /// One risk per level (one for a scope without levels); the first is the scope's risk.
    level_risk: &'static [super::Risk],
    implies: &'static [super::Grant],
}

impl ScopeRow {
    fn scope(&self) -> super::Scope {
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        super::Scope {
            name: self.name.to_owned(),
            id: self.id.to_owned(),
            area: super::AreaId(self.area),
            risk: self.level_risk.first().copied().unwrap_or(super::Risk::Low),
            summary: self.summary.to_owned(),
            risk_reason: self.risk_reason.map(str::to_owned),
            aliases: owned(self.aliases),
            levels: owned(self.levels),
            level_risk: self.level_risk.to_vec(),
            implies: self.implies.to_vec(),
        }
    }
}

/// A compiled table's area as static data.
struct AreaRow {
    id: &'static str,
    title: &'static str,
    bundle: &'static [usize],
}

impl AreaRow {
    fn area(&self) -> super::Area {
        super::Area {
            id: self.id.to_owned(),
            title: self.title.to_owned(),
            bundle: self.bundle.iter().map(|&s| super::ScopeId(s)).collect(),
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/builtin_tables.rs"));

impl Builtin {
    fn source_file(&self) -> SourceFile {
        SourceFile::from_static(format!("{} (built in)", self.file), self.yaml)
    }

    /// The table: from its static data, or read from the YAML, whose errors have positions.
    pub(crate) fn load(&self) -> Result<Table, Vec<InputError>> {
        match self.compiled {
            Some(build) => Ok(build(self.source_file())),
            None => Table::load(self.source_file()),
        }
    }
}

/// The default table (Texter's), built anew; [`builtin`] keeps one per process.
pub(crate) fn default_builtin() -> &'static Builtin {
    &BUILTINS[0]
}

/// The built-in tables, the default (`texter`) first.
pub fn builtins() -> &'static [Builtin] {
    BUILTINS
}

/// The API ids of the built-in tables, the default (`texter`) first.
pub fn builtin_apis() -> impl Iterator<Item = &'static str> {
    BUILTINS.iter().map(|b| b.api)
}

/// A built-in table by API id, loaded once per process; `None` for an unknown id.
pub fn builtin(api: &str) -> Option<Result<&'static Table, Vec<InputError>>> {
    // A table that fails to load (a build from a broken file) is `None` here, and is read
    // again for its diagnostics.
    static CELLS: OnceLock<Vec<OnceLock<Option<Table>>>> = OnceLock::new();
    let index = BUILTINS.iter().position(|b| b.api == api)?;
    let cells = CELLS.get_or_init(|| BUILTINS.iter().map(|_| OnceLock::new()).collect());
    let b = &BUILTINS[index];
    Some(match cells.get(index)?.get_or_init(|| b.load().ok()) {
        Some(table) => Ok(table),
        None => Err(b.load().err().unwrap_or_default()),
    })
}

/// The tables a run may use: a `--table` file, or the built-ins (the `--api` one, or each
/// manifest's own).
pub struct Tables {
    /// Kept for the whole run, like the built-ins: reports borrow tables for as long as they
    /// live, so every table is `'static` (this one by a deliberate one-per-run leak).
    custom: Option<&'static Table>,
    /// `--api NAME`: a built-in used for every input, like `--table`.
    api: Option<String>,
}

impl Tables {
    pub fn new(custom: Option<Table>, api: Option<String>) -> Tables {
        Tables {
            custom: custom.map(|t| &*Box::leak(Box::new(t))),
            api,
        }
    }

    /// The table for commands that read no manifest (`explain`, `table`, `scan`, ...).
    pub fn default_table(&self) -> Result<&'static Table, Vec<InputError>> {
        if let Some(t) = self.custom {
            return Ok(t);
        }
        let api = self.api.as_deref().unwrap_or("texter");
        builtin(api).unwrap_or_else(|| Err(vec![unknown_api_flag(api)]))
    }

    /// Whether a table was forced with `--table` or `--api`.
    /// Whether `--table FILE` gave the table (rather than a built-in).
    pub fn is_custom(&self) -> bool {
        self.custom.is_some()
    }

    pub fn forced(&self) -> bool {
        self.custom.is_some() || self.api.is_some()
    }

    /// The table for a manifest that says `api: <api>` (or nothing: Texter). With `--table` or
    /// `--api`, that table, which must be for the same API.
    pub fn for_manifest(
        &self,
        file: &SourceFile,
        api: Option<&Text>,
    ) -> Result<&'static Table, Vec<InputError>> {
        if self.forced() {
            let table = self.default_table()?;
            if let Some(api) = api
                && api.value != table.api
            {
                return Err(vec![InputError::at(
                    file,
                    api.span,
                    format!(
                        "this manifest is for the `{}` API, but the scope table in use is for `{}`",
                        api.value, table.api
                    ),
                    "different API",
                    Some(match &self.custom {
                        Some(_) => "pass `--table FILE` with that API's scope table".into(),
                        None => format!("drop `--api {}`, or pass that API's table", table.api),
                    }),
                )]);
            }
            return Ok(table);
        }
        let Some(api) = api else {
            return self.default_table();
        };
        match builtin(&api.value) {
            Some(loaded) => loaded,
            // No built-in for it: what the manifest needs is that API's table.
            None => Err(vec![InputError::at(
                file,
                api.span,
                format!(
                    "this manifest is for the `{}` API, but the scope table in use is for `texter`",
                    api.value
                ),
                "different API",
                Some("pass `--table FILE` with that API's scope table".into()),
            )]),
        }
    }
}

fn unknown_api_flag(api: &str) -> InputError {
    let known: Vec<&str> = builtin_apis().collect();
    InputError::BadFlag {
        flag: "--api",
        why: format!(
            "no built-in table for `{api}` (built in: {})",
            known.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_compiles_like_the_yaml_reads() {
        for b in BUILTINS {
            // The compiled data itself, not the YAML it falls back on.
            let build = b
                .compiled
                .unwrap_or_else(|| panic!("{}: the build compiled it", b.api));
            let fast = &build(SourceFile::new(b.file, b.yaml));
            let slow = Table::load(SourceFile::new(b.file, b.yaml))
                .unwrap_or_else(|e| panic!("{}: {e:?}", b.api));
            assert_eq!(fast.api, b.api, "a built-in's file name is its API id");
            assert_eq!(format!("{:?}", fast.scopes), format!("{:?}", slow.scopes));
            assert_eq!(format!("{:?}", fast.areas), format!("{:?}", slow.areas));
            let strip = |t: &Table| -> Vec<String> {
                t.endpoints
                    .iter()
                    .map(|e| {
                        format!(
                            "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                            e.name,
                            e.method,
                            e.path,
                            e.segments,
                            e.area,
                            e.requires,
                            e.requires_by_kind,
                            e.scopes,
                            e.evidence,
                            e.evidence_reason,
                            e.source
                        )
                    })
                    .collect()
            };
            assert_eq!(strip(fast), strip(&slow), "{}", b.api);
            // The walk above decoded every endpoint, so all of them were compared.
            assert_eq!(
                fast.endpoints.decoded_chunks(),
                fast.endpoints.chunks(),
                "{}",
                b.api
            );
            // The compiled name indexes find what the loader's find.
            for e in slow.endpoints.iter() {
                assert_eq!(
                    fast.endpoint_by_name(&e.name),
                    slow.endpoint_by_name(&e.name),
                    "{}: {}",
                    b.api,
                    e.name
                );
            }
            // And miss what the loader's miss: before the first name, after the last, between.
            for absent in ["", "~", "get /nowhere/at/all"] {
                assert_eq!(fast.endpoint_by_name(absent), None, "{}", b.api);
                assert_eq!(fast.scope_by_name(absent), None, "{}", b.api);
            }
            for s in &slow.scopes {
                for name in [&s.name, &s.id, &format!("{}~", s.name)] {
                    assert_eq!(
                        fast.scope_by_name(name),
                        slow.scope_by_name(name),
                        "{}: {name}",
                        b.api
                    );
                }
            }
            assert_eq!(
                (
                    &fast.title,
                    &fast.retrieved,
                    &fast.provider,
                    &fast.token_dialog,
                    &fast.token_kinds,
                    &fast.base_urls,
                    &fast.case_insensitive_paths,
                    &fast.always_granted
                ),
                (
                    &slow.title,
                    &slow.retrieved,
                    &slow.provider,
                    &slow.token_dialog,
                    &slow.token_kinds,
                    &slow.base_urls,
                    &slow.case_insensitive_paths,
                    &slow.always_granted
                )
            );
        }
    }

    /// A built-in table made anew, with none of its endpoints decoded (the process-wide one
    /// is shared with every other test).
    fn fresh(api: &str) -> &'static Table {
        let b = BUILTINS
            .iter()
            .find(|b| b.api == api)
            .unwrap_or_else(|| panic!("no built-in {api}"));
        let build = b
            .compiled
            .unwrap_or_else(|| panic!("{api}: the build compiled it"));
        Box::leak(Box::new(build(b.source_file())))
    }

    #[test]
    fn endpoints_decoded_chunk_by_chunk_equal_one_decode_of_the_whole_table() {
        for b in BUILTINS {
            let table = fresh(b.api);
            let endpoints = &table.endpoints;
            assert_eq!(endpoints.decoded_chunks(), 0, "{}", b.api);
            let whole = endpoints.decode_whole();
            assert_eq!(whole.len(), endpoints.len(), "{}", b.api);
            // Last first: the short last chunk, then each chunk before it.
            let mut lazy: Vec<String> = (0..endpoints.len())
                .rev()
                .map(|i| format!("{:?}", endpoints[i]))
                .collect();
            lazy.reverse();
            let eager: Vec<String> = whole.iter().map(|e| format!("{e:?}")).collect();
            assert_eq!(lazy, eager, "{}", b.api);
            assert!(endpoints.get(endpoints.len()).is_none());
        }
    }

    #[test]
    fn auditing_one_graph_manifest_decodes_a_few_chunks() {
        let examples = [
            (
                include_str!("../../examples/msgraph/mail-archiver.tokenscope.yaml"),
                &["Directory.ReadWrite.All", "Mail.ReadWrite"][..],
            ),
            (
                include_str!("../../examples/msgraph/teams-bot.tokenscope.yaml"),
                &["Chat.ReadWrite", "Group.ReadWrite.All"][..],
            ),
        ];
        for (text, mistakes) in examples {
            let table = fresh("msgraph");
            let chunks = table.endpoints.chunks();
            assert!(chunks > 100, "Graph's table is large: {chunks} chunks");
            let manifest =
                crate::manifest::Manifest::parse(SourceFile::new("m.yaml", text.to_owned()))
                    .unwrap_or_else(|e| panic!("{e:?}"));
            let references = manifest.tokens[0].endpoint_entries().len();
            let report = crate::audit::audit(table, manifest, Default::default())
                .unwrap_or_else(|e| panic!("{e:?}"));
            // The example's deliberate mistakes are found: the audit did its work.
            let excess: Vec<String> = report.tokens[0]
                .excess
                .iter()
                .map(|g| table.grant_name(g))
                .collect();
            assert_eq!(excess, mistakes);
            // At most one chunk per reference.
            let decoded = table.endpoints.decoded_chunks();
            assert!(
                (1..=references).contains(&decoded),
                "{decoded} of {chunks} chunks for {references} references"
            );
        }
    }

    #[test]
    fn texter_is_the_default_and_unknown_apis_are_refused() {
        assert_eq!(builtin_apis().next(), Some("texter"));
        assert!(builtin("nope").is_none());
        let tables = Tables::new(None, None);
        assert_eq!(
            tables.default_table().map(|t| t.api.as_str()).ok(),
            Some("texter")
        );
    }
}
