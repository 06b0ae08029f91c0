//! Output buffers with provenance: every byte range of a rendered text keeps the template
//! node that wrote it ([`Segment`]), through `include`, `tpl`, the functions that re-indent
//! their results, and Helm's `<no value>` deletion.

use super::TPL_FILE;
use crate::render::engine::Segment;
use crate::render::value::Origin;
use crate::source::Span;
use std::sync::Arc;

/// A rendered text and its segments.
#[derive(Clone, Debug, Default)]
pub(crate) struct Buf {
    pub text: String,
    pub segs: Vec<Segment>,
    /// While a `{{ template }}` call writes into this buffer: the call, given as the site of
    /// everything it writes.
    pub site: Option<(u32, Span)>,
}

/// The result of an `include` or `tpl` call, kept for a while so the action that prints it
/// (possibly re-indented) can keep the segments of the bytes it came from. Cheap to clone
/// (a kept `include` result is handed out again on every repeated call).
#[derive(Clone, Debug)]
pub(crate) struct Recent {
    pub text: Arc<str>,
    pub segs: Arc<Vec<Segment>>,
    /// The origin of the `tpl` text (its values node), given to its bytes that have none.
    pub origin: Option<Origin>,
    /// Start and length of each line.
    lines: Arc<Vec<(usize, usize)>>,
}

impl Recent {
    pub fn new(text: Arc<str>, segs: Vec<Segment>, origin: Option<Origin>) -> Recent {
        let lines = lines(&text).map(|(start, l)| (start, l.len())).collect();
        Recent {
            text,
            segs: Arc::new(segs),
            origin,
            lines: Arc::new(lines),
        }
    }
}

/// How many `include`/`tpl` results a frame remembers.
pub(crate) const RECENT: usize = 8;

impl Buf {
    /// Appends `s` written by (`file`, `span`).
    pub fn write(&mut self, s: &str, file: u32, span: Span, value: Option<Origin>) {
        if s.is_empty() {
            return;
        }
        let start = self.text.len() as u32;
        self.text.push_str(s);
        self.segs.push(Segment {
            out: start..self.text.len() as u32,
            file,
            span,
            value,
            site: self.site.unwrap_or((file, span)),
            text: true,
        });
    }

    /// Appends a printed value: bytes that come from a recent `include`/`tpl` result keep that
    /// result's segments; the others belong to the action (`file`, `span`).
    pub fn write_mapped(
        &mut self,
        s: &str,
        file: u32,
        span: Span,
        value: Option<Origin>,
        recent: &[Recent],
    ) {
        if s.is_empty() {
            // An action that prints nothing still leaves its mark: a finding about an empty
            // value in the output (`name: `) points at it.
            let at = self.text.len() as u32;
            // An empty `include` result: the value it printed (as nothing), if any.
            let value = value.or_else(|| {
                let r = recent.iter().rev().find(|r| r.text.is_empty())?;
                r.segs.iter().find_map(|g| g.value).or(r.origin)
            });
            self.segs.push(Segment {
                out: at..at,
                file,
                span,
                value,
                site: self.site.unwrap_or((file, span)),
                text: false,
            });
            return;
        }
        let base = self.text.len() as u32;
        self.text.push_str(s);
        let fallback = Segment {
            out: 0..0,
            file,
            span,
            value,
            site: self.site.unwrap_or((file, span)),
            text: false,
        };
        for r in recent.iter().rev() {
            if let Some(pieces) = align(s, r) {
                fill(&mut self.segs, base, s.len() as u32, &pieces, r, &fallback);
                return;
            }
        }
        self.segs.push(Segment {
            out: base..base + s.len() as u32,
            ..fallback
        });
    }
}

/// One matched piece: `len` bytes at `s_start` of the printed text are the bytes at
/// `r_start` of the recent result.
#[derive(Clone, Copy, Debug)]
struct Piece {
    s_start: u32,
    r_start: u32,
    len: u32,
}

/// Lines of `s` matched, in order, to lines of the recent result with the same content after
/// leading white space: what `indent`, `nindent`, `trim` and friends leave of them.
fn align(s: &str, r: &Recent) -> Option<Vec<Piece>> {
    if s == &*r.text {
        return Some(vec![Piece {
            s_start: 0,
            r_start: 0,
            len: s.len() as u32,
        }]);
    }
    // `quote` and `squote` of the result.
    if s.len() == r.text.len() + 2
        && !r.text.is_empty()
        && (s.starts_with('"') || s.starts_with('\''))
        && s.ends_with(&s[..1])
        && s[1..s.len() - 1] == *r.text
    {
        return Some(vec![Piece {
            s_start: 1,
            r_start: 0,
            len: r.text.len() as u32,
        }]);
    }
    let rlines = &r.lines;
    let mut pieces = Vec::new();
    let mut j = 0;
    for (ss, sl) in lines(s) {
        let score = sl.trim_start();
        if score.is_empty() {
            continue;
        }
        let s_core = ss + (sl.len() - score.len());
        let mut k = j;
        let limit = (j + 64).min(rlines.len());
        while k < limit {
            let (rs, rlen) = rlines[k];
            let rl = &r.text[rs..rs + rlen];
            let rcore = rl.trim_start();
            if rcore == score {
                pieces.push(Piece {
                    s_start: s_core as u32,
                    r_start: (rs + rl.len() - rcore.len()) as u32,
                    len: score.len() as u32,
                });
                j = k + 1;
                break;
            }
            k += 1;
        }
    }
    if pieces.is_empty() {
        None
    } else {
        Some(pieces)
    }
}

/// Start and content of each line of `s` (no empty last line after a final newline).
fn lines(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    let mut newlines = memchr::memchr_iter(b'\n', s.as_bytes());
    std::iter::from_fn(move || match newlines.next() {
        Some(i) => {
            let line = (start, &s[start..i]);
            start = i + 1;
            Some(line)
        }
        None if start < s.len() => {
            let line = (start, &s[start..]);
            start = s.len();
            Some(line)
        }
        None => None,
    })
}

/// Segments for `len` bytes at `base`: the matched pieces take the recent result's segments,
/// the gaps the fallback.
fn fill(
    segs: &mut Vec<Segment>,
    base: u32,
    len: u32,
    pieces: &[Piece],
    r: &Recent,
    fallback: &Segment,
) {
    let mut pos = 0u32;
    for p in pieces {
        if p.s_start > pos {
            segs.push(Segment {
                out: base + pos..base + p.s_start,
                ..fallback.clone()
            });
        }
        let (r0, r1) = (p.r_start, p.r_start + p.len);
        // The recent result's segments are sorted: find the first that ends after r0.
        // (An empty segment, a value that printed nothing, counts at either end.)
        let first = r.segs.partition_point(|g| g.out.end < r0);
        let mut covered = r0;
        for g in &r.segs[first..] {
            if g.out.end <= r0 && !(g.out.is_empty() && g.out.start == r0) {
                continue;
            }
            if g.out.start > r1 || (g.out.start == r1 && !g.out.is_empty()) {
                break;
            }
            let a = g.out.start.max(r0);
            let b = g.out.end.min(r1);
            if a > covered {
                segs.push(Segment {
                    out: base + p.s_start + (covered - r0)..base + p.s_start + (a - r0),
                    ..fallback.clone()
                });
            }
            let mut seg = Segment {
                out: base + p.s_start + (a - r0)..base + p.s_start + (b - r0),
                site: fallback.site,
                ..g.clone()
            };
            // A verbatim piece of text keeps the span of just its bytes.
            if verbatim(g) && (a > g.out.start || b < g.out.end) {
                seg.span = Span {
                    start: g.span.start + (a - g.out.start),
                    end: g.span.start + (b - g.out.start),
                };
            }
            if seg.file == TPL_FILE {
                seg.file = fallback.file;
                seg.span = fallback.span;
            }
            if seg.value.is_none() {
                seg.value = r.origin.or(fallback.value);
            }
            segs.push(seg);
            covered = b;
        }
        if covered < r1 {
            segs.push(Segment {
                out: base + p.s_start + (covered - r0)..base + p.s_start + p.len,
                ..fallback.clone()
            });
        }
        pos = p.s_start + p.len;
    }
    if pos < len {
        segs.push(Segment {
            out: base + pos..base + len,
            ..fallback.clone()
        });
    }
}

/// Whether a segment's bytes are its span's bytes, one for one (text printed as written).
fn verbatim(g: &Segment) -> bool {
    g.text && g.span.len() == (g.out.end - g.out.start) as usize
}

/// Helm's `strings.ReplaceAll(out, "<no value>", "")`, with the segments moved along.
pub(crate) fn strip_no_value(buf: &mut Buf) {
    const NV: &str = "<no value>";
    if !buf.text.contains(NV) {
        return;
    }
    let mut cuts: Vec<(u32, u32)> = Vec::new();
    let mut text = String::with_capacity(buf.text.len());
    let mut i = 0;
    while let Some(p) = buf.text[i..].find(NV) {
        text.push_str(&buf.text[i..i + p]);
        cuts.push(((i + p) as u32, (i + p + NV.len()) as u32));
        i += p + NV.len();
    }
    text.push_str(&buf.text[i..]);
    // removed[k]: bytes removed by the cuts before cut k.
    let map = |pos: u32| -> u32 {
        let k = cuts.partition_point(|c| c.1 <= pos);
        let before = (k as u32) * NV.len() as u32;
        let inside = cuts.get(k).map_or(0, |c| pos.saturating_sub(c.0));
        pos - before - inside
    };
    let mut segs = Vec::with_capacity(buf.segs.len());
    for s in &buf.segs {
        let a = map(s.out.start);
        let b = map(s.out.end);
        // A `<no value>` deleted whole leaves an empty mark, as an action printing nothing.
        if b > a || !s.text {
            segs.push(Segment {
                out: a..b,
                ..s.clone()
            });
        }
    }
    buf.text = text;
    buf.segs = segs;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(a: u32, b: u32, file: u32) -> Segment {
        Segment {
            out: a..b,
            file,
            span: Span::new(a as usize, b as usize),
            value: None,
            site: (file, Span::new(a as usize, b as usize)),
            text: true,
        }
    }

    #[test]
    fn no_value_is_deleted_and_segments_follow() {
        let mut b = Buf::default();
        b.write("a: ", 0, Span::new(0, 3), None);
        b.write("<no value>", 0, Span::new(3, 10), None);
        b.write("\nb<no value>c", 0, Span::new(10, 20), None);
        strip_no_value(&mut b);
        assert_eq!(b.text, "a: \nbc");
        let outs: Vec<_> = b.segs.iter().map(|s| s.out.clone()).collect();
        assert_eq!(outs, vec![0..3, 3..6]);
    }

    #[test]
    fn reindented_include_output_keeps_inner_segments() {
        let r = Recent::new("a: 1\nb: 2".into(), vec![seg(0, 5, 7), seg(5, 9, 8)], None);
        let mut b = Buf::default();
        b.write("x:", 0, Span::new(0, 2), None);
        b.write_mapped("\n  a: 1\n  b: 2", 0, Span::new(2, 30), None, &[r]);
        assert_eq!(b.text, "x:\n  a: 1\n  b: 2");
        let files: Vec<(std::ops::Range<u32>, u32)> =
            b.segs.iter().map(|s| (s.out.clone(), s.file)).collect();
        assert_eq!(
            files,
            vec![(0..2, 0), (2..5, 0), (5..9, 7), (9..12, 0), (12..16, 8)]
        );
    }

    #[test]
    fn lines_split_at_newlines_without_a_trailing_empty_line() {
        assert_eq!(lines("").collect::<Vec<_>>(), vec![]);
        assert_eq!(lines("a").collect::<Vec<_>>(), vec![(0, "a")]);
        assert_eq!(lines("a\n").collect::<Vec<_>>(), vec![(0, "a")]);
        assert_eq!(
            lines("\n\nb").collect::<Vec<_>>(),
            vec![(0, ""), (1, ""), (2, "b")]
        );
        assert_eq!(
            lines("ab\ncd\n\ne").collect::<Vec<_>>(),
            vec![(0, "ab"), (3, "cd"), (6, ""), (7, "e")]
        );
        assert_eq!(lines("é\nx").collect::<Vec<_>>(), vec![(0, "é"), (3, "x")]);
    }
}
