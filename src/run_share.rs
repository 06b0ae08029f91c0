//! Parses shared between files of identical content within one command-line run.
//!
//! Chart repositories repeat files: a library chart such as `common` sits in the `charts/` folder
//! of every chart that uses it (as a folder or a packaged copy), and a chart vendored as a
//! dependency is also linted where it lives. Its templates and YAML files then parse to the same
//! trees every time. Here a parse is kept from the second time its content is seen, and handed
//! out from the third on, so a run parses each repeated file twice at most, while files seen
//! once (most of them) cost one hash and keep nothing. A file that is likely to repeat (one of a
//! subchart vendored in `charts/`) is kept from its first sighting, and parsed once.
//!
//! Memory stays bounded: at most [`MAX_KEPT_TEXT`] bytes of source are kept with their parses,
//! and at most [`MAX_SEEN`] content hashes are remembered. Past either limit, files are parsed
//! as if nothing were kept. A kept parse is given out only for exactly the same text (and, for a
//! template, the same template name), compared byte for byte, so a hash collision costs a parse,
//! never a wrong tree.
//!
//! The language server keeps parses its own way ([`crate::incremental`]); this is for runs with
//! that reuse off.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, OnceLock};

/// Source bytes kept with their parses, at most.
const MAX_KEPT_TEXT: usize = 4 << 20;
/// Content hashes remembered, at most.
const MAX_SEEN: usize = 1 << 18;

/// One kind of parse (templates, YAML files), keyed by the parse's name and text.
pub struct Share<T> {
    inner: Mutex<Inner<T>>,
}

struct Inner<T> {
    seen: HashSet<u64>,
    kept: HashMap<u64, Vec<Kept<T>>>,
    kept_text: usize,
}

struct Kept<T> {
    name: Box<str>,
    text: Arc<str>,
    parse: T,
}

impl<T> Kept<T> {
    fn is(&self, name: &str, text: &str) -> bool {
        &*self.name == name && &*self.text == text
    }
}

impl<T: Clone> Share<T> {
    pub fn new() -> Self {
        Share {
            inner: Mutex::new(Inner {
                seen: HashSet::new(),
                kept: HashMap::new(),
                kept_text: 0,
            }),
        }
    }

    /// The parse of `text` named `name`: a kept one when the same name and text were parsed
    /// before, else `parse()`, kept when the content was seen before or `likely_repeated`.
    pub fn get(
        &self,
        name: &str,
        text: &str,
        likely_repeated: bool,
        parse: impl FnOnce() -> T,
    ) -> T {
        let hash = hash(name, text);
        let keep = {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(found) = inner
                .kept
                .get(&hash)
                .and_then(|entries| entries.iter().find(|k| k.is(name, text)))
            {
                return found.parse.clone();
            }
            if likely_repeated || inner.seen.contains(&hash) {
                inner.kept_text + text.len() <= MAX_KEPT_TEXT
            } else {
                if inner.seen.len() < MAX_SEEN {
                    inner.seen.insert(hash);
                }
                false
            }
        };
        let parsed = parse();
        if keep {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let entries = inner.kept.entry(hash).or_default();
            // Two threads may have parsed the same content at once: keep one.
            if !entries.iter().any(|k| k.is(name, text)) {
                entries.push(Kept {
                    name: name.into(),
                    text: text.into(),
                    parse: parsed.clone(),
                });
                inner.kept_text += text.len();
            }
        }
        parsed
    }
}

impl<T: Clone> Default for Share<T> {
    fn default() -> Self {
        Self::new()
    }
}

fn hash(name: &str, text: &str) -> u64 {
    static STATE: OnceLock<foldhash::quality::FixedState> = OnceLock::new();
    STATE
        .get_or_init(|| foldhash::quality::FixedState::with_seed(0x706c_696d))
        .hash_one((name, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_parse_is_kept_from_the_second_sighting_and_given_from_the_third() {
        let share = Share::<Arc<String>>::new();
        let parses = Cell::new(0);
        let parse = |t: &str| {
            parses.set(parses.get() + 1);
            Arc::new(t.to_uppercase())
        };
        let first = share.get("a", "text", false, || parse("text"));
        let second = share.get("a", "text", false, || parse("text"));
        let third = share.get("a", "text", false, || parse("text"));
        assert_eq!(parses.get(), 2);
        assert!(!Arc::ptr_eq(&first, &second));
        assert!(Arc::ptr_eq(&second, &third));
        assert_eq!(*third, "TEXT");
    }

    #[test]
    fn another_name_or_text_is_parsed_again() {
        let share = Share::<String>::new();
        for _ in 0..3 {
            share.get("a", "x", false, || "a:x".into());
        }
        assert_eq!(share.get("b", "x", false, || "b:x".into()), "b:x");
        assert_eq!(share.get("a", "y", false, || "a:y".into()), "a:y");
        assert_eq!(share.get("a", "x", false, || unreachable!()), "a:x");
    }

    #[test]
    fn kept_text_is_bounded() {
        let share = Share::<usize>::new();
        let big = "x".repeat(MAX_KEPT_TEXT / 2 + 1);
        share.get("one", &big, false, || 1);
        share.get("one", &big, false, || 1); // kept: half the budget
        share.get("two", &big, false, || 2);
        share.get("two", &big, false, || 2); // over the budget: not kept
        let parses = Cell::new(0);
        share.get("two", &big, false, || {
            parses.set(parses.get() + 1);
            2
        });
        assert_eq!(parses.get(), 1);
        share.get("one", &big, false, || unreachable!());
    }

    #[test]
    fn a_likely_repeated_parse_is_kept_from_the_first_sighting_within_the_bound() {
        let share = Share::<Arc<String>>::new();
        let parses = Cell::new(0);
        let parse = |t: &str| {
            parses.set(parses.get() + 1);
            Arc::new(t.to_uppercase())
        };
        let first = share.get("a", "text", true, || parse("text"));
        let second = share.get("a", "text", false, || parse("text"));
        assert_eq!(parses.get(), 1);
        assert!(Arc::ptr_eq(&first, &second));
        // Past the bound, nothing more is kept, however likely it is to repeat.
        let big = "x".repeat(MAX_KEPT_TEXT);
        share.get("b", &big, true, || parse("b"));
        share.get("b", &big, true, || parse("b"));
        assert_eq!(parses.get(), 3);
    }
}
