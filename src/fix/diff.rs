//! Unified diffs of fixed files (`plimsoll lint --diff`), in the format `git apply` and `patch`
//! read: `--- a/PATH`, `+++ b/PATH`, hunks with three lines of context.

/// Most differing lines the shortest edit script is searched for (Myers' algorithm, time
/// proportional to the lines times this); beyond it the changed middle of the file is shown as
/// removed and added whole. Fixes change a few lines, far below it.
const MAX_D: usize = 2000;
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
    match myers(ma, mb) {
        Some(mid) => ops.extend(
            mid.into_iter()
                .map(|(op, i, j)| (op, prefix + i, prefix + j)),
        ),
        None => {
            ops.extend((0..ma.len()).map(|i| (Op::Del, prefix + i, prefix)));
            ops.extend((0..mb.len()).map(|j| (Op::Add, prefix + ma.len(), prefix + j)));
        }
    }
    ops.extend((0..suffix).map(|k| (Op::Same, a.len() - suffix + k, b.len() - suffix + k)));
    ops
}

/// The shortest edit script from `a` to `b` (Myers, "An O(ND) Difference Algorithm"), as
/// `(op, index in a, index in b)`; `None` when more than [`MAX_D`] lines differ.
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<(Op, usize, usize)>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    // `v[k]` is the furthest x reached on diagonal k; `trace[d]` is `v` over k in
    // -(d+1)..=(d+1) before step d.
    let off = (n + m + 1) as usize;
    let mut v = vec![0isize; 2 * off + 1];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let at = |k: isize| (k + off as isize) as usize;
    let mut found = None;
    'outer: for d in 0..=(n + m) {
        if d as usize > MAX_D {
            return None;
        }
        trace.push(v[at(-d - 1)..=at(d + 1)].to_vec());
        let mut k = -d;
        while k <= d {
            let mut x = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[at(k)] = x;
            if x >= n && y >= m {
                found = Some(d);
                break 'outer;
            }
            k += 2;
        }
    }
    let dmax = found?;
    let mut out = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=dmax).rev() {
        let snap = &trace[d as usize];
        let get = |k: isize| snap[(k + d + 1) as usize];
        let k = x - y;
        let prev_k = if k == -d || (k != d && get(k - 1) < get(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = if d == 0 { 0 } else { get(prev_k) };
        let prev_y = if d == 0 { 0 } else { prev_x - prev_k };
        while x > prev_x && y > prev_y {
            out.push((Op::Same, (x - 1) as usize, (y - 1) as usize));
            x -= 1;
            y -= 1;
        }
        if d > 0 {
            if x == prev_x {
                out.push((Op::Add, x as usize, (y - 1) as usize));
            } else {
                out.push((Op::Del, (x - 1) as usize, y as usize));
            }
        }
        x = prev_x;
        y = prev_y;
    }
    out.reverse();
    Some(out)
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
    fn distant_changes_in_a_long_file_stay_small_hunks() {
        let old: String = (0..5000).map(|i| format!("line {i}\n")).collect();
        let new = old
            .replacen("line 3\n", "line three\n", 1)
            .replacen("line 4990\n", "", 1);
        let d = unified("v", &old, &new);
        assert_eq!(d.lines().filter(|l| l.starts_with("@@")).count(), 2, "{d}");
        assert_eq!(d.lines().count(), 2 + 2 + 8 + 7, "{d}");
        // Random-ish edits: applying the script's + and - lines rebuilds the new text.
        let a: String = (0..300).map(|i| format!("{}\n", i % 17)).collect();
        let b: String = (0..280).map(|i| format!("{}\n", (i * 7) % 13)).collect();
        let (la, lb) = (lines(&a), lines(&b));
        let ops = script(&la, &lb);
        let rebuilt: String = ops
            .iter()
            .filter(|o| o.0 != Op::Del)
            .map(|o| if o.0 == Op::Same { la[o.1] } else { lb[o.2] })
            .collect();
        assert_eq!(rebuilt, b);
        let kept: String = ops
            .iter()
            .filter(|o| o.0 != Op::Add)
            .map(|o| la[o.1])
            .collect();
        assert_eq!(kept, a);
    }

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
