//! JSON-RPC messages with `Content-Length` framing, file URIs, and LSP positions (UTF-16).

use crate::source::{File, Span};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};

/// Largest message read (64 MiB); a larger one ends the input.
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

pub enum Message {
    Request {
        id: Value,
        method: String,
        params: Value,
    },
    Notification {
        method: String,
        params: Value,
    },
    /// A message that is not JSON-RPC (answered with a parse error).
    Invalid(String),
}

/// Messages in (read on a thread, so pending ones can be taken together) and out.
pub struct Transport<R, W: Write> {
    rx: Receiver<Message>,
    out: W,
    _reader: std::marker::PhantomData<R>,
}

impl<R: Read + Send + 'static, W: Write> Transport<R, W> {
    pub fn new(input: R, out: W) -> Self {
        let (tx, rx) = channel();
        std::thread::spawn(move || read_loop(input, tx));
        Transport {
            rx,
            out,
            _reader: std::marker::PhantomData,
        }
    }

    /// The next message; `None` when the input has ended.
    pub fn recv(&mut self) -> Option<Message> {
        self.rx.recv().ok()
    }

    /// Messages that have already arrived.
    pub fn drain(&mut self) -> Vec<Message> {
        self.rx.try_iter().collect()
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        let _ = write!(self.out, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = self.out.flush();
    }

    pub fn respond(&mut self, id: Value, result: Value) {
        self.send(json!({ "jsonrpc": "2.0", "id": id, "result": result }));
    }

    pub fn error(&mut self, id: Value, code: i64, message: &str) {
        self.send(json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code, "message": message }
        }));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }
}

fn read_loop<R: Read>(input: R, tx: Sender<Message>) {
    let mut r = BufReader::new(input);
    loop {
        let mut length: Option<usize> = None;
        loop {
            let mut line = String::new();
            match r.by_ref().take(8192).read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if length.is_some() {
                    break;
                }
                continue;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().ok();
            }
        }
        let Some(len) = length.filter(|&l| l <= MAX_MESSAGE) else {
            return;
        };
        let mut body = vec![0; len];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let msg = match serde_json::from_slice::<Value>(&body) {
            Ok(v) => parse(v),
            Err(e) => Message::Invalid(format!("invalid JSON: {e}")),
        };
        if tx.send(msg).is_err() {
            return;
        }
    }
}

fn parse(v: Value) -> Message {
    let Some(method) = v["method"].as_str().map(str::to_string) else {
        // A response to a request of ours (none are sent) or garbage.
        return Message::Notification {
            method: String::new(),
            params: Value::Null,
        };
    };
    let params = v.get("params").cloned().unwrap_or(Value::Null);
    match v.get("id") {
        Some(id) if !id.is_null() => Message::Request {
            id: id.clone(),
            method,
            params,
        },
        _ => Message::Notification { method, params },
    }
}

/// `file:///a%20b/c.yaml` → `/a b/c.yaml`.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file://localhost/…` names the local host.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(rest.get(i + 1..i + 3)?, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    let s = String::from_utf8(out).ok()?;
    // Windows drive letters: `/C:/x` → `C:/x`.
    let s = match s.as_bytes() {
        [b'/', d, b':', ..] if d.is_ascii_alphabetic() && cfg!(windows) => s[1..].to_string(),
        _ => s,
    };
    Some(PathBuf::from(s))
}

/// An absolute path as a `file://` URI, percent-encoding what URIs do not allow.
pub fn path_to_uri(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:@!$&'()*+,;=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The LSP position (0-based line, UTF-16 column) of a byte offset.
pub fn lsp_position(file: &File, offset: usize) -> Value {
    let mut offset = offset.min(file.text.len());
    while offset > 0 && !file.text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = file.line_index(offset);
    let start = file.line_start(line);
    let character: usize = file.text[start..offset].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

/// The LSP range of a span (a finding about the whole file: its start).
pub fn range(file: &File, span: Option<Span>) -> Value {
    let span = span.unwrap_or_default();
    json!({
        "start": lsp_position(file, span.start as usize),
        "end": lsp_position(file, span.end as usize),
    })
}

/// `(line, character)` of an LSP position.
pub fn position(v: &Value) -> Option<(u64, u64)> {
    Some((v["line"].as_u64()?, v["character"].as_u64()?))
}

/// The byte offset of an LSP position (clamped to its line).
pub fn offset(file: &File, (line, character): (u64, u64)) -> usize {
    let line = line as usize;
    if line >= file.line_count() {
        return file.text.len();
    }
    let r = file.line_range(line);
    let mut units = 0u64;
    for (i, c) in file.text[r.clone()].char_indices() {
        if units >= character {
            return r.start + i;
        }
        units += c.len_utf16() as u64;
    }
    r.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/tmp/a b/ü#.yaml");
        let uri = path_to_uri(p);
        assert_eq!(uri, "file:///tmp/a%20b/%C3%BC%23.yaml");
        assert_eq!(uri_to_path(&uri).unwrap(), p);
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
    }

    #[test]
    fn positions_count_utf16_units() {
        let f = SourceFile::new("x", "a: \"😀é\" x\nb: 1\n".into());
        let x = f.text.find(" x").unwrap() + 1;
        assert_eq!(lsp_position(&f, x), json!({"line": 0, "character": 9}));
        assert_eq!(offset(&f, (0, 9)), x);
        assert_eq!(offset(&f, (1, 99)), f.text.len() - 1);
        assert_eq!(offset(&f, (7, 0)), f.text.len());
    }
}
