//! Source files, byte spans and the line index that turns offsets into lines and columns.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A half-open byte range `start..end` into one [`SourceFile`]'s text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        let start = start.min(u32::MAX as usize) as u32;
        let end = end.min(u32::MAX as usize) as u32;
        Span {
            start,
            end: end.max(start),
        }
    }

    pub fn empty(at: usize) -> Span {
        Span::new(at, at)
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// A sub-span given relative offsets inside this span.
    pub fn sub(self, rel_start: usize, rel_end: usize) -> Span {
        Span::new(
            self.start as usize + rel_start,
            self.start as usize + rel_end,
        )
    }
}

/// A 1-based line and column. Columns count Unicode scalar values (SARIF `unicodeCodePoints`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub col: usize,
}

/// One file as read from disk (or from inside a packaged chart), read once and shared.
#[derive(Debug)]
pub struct SourceFile {
    /// The path shown to users: relative to the working directory where possible.
    pub path: PathBuf,
    pub text: String,
    /// Built on the first position asked for: most files read (READMEs, changelogs, files only
    /// `.Files` reads) never need one.
    index: OnceLock<LineIndex>,
}

#[derive(Debug)]
struct LineIndex {
    line_starts: Vec<u32>,
    /// For text that is not all ASCII: `(byte offset, characters before it)` every
    /// [`CHAR_MARK_STEP`] bytes, so a column is counted from the nearest mark rather than from
    /// the start of a possibly very long line. Empty for ASCII text, where bytes are columns.
    char_marks: Vec<(u32, u32)>,
}

impl LineIndex {
    fn build(text: &str) -> LineIndex {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| (i + 1) as u32));
        let mut char_marks = Vec::new();
        if !text.is_ascii() {
            // A mark at the first character starting at or after each step from the previous
            // mark; the characters between two marks are counted as the bytes that start one.
            let bytes = text.as_bytes();
            let (mut at, mut chars) = (0, 0);
            while at < bytes.len() {
                char_marks.push((at as u32, chars as u32));
                let mut next = at + CHAR_MARK_STEP;
                if next >= bytes.len() {
                    break;
                }
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                chars += bytes[at..next]
                    .iter()
                    .filter(|&&b| (b as i8) >= -0x40)
                    .count();
                at = next;
            }
        }
        LineIndex {
            line_starts,
            char_marks,
        }
    }
}

/// Bytes between two character-count marks of a non-ASCII file.
const CHAR_MARK_STEP: usize = 4096;

pub type File = Arc<SourceFile>;

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> File {
        Arc::new(SourceFile {
            path: path.into(),
            text,
            index: OnceLock::new(),
        })
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::build(&self.text))
    }

    /// A file known only by its path (unreadable, binary, a directory).
    pub fn path_only(path: impl Into<PathBuf>) -> File {
        SourceFile::new(path, String::new())
    }

    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    pub fn line_count(&self) -> usize {
        self.index().line_starts.len()
    }

    /// 0-based line index containing the byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        let off = offset.min(self.text.len()) as u32;
        match self.index().line_starts.binary_search(&off) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where the 0-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.index()
            .line_starts
            .get(line)
            .map(|&s| s as usize)
            .unwrap_or(self.text.len())
    }

    /// Byte range of the 0-based line without its line terminator.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.line_start(line);
        let mut end = self.line_start(line + 1);
        let bytes = self.text.as_bytes();
        if end > start && end <= bytes.len() && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    pub fn line_text(&self, line: usize) -> &str {
        let r = self.line_range(line);
        self.text.get(r).unwrap_or("")
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_index(offset);
        let start = self.line_start(line);
        let mut col = if self.index().char_marks.is_empty() {
            offset - start
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        // Editors do not show a byte order mark: columns on the first line start after it.
        if start == 0 && offset >= 3 && self.text.starts_with('\u{feff}') {
            col -= 1;
        }
        LineCol {
            line: line + 1,
            col: col + 1,
        }
    }

    /// Characters before a byte offset on a char boundary (non-ASCII text only).
    fn chars_before(&self, offset: usize) -> usize {
        let marks = &self.index().char_marks;
        let i = match marks.binary_search_by_key(&(offset as u32), |m| m.0) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let (at, chars) = marks.get(i).copied().unwrap_or((0, 0));
        chars as usize + self.text[at as usize..offset].chars().count()
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A path as users should see it: relative to the current directory when inside it,
/// with forward slashes.
pub fn display_path(path: &Path) -> String {
    // plimsoll never changes its working directory: read it once.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let shown = CWD
        .get_or_init(|| std::env::current_dir().ok())
        .as_ref()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let s = shown.to_string_lossy().replace('\\', "/");
    match s.strip_prefix("./") {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_and_handles_crlf() {
        let f = SourceFile::new("x.yaml", "a: 1\r\nb: \"héllo\" x\n".to_string());
        assert_eq!(f.line_col(0), LineCol { line: 1, col: 1 });
        let off = f.text.find('x').unwrap();
        assert_eq!(f.line_col(off), LineCol { line: 2, col: 12 });
        assert_eq!(f.line_text(0), "a: 1");
        assert_eq!(f.line_count(), 3);
    }

    #[test]
    fn a_byte_order_mark_takes_no_column() {
        let f = SourceFile::new("x.yaml", "\u{feff}a: 1\n".to_string());
        assert_eq!(f.line_col(3), LineCol { line: 1, col: 1 });
        assert_eq!(f.line_col(6), LineCol { line: 1, col: 4 });
    }

    #[test]
    fn columns_count_characters_on_long_non_ascii_lines() {
        let line: String = (0..3000)
            .map(|i| if i % 7 == 0 { 'é' } else { 'a' })
            .collect();
        let text = format!("x\n{line}{line}\nz");
        let f = SourceFile::new("t", text.clone());
        for (k, (i, _)) in text.char_indices().enumerate().step_by(997) {
            let expect_line = text[..i].matches('\n').count() + 1;
            let line_start = text[..i].rfind('\n').map_or(0, |p| p + 1);
            let expect_col = text[line_start..i].chars().count() + 1;
            assert_eq!(
                (f.line_col(i).line, f.line_col(i).col),
                (expect_line, expect_col),
                "char {k} at byte {i}"
            );
        }
    }

    #[test]
    fn character_marks_fall_on_the_first_character_of_each_step() {
        // Multi-byte characters straddle the step boundaries; the text ends inside one step.
        for width in [2, 3, 4] {
            let c = ['é', '€', '😀'][width - 2];
            let text: String = (0..5 * CHAR_MARK_STEP)
                .map(|i| if i % 5 == 0 { c } else { 'a' })
                .collect();
            let index = LineIndex::build(&text);
            let mut expect = Vec::new();
            let mut next = 0;
            for (chars, (i, _)) in text.char_indices().enumerate() {
                if i >= next {
                    expect.push((i as u32, chars as u32));
                    next = i + CHAR_MARK_STEP;
                }
            }
            assert!(expect.len() > 4);
            assert_eq!(index.char_marks, expect, "{width}-byte characters");
        }
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let f = SourceFile::new("x", "ab".to_string());
        assert_eq!(f.line_col(99), LineCol { line: 1, col: 3 });
    }
}
