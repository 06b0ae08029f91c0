//! "Did you mean" suggestions by edit distance.
//!
//! A suggestion is computed for each unknown name against every known one, so the cost per
//! comparison decides whether thousands of unknown names against thousands of keys take
//! milliseconds or minutes: candidates whose length alone rules them out are skipped, the
//! distance is computed only in the band the current best leaves open and stops as soon as it
//! cannot come within it, and each unit of work (a chart, a manifest set) has a budget of
//! comparison steps ([`reset_budget`]): once it is spent, no more suggestions are made for that
//! unit, so a chart with thousands of near-miss names costs linear time.

use std::cell::Cell;

/// Comparison steps (distance-table cells) one unit may spend on suggestions.
pub const UNIT_BUDGET: u64 = 30_000_000;

thread_local! {
    static BUDGET: Cell<u64> = const { Cell::new(UNIT_BUDGET) };
}

/// The budget each unit gets: [`UNIT_BUDGET`], or the number in `PLIMSOLL_SUGGEST_BUDGET`
/// when that is set (the linear-work tests spend a small budget, so that inputs past it are
/// small enough to count the instructions of their run).
fn unit_budget() -> u64 {
    static BUDGET_SET: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *BUDGET_SET.get_or_init(|| {
        std::env::var("PLIMSOLL_SUGGEST_BUDGET")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(UNIT_BUDGET)
    })
}

/// Gives the current thread a fresh suggestion budget; called before each unit is linted.
pub fn reset_budget() {
    BUDGET.with(|b| b.set(unit_budget()));
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let chars: Vec<char> = word.chars().collect();
    let limit = (chars.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    let mut other: Vec<char> = Vec::new();
    let mut budget = BUDGET.with(Cell::get);
    for c in candidates {
        let bound = best.map_or(limit, |(d, _)| d);
        let len = c.chars().count();
        if len.abs_diff(chars.len()) > bound {
            continue;
        }
        let cost = (chars.len() as u64 + 1) * (2 * bound as u64 + 1);
        if cost > budget {
            budget = 0;
            break;
        }
        budget -= cost;
        other.clear();
        other.extend(c.chars());
        if let Some(d) = distance_within(&chars, &other, bound)
            && best.is_none_or(|(bd, bc)| (d, c) < (bd, bc))
        {
            best = Some((d, c));
        }
    }
    BUDGET.with(|b| b.set(budget));
    best.map(|(_, c)| c)
}

/// The candidate equal to `word` but for ASCII case, searched within the unit's budget (a step
/// a candidate, so that thousands of unknown names against thousands of keys stay linear once
/// it is spent): a search past the budget finds nothing.
pub fn same_but_case<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut budget = BUDGET.with(Cell::get);
    let mut found = None;
    for c in candidates {
        if budget == 0 {
            break;
        }
        budget -= 1;
        if c.eq_ignore_ascii_case(word) {
            found = Some(c);
            break;
        }
    }
    BUDGET.with(|b| b.set(budget));
    found
}

/// Levenshtein distance over chars, with adjacent transpositions counting as one edit.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    distance_within(&a, &b, usize::MAX).unwrap_or(usize::MAX)
}

/// The distance of `a` and `b` when it is at most `limit`. Only the cells within `limit` of
/// the diagonal are computed (a path outside that band already costs more), and the
/// computation stops (`None`) as soon as two consecutive rows exceed the limit everywhere.
fn distance_within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    const FAR: usize = usize::MAX / 2;
    let width = b.len() + 1;
    let mut prev2 = vec![FAR; width];
    let mut prev: Vec<usize> = (0..width)
        .map(|j| if j <= limit { j } else { FAR })
        .collect();
    let mut cur = vec![FAR; width];
    let mut prev_min = 0;
    for i in 1..=a.len() {
        let lo = i.saturating_sub(limit).max(1);
        let hi = i.saturating_add(limit).min(b.len());
        cur.fill(FAR);
        cur[0] = if i <= limit { i } else { FAR };
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        // A transposition reads two rows back, so a row may only be abandoned when it and the
        // row before both exceed the limit.
        if row_min > limit && prev_min > limit {
            return None;
        }
        prev_min = row_min;
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(distance("existingSecrets", "existingSecret"), 1);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(
            closest("existingSecrets", ["existingSecret", "secretName"]),
            Some("existingSecret")
        );
        assert_eq!(closest("foo", ["barbaz"]), None);
        // Ties go to the smaller name; a closer candidate later in the list wins.
        assert_eq!(closest("port", ["pots", "fort", "port2"]), Some("fort"));
        assert_eq!(
            closest("replicas", ["replicaz", "replicas2"]),
            Some("replicas2")
        );
    }

    #[test]
    fn same_but_case_searches_within_the_budget() {
        reset_budget();
        assert_eq!(same_but_case("CPU", ["mem", "cpu"]), Some("cpu"));
        assert_eq!(same_but_case("CPU", ["mem", "cpus"]), None);
        // One step left: the first candidate is compared, the second is not.
        BUDGET.with(|b| b.set(1));
        assert_eq!(same_but_case("CPU", ["mem", "cpu"]), None);
        assert_eq!(same_but_case("CPU", ["cpu"]), None);
        reset_budget();
    }

    /// The bounded search agrees with the plain one: every candidate's full distance, the
    /// smallest within the limit, ties to the smaller name.
    #[test]
    fn bounded_search_agrees_with_full_distances() {
        let words = [
            "port",
            "ports",
            "prot",
            "sport",
            "replicaCount",
            "replicacount",
            "replicas",
            "image",
            "imag",
            "tag",
            "tags",
            "pullPolicy",
            "pullpolicy",
            "service",
            "servcie",
            "a",
            "ab",
            "ba",
            "",
            "héllo",
            "hello",
            "existingSecret",
            "existingSecrets",
            "secretName",
        ];
        for w in words {
            let limit = (w.chars().count() / 3).max(1);
            let naive = words
                .iter()
                .map(|c| (distance(w, c), *c))
                .filter(|(d, _)| *d <= limit)
                .min()
                .map(|(_, c)| c);
            assert_eq!(closest(w, words), naive, "{w}");
        }
    }
}
