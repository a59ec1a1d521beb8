//! Which endpoints an importer writes with a method and path. The table matches a request by
//! its method and its path's shape (the literal segments; parameters whatever their names), so
//! one endpoint of each shape gets them; a later one of the same shape, or one whose path is
//! not a template the table can match, is listed by name only, and the importer says why.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::quoted;
use crate::table::{Segment, parse_template};

/// A path's shape: each segment's literal text, `None` for a parameter.
pub(crate) type Shape = Vec<Option<String>>;

/// The shape of a parsed path template.
pub(crate) fn shape(segments: &[Segment]) -> Shape {
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => Some(l.to_string()),
            Segment::Param(_) => None,
        })
        .collect()
}

/// The shapes given out so far, and the endpoints listed by name only with the reason.
#[derive(Debug, Default)]
pub(crate) struct Routes {
    taken: HashMap<(String, Shape), String>,
    name_only: Vec<(String, String)>,
}

impl Routes {
    /// The method and path to write for the endpoint `name`: `method` and the path if the path
    /// is a template whose shape no earlier endpoint has with that method, else two empty
    /// strings (listed by name only). `path` is `Err(why)` where the importer already knows the
    /// path cannot be written.
    pub(crate) fn place(
        &mut self,
        name: &str,
        method: &str,
        path: Result<String, String>,
    ) -> (String, String) {
        let parsed = path.and_then(|path| match parse_template(&path) {
            Ok(segments) => Ok((path, shape(&segments))),
            Err(why) => Err(format!(
                "its path {} is not a template the table can match ({why})",
                quoted(&path)
            )),
        });
        match parsed {
            Ok((path, shape)) => match self.taken.entry((method.to_owned(), shape)) {
                Entry::Occupied(other) => {
                    self.name_only.push((
                        name.to_owned(),
                        format!("its method and path are those of `{}`", other.get()),
                    ));
                    (String::new(), String::new())
                }
                Entry::Vacant(slot) => {
                    slot.insert(name.to_owned());
                    (method.to_owned(), path)
                }
            },
            Err(why) => {
                self.name_only.push((name.to_owned(), why));
                (String::new(), String::new())
            }
        }
    }

    /// A note for each endpoint listed by name only, in the order they were placed.
    pub(crate) fn notes(self) -> impl Iterator<Item = String> {
        self.name_only.into_iter().map(|(name, why)| {
            format!("`{name}` is listed by name only, so manifests must name it: {why}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_endpoint_of_each_method_and_shape_gets_them() {
        let mut routes = Routes::default();
        let get = |p: &str| Ok(p.to_owned());
        assert_eq!(
            routes.place("a", "GET", get("/x/{id}")),
            ("GET".into(), "/x/{id}".into())
        );
        assert_eq!(
            routes.place("b", "POST", get("/x/{other}")),
            ("POST".into(), "/x/{other}".into())
        );
        assert_eq!(
            routes.place("c", "GET", get("/x/{other}")),
            (String::new(), String::new())
        );
        assert_eq!(
            routes.place("d", "GET", get("x")),
            (String::new(), String::new())
        );
        assert_eq!(
            routes.place("e", "GET", Err("it is odd".into())),
            (String::new(), String::new())
        );
        let notes: Vec<String> = routes.notes().collect();
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(
            notes[0].starts_with("`c` is listed by name only"),
            "{notes:?}"
        );
        assert!(notes[0].ends_with("those of `a`"), "{notes:?}");
        assert!(
            notes[1].contains("its path `x` is not a template"),
            "{notes:?}"
        );
        assert!(notes[2].ends_with(": it is odd"), "{notes:?}");
    }
}
