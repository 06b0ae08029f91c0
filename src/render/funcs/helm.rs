//! Helm's own pure functions (`required`, `fail`, `lookup`, `getHostByName`), reflection
//! helpers (`typeOf`, `kindOf`, ...), semantic versions, paths and URLs.

use super::args::*;
use super::{CallError, FuncCtx};
use crate::chart::semver as sv;
use crate::render::value::{Kind, Object, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

type R = Result<Value, CallError>;

/// Helm marks `required` and `fail` messages so that its error cleanup can show them as
/// `execution error at (LOCATION): MSG`.
fn warn_wrap(msg: &str) -> String {
    format!("HELM_ERR_START{msg}HELM_ERR_END")
}

pub fn required(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("required", &a, 2)?;
    let warn = string(&a[0])?;
    let v = &a[1];
    let missing = match &v.kind {
        Kind::Nil | Kind::Invalid => true,
        Kind::Str(s) => s.is_empty(),
        _ => false,
    };
    if missing {
        return Err(failed(warn_wrap(&warn)));
    }
    Ok(v.clone())
}

pub fn fail(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("fail", &a, 1)?;
    let msg = string(&a[0])?;
    Err(failed(warn_wrap(&msg)))
}

/// `lookup` in `helm template`: always an empty map.
pub fn lookup(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("lookup", &a, 4)?;
    for v in &a {
        string(v)?;
    }
    Ok(Value::map(BTreeMap::new()))
}

pub fn get_host_by_name(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("getHostByName", &a, 1)?;
    string(&a[0])?;
    Ok(Value::str(""))
}

// ----- reflection -----

pub fn type_of(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("typeOf", &a, 1)?;
    Ok(Value::str(a[0].type_name()))
}

pub fn type_is(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("typeIs", &a, 2)?;
    let t = string(&a[0])?;
    Ok(Value::bool(*t == *a[1].type_name()))
}

pub fn type_is_like(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("typeIsLike", &a, 2)?;
    let t = string(&a[0])?;
    let actual = a[1].type_name();
    Ok(Value::bool(*t == *actual || format!("*{t}") == actual))
}

pub fn kind_of(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("kindOf", &a, 1)?;
    Ok(Value::str(kind_name(&a[0])))
}

pub fn kind_is(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("kindIs", &a, 2)?;
    let t = string(&a[0])?;
    Ok(Value::bool(*t == *kind_name(&a[1])))
}

pub fn deep_equal_fn(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("deepEqual", &a, 2)?;
    if a.iter().any(|v| v.expands_beyond(MAX_OUTPUT)) {
        return Err(failed(format!(
            "the values exceed the renderer's limit of {MAX_OUTPUT} values and bytes"
        )));
    }
    Ok(Value::bool(deep_equal(&a[0], &a[1])))
}

// ----- semantic versions -----

/// Masterminds' `NewVersion` (lenient: `v1.2` is `1.2.0`).
fn new_version(s: &str) -> Result<sv::Version, CallError> {
    let leading_zero = |v: &str| {
        let pre = v.split('+').next().unwrap_or("");
        pre.split_once('-').is_some_and(|(_, pre)| {
            pre.split('.').any(|id| {
                id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
            })
        })
    };
    let Some(v) = sv::parse_lenient(s) else {
        if leading_zero(s) {
            return Err(failed("Version segment starts with 0"));
        }
        return Err(failed("Invalid Semantic Version"));
    };
    if v.pre
        .iter()
        .any(|id| id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(failed("Version segment starts with 0"));
    }
    Ok(v)
}

/// Masterminds' check: a pre-release version fails every comparison whose version names
/// no pre-release, except `!=` against a full version.
fn comparison_matches(c: &sv::Comparison, v: &sv::Version) -> bool {
    let pv = &c.version;
    if c.op == sv::Op::Ne
        && !v.pre.is_empty()
        && pv.pre.is_empty()
        && pv.major.is_some()
        && pv.minor.is_some()
        && pv.patch.is_some()
    {
        let floor = sv::Version {
            major: pv.major.unwrap_or(0),
            minor: pv.minor.unwrap_or(0),
            patch: pv.patch.unwrap_or(0),
            pre: Vec::new(),
            build: None,
        };
        return v.precedence(&floor) != std::cmp::Ordering::Equal;
    }
    c.matches(v)
}

pub fn semver_compare(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("semverCompare", &a, 2)?;
    let c = string(&a[0])?;
    let v = string(&a[1])?;
    let constraint =
        sv::parse_constraint(&c).map_err(|_| failed(format!("improper constraint: {c}")))?;
    let version = new_version(&v)?;
    Ok(Value::bool(constraint.any_of.iter().any(|group| {
        group.iter().all(|c| comparison_matches(c, &version))
    })))
}

/// A `*semver.Version`.
#[derive(Debug)]
pub struct SemverObject {
    pub version: sv::Version,
    pub original: String,
}

impl Object for SemverObject {
    fn type_name(&self) -> &str {
        "*semver.Version"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let v = &self.version;
        Some(match name {
            "Major" => Value::new(Kind::Int64(v.major as i64)),
            "Minor" => Value::new(Kind::Int64(v.minor as i64)),
            "Patch" => Value::new(Kind::Int64(v.patch as i64)),
            "Prerelease" => Value::str(v.pre.join(".")),
            "Metadata" => Value::str(v.build.clone().unwrap_or_default()),
            "Original" => Value::str(self.original.clone()),
            "String" => Value::str(v.to_string()),
            _ => return None,
        })
    }

    fn print(&self) -> String {
        self.version.to_string()
    }
}

pub fn semver(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("semver", &a, 1)?;
    let s = string(&a[0])?;
    let version = new_version(&s)?;
    Ok(Value::new(Kind::Object(Arc::new(SemverObject {
        version,
        original: s.to_string(),
    }))))
}

// ----- paths (Go's `path`, and `path/filepath` on Linux) -----

/// Go's `path.Clean`.
pub fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

fn base_path(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

fn dir_path(p: &str) -> String {
    let dir = match p.rfind('/') {
        Some(i) => &p[..i + 1],
        None => "",
    };
    clean_path(dir)
}

fn ext_path(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return p[i..].to_string();
        }
    }
    String::new()
}

fn path_fn(name: &str, a: &[Value], f: fn(&str) -> String) -> R {
    arity(name, a, 1)?;
    let s = string(&a[0])?;
    Ok(Value::str(f(&s)))
}

pub fn base(_: &mut FuncCtx, a: Vec<Value>) -> R {
    path_fn("base", &a, base_path)
}
pub fn dir(_: &mut FuncCtx, a: Vec<Value>) -> R {
    path_fn("dir", &a, dir_path)
}
pub fn clean(_: &mut FuncCtx, a: Vec<Value>) -> R {
    path_fn("clean", &a, clean_path)
}
pub fn ext(_: &mut FuncCtx, a: Vec<Value>) -> R {
    path_fn("ext", &a, ext_path)
}
pub fn os_base(_: &mut FuncCtx, a: Vec<Value>) -> R {
    path_fn("osBase", &a, base_path)
}
pub fn os_dir(_: &mut FuncCtx, a: Vec<Value>) -> R {
    path_fn("osDir", &a, dir_path)
}
pub fn os_clean(_: &mut FuncCtx, a: Vec<Value>) -> R {
    path_fn("osClean", &a, clean_path)
}
pub fn os_ext(_: &mut FuncCtx, a: Vec<Value>) -> R {
    path_fn("osExt", &a, ext_path)
}
pub fn is_abs(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("isAbs", &a, 1)?;
    Ok(Value::bool(string(&a[0])?.starts_with('/')))
}
pub fn os_is_abs(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("osIsAbs", &a, 1)?;
    Ok(Value::bool(string(&a[0])?.starts_with('/')))
}

// ----- URLs (net/url) -----

fn unescape(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = b.get(i + 1..i + 3).and_then(|h| {
                std::str::from_utf8(h)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            });
            match h {
                Some(x) => {
                    out.push(x);
                    i += 3;
                }
                None => {
                    let end = (i + 3).min(b.len());
                    return Err(format!(
                        "invalid URL escape {}",
                        crate::render::gofmt::quote(&String::from_utf8_lossy(&b[i..end]))
                    ));
                }
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Escapes a path as `url.URL.EscapedPath` does for a path without a raw form.
fn escape_path(s: &str) -> String {
    escape_url_part(s, false)
}

/// Escapes a fragment as `url.URL.EscapedFragment` does: as a path, with `?` kept too.
fn escape_fragment(s: &str) -> String {
    escape_url_part(s, true)
}

/// Percent-encodes every byte outside the unreserved and sub-delimiter characters Go keeps in
/// paths (plus `?` in fragments).
fn escape_url_part(s: &str, keep_question_mark: bool) -> String {
    let mut out = String::new();
    for &b in s.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || b"-_.~$&+,/:;=@!'()*".contains(&b)
            || (keep_question_mark && b == b'?');
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct Url {
    scheme: String,
    opaque: String,
    user: Option<String>,
    host: String,
    path: String,
    query: String,
    fragment: String,
}

fn parse_url(raw: &str) -> Result<Url, String> {
    let (rest, fragment) = match raw.split_once('#') {
        Some((a, f)) => (a, unescape(f)?),
        None => (raw, String::new()),
    };
    let mut scheme = String::new();
    let mut rest = rest;
    if let Some(i) = rest.find(':') {
        let cand = &rest[..i];
        let ok = cand.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && cand
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if ok {
            scheme = cand.to_ascii_lowercase();
            rest = &rest[i + 1..];
        } else if i == 0 {
            return Err("missing protocol scheme".into());
        }
    }
    let (rest, query) = match rest.split_once('?') {
        Some((a, q)) => (a, q.to_string()),
        None => (rest, String::new()),
    };
    let mut url = Url {
        scheme,
        opaque: String::new(),
        user: None,
        host: String::new(),
        path: String::new(),
        query,
        fragment,
    };
    if !rest.starts_with('/') && !url.scheme.is_empty() {
        url.opaque = rest.to_string();
        return Ok(url);
    }
    let mut rest = rest;
    if let Some(auth_rest) = rest.strip_prefix("//") {
        let end = auth_rest.find('/').unwrap_or(auth_rest.len());
        let auth = &auth_rest[..end];
        rest = &auth_rest[end..];
        let host = match auth.rfind('@') {
            Some(i) => {
                url.user = Some(auth[..i].to_string());
                &auth[i + 1..]
            }
            None => auth,
        };
        url.host = unescape(host)?;
    }
    url.path = unescape(rest)?;
    Ok(url)
}

fn hostname(host: &str) -> String {
    if let Some(r) = host.strip_prefix('[') {
        return r.split(']').next().unwrap_or("").to_string();
    }
    match host.rfind(':') {
        Some(i) => host[..i].to_string(),
        None => host.to_string(),
    }
}

pub fn url_parse(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("urlParse", &a, 1)?;
    let s = string(&a[0])?;
    let u = parse_url(&s).map_err(|e| {
        failed(format!(
            "unable to parse url: parse {}: {e}",
            crate::render::gofmt::quote(&s)
        ))
    })?;
    let mut m = BTreeMap::new();
    m.insert("scheme".into(), Value::str(u.scheme.clone()));
    m.insert("host".into(), Value::str(u.host.clone()));
    m.insert("hostname".into(), Value::str(hostname(&u.host)));
    m.insert("path".into(), Value::str(u.path.clone()));
    m.insert("query".into(), Value::str(u.query.clone()));
    m.insert("opaque".into(), Value::str(u.opaque.clone()));
    m.insert("fragment".into(), Value::str(u.fragment.clone()));
    m.insert(
        "userinfo".into(),
        Value::str(u.user.clone().unwrap_or_default()),
    );
    Ok(Value::map(m))
}

pub fn url_join(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("urlJoin", &a, 1)?;
    let m = map_any(&a[0])?;
    let get = |k: &str| -> Result<String, CallError> {
        let Some(m) = &m else {
            return Ok(String::new());
        };
        match m.entries.get(k) {
            None => Ok(String::new()),
            Some(v) => match &v.kind {
                Kind::Str(s) => Ok(s.to_string()),
                Kind::Nil => Err(nil_deref()),
                _ => Err(failed(format!(
                    "unable to parse {k} key, must be of type string, but {} found",
                    kind_name(v)
                ))),
            },
        }
    };
    let scheme = get("scheme")?;
    let host = get("host")?;
    let path = get("path")?;
    let query = get("query")?;
    let opaque = get("opaque")?;
    let fragment = get("fragment")?;
    let userinfo = get("userinfo")?;
    let mut out = String::new();
    if !scheme.is_empty() {
        out.push_str(&scheme);
        out.push(':');
    }
    if !opaque.is_empty() {
        out.push_str(&opaque);
    } else {
        if !scheme.is_empty() || !host.is_empty() || !userinfo.is_empty() {
            if !host.is_empty() || !path.is_empty() || !userinfo.is_empty() {
                out.push_str("//");
            }
            if !userinfo.is_empty() {
                out.push_str(&userinfo);
                out.push('@');
            }
            out.push_str(&host);
        }
        let ep = escape_path(&path);
        if !ep.is_empty() && !ep.starts_with('/') && !host.is_empty() {
            out.push('/');
        }
        out.push_str(&ep);
    }
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(&escape_fragment(&fragment));
    }
    Ok(Value::str(out))
}
