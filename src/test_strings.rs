//! Inputs for tests that compare a hand-written scanner with the regular expression it
//! replaces.

/// Every string of one to `max` pieces of `alphabet`, shortest first.
pub fn every_string(alphabet: &[&str], max: usize) -> Vec<String> {
    let mut all = Vec::new();
    let mut layer = vec![String::new()];
    for _ in 0..max {
        let next: Vec<String> = layer
            .iter()
            .flat_map(|t| alphabet.iter().map(move |a| format!("{t}{a}")))
            .collect();
        all.extend(next.iter().cloned());
        layer = next;
    }
    all
}
