//! Unified diffs of fixed files (`plimsoll lint --diff`), in the format `git apply` and `patch`
//! read: `--- a/PATH`, `+++ b/PATH`, hunks with three lines of context.

/// Lines compared by a longest-common-subsequence table at most (beyond it the changed middle
/// of the file is shown as removed and added whole).
const MAX_CELLS: usize = 4_000_000;
const CONTEXT: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Add,
}

/// Splits keeping line terminators, so a missing final newline is visible.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn script(a: &[&str], b: &[&str]) -> Vec<(Op, usize, usize)> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<(Op, usize, usize)> = (0..prefix).map(|i| (Op::Same, i, i)).collect();
    if (ma.len() + 1).saturating_mul(mb.len() + 1) <= MAX_CELLS {
        // table[i][j]: LCS length of ma[i..] and mb[j..].
        let w = mb.len() + 1;
        let mut table = vec![0u32; (ma.len() + 1) * w];
        for i in (0..ma.len()).rev() {
            for j in (0..mb.len()).rev() {
                table[i * w + j] = if ma[i] == mb[j] {
                    table[(i + 1) * w + j + 1] + 1
                } else {
                    table[(i + 1) * w + j].max(table[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < ma.len() || j < mb.len() {
            if i < ma.len() && j < mb.len() && ma[i] == mb[j] {
                ops.push((Op::Same, prefix + i, prefix + j));
                i += 1;
                j += 1;
            } else if i < ma.len()
                && (j == mb.len() || table[(i + 1) * w + j] >= table[i * w + j + 1])
            {
                ops.push((Op::Del, prefix + i, prefix + j));
                i += 1;
            } else {
                ops.push((Op::Add, prefix + i, prefix + j));
                j += 1;
            }
        }
    } else {
        ops.extend((0..ma.len()).map(|i| (Op::Del, prefix + i, prefix)));
        ops.extend((0..mb.len()).map(|j| (Op::Add, prefix + ma.len(), prefix + j)));
    }
    ops.extend((0..suffix).map(|k| (Op::Same, a.len() - suffix + k, b.len() - suffix + k)));
    ops
}

fn push_line(out: &mut String, mark: char, line: &str) {
    out.push(mark);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// The unified diff turning `old` into `new`, empty when they are equal.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let (a, b) = (lines(old), lines(new));
    let ops = script(&a, &b);
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.0 != Op::Same)
        .map(|(i, _)| i)
        .collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * CONTEXT + 1 {
            end = changed[k];
            k += 1;
        }
        let end = (end + CONTEXT + 1).min(ops.len());
        let hunk = &ops[start..end];
        let old_len = hunk.iter().filter(|o| o.0 != Op::Add).count();
        let new_len = hunk.iter().filter(|o| o.0 != Op::Del).count();
        let old_start = hunk[0].1 + usize::from(old_len > 0);
        let new_start = hunk[0].2 + usize::from(new_len > 0);
        out.push_str(&format!(
            "@@ -{old_start},{old_len} +{new_start},{new_len} @@\n"
        ));
        for (op, i, j) in hunk {
            match op {
                Op::Same => push_line(&mut out, ' ', a[*i]),
                Op::Del => push_line(&mut out, '-', a[*i]),
                Op::Add => push_line(&mut out, '+', b[*j]),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_change_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified("x.yaml", old, new),
            "--- a/x.yaml\n+++ b/x.yaml\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn insertion_deletion_and_separate_hunks() {
        let old: String = (1..=20).map(|i| format!("l{i}\n")).collect();
        let new = old.replace("l2\n", "l2\nnew\n").replace("l18\n", "");
        let d = unified("f", &old, &new);
        assert!(
            d.contains("@@ -1,5 +1,6 @@\n l1\n l2\n+new\n l3\n l4\n l5\n@@"),
            "{d}"
        );
        assert!(
            d.ends_with("@@ -15,6 +16,5 @@\n l15\n l16\n l17\n-l18\n l19\n l20\n"),
            "{d}"
        );
        assert_eq!(unified("f", &old, &old), "");
        let d = unified("f", "a", "b");
        assert!(
            d.ends_with("-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n")
        );
    }
}
