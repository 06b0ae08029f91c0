//! The function library behind one call interface.
//!
//! The executor evaluates a call's arguments, then calls [`lookup`]'s function with them.
//! Functions that need the engine (`include`, `tpl`, `template`-like calls), and `and`/`or`
//! (which short-circuit), are the executor's own and never reach this table.
//!
//! Each function checks its arguments the way Go's reflection checks a call to a typed Go
//! function: arity first, then assignability (numbers are never converted between kinds).

use super::value::{Map, Value};
use std::sync::Arc;

/// Why a call failed; the executor turns it into Helm's message.
#[derive(Clone, Debug, PartialEq)]
pub enum CallError {
    /// Wrong number of arguments: `wrong number of args for NAME: want N got M`
    /// (`want at least N` for variadic functions). Holds the whole message.
    Arity(String),
    /// An argument is not assignable to the parameter type, reported before the call:
    /// `wrong type for value; expected int; got float64`. Holds the whole message.
    ArgType(String),
    /// The function returned an error or panicked; reported as `error calling NAME: MSG`.
    /// Holds MSG.
    Failed(String),
}

pub(crate) mod args;
mod builtins;
mod collections;
mod digest;
mod encoding;
mod helm;
mod numeric;
mod random;
mod regex;
mod strings;
mod time;

pub use encoding::parse_json;
pub use helm::SemverObject;
pub use random::Certificate;
pub use time::Time;

/// State a function may need that is not in its arguments: the deterministic source for
/// random and time-based functions, and the maps a call changed in place.
#[derive(Debug)]
pub struct FuncCtx {
    /// Advanced by every random function so each call differs, the same way on every run.
    pub rng_state: u64,
    /// What `now` returns, in seconds since the Unix epoch (UTC).
    pub now_unix: i64,
    /// Go maps are references: `set`, `unset`, `merge` and `mergeOverwrite` change the map
    /// they are given, and every variable or value holding it sees the change. Values here
    /// are immutable, so each such call records `(old, new)`: the executor replaces every
    /// value whose map is `Arc::ptr_eq` to `old` (in variables, dot and nested maps) by
    /// `new`, then clears the list.
    pub replaced: Vec<(Arc<Map>, Arc<Map>)>,
    /// Set by `toYaml` and `printf`: where in the result each value read from a file was
    /// printed, so the executor can keep those origins when the text is printed.
    pub marks: crate::render::yaml_out::Marks,
}

impl Default for FuncCtx {
    fn default() -> Self {
        FuncCtx {
            rng_state: 0,
            // 2025-01-01T00:00:00Z
            now_unix: 1_735_689_600,
            replaced: Vec::new(),
            marks: Vec::new(),
        }
    }
}

pub type Func = fn(&mut FuncCtx, Vec<Value>) -> Result<Value, CallError>;

/// The function registered under `name`, if any. `include`, `tpl`, `and`, `or` and `call`
/// are the executor's own and are not here.
pub fn lookup(name: &str) -> Option<Func> {
    use builtins as b;
    use collections as c;
    use encoding as e;
    use helm as h;
    use numeric as n;
    use random as r;
    use regex as x;
    use strings as s;
    use time as t;
    let f: Func = match name {
        // Go builtins
        "eq" => b::eq,
        "ne" => b::ne,
        "lt" => b::lt,
        "le" => b::le,
        "gt" => b::gt,
        "ge" => b::ge,
        "not" => b::not,
        "len" => b::len,
        "index" => b::index,
        "print" => b::print,
        "printf" => b::printf,
        "println" => b::println,
        "html" => b::html,
        "js" => b::js,
        "urlquery" => b::urlquery,
        // Helm
        "toYaml" => e::to_yaml,
        "toYamlPretty" => e::to_yaml_pretty,
        "fromYaml" => e::from_yaml,
        "fromYamlArray" => e::from_yaml_array,
        "toJson" => e::to_json,
        "fromJson" => e::from_json,
        "fromJsonArray" => e::from_json_array,
        "toToml" => e::to_toml,
        "fromToml" => e::from_toml,
        "required" => h::required,
        "fail" => h::fail,
        "lookup" => h::lookup,
        "getHostByName" => h::get_host_by_name,
        // Sprig: strings
        "hello" => s::hello,
        "abbrev" => s::abbrev,
        "abbrevboth" => s::abbrevboth,
        "trunc" => s::trunc,
        "trim" => s::trim,
        "upper" => s::upper,
        "lower" => s::lower,
        "title" => s::title,
        "untitle" => s::untitle,
        "substr" => s::substr,
        "repeat" => s::repeat,
        "trimall" => s::trimall,
        "trimAll" => s::trim_all,
        "trimSuffix" => s::trim_suffix,
        "trimPrefix" => s::trim_prefix,
        "nospace" => s::nospace,
        "initials" => s::initials,
        "swapcase" => s::swapcase,
        "shuffle" => s::shuffle,
        "snakecase" => s::snakecase,
        "camelcase" => s::camelcase,
        "kebabcase" => s::kebabcase,
        "wrap" => s::wrap,
        "wrapWith" => s::wrap_with,
        "contains" => s::contains,
        "hasPrefix" => s::has_prefix,
        "hasSuffix" => s::has_suffix,
        "quote" => s::quote,
        "squote" => s::squote,
        "cat" => s::cat,
        "indent" => s::indent,
        "nindent" => s::nindent,
        "replace" => s::replace,
        "plural" => s::plural,
        "toString" => s::to_string,
        "join" => s::join,
        "sortAlpha" => s::sort_alpha,
        "split" => s::split,
        "splitList" => s::split_list,
        "splitn" => s::splitn,
        "toStrings" => s::to_strings,
        // Sprig: encodings and digests
        "sha1sum" => e::sha1sum,
        "sha256sum" => e::sha256sum,
        "sha512sum" => e::sha512sum,
        "adler32sum" => e::adler32sum,
        "b64enc" => e::b64enc,
        "b64dec" => e::b64dec,
        "b32enc" => e::b32enc,
        "b32dec" => e::b32dec,
        "toPrettyJson" => e::to_pretty_json,
        "toRawJson" => e::to_raw_json,
        "mustFromJson" => e::must_from_json,
        "mustToJson" => e::must_to_json,
        "mustToPrettyJson" => e::must_to_pretty_json,
        "mustToRawJson" => e::must_to_raw_json,
        // Sprig: numbers
        "atoi" => n::atoi,
        "int64" => n::int64_fn,
        "int" => n::int_fn,
        "float64" => n::float64_fn,
        "toDecimal" => n::to_decimal,
        "add1" => n::add1,
        "add" => n::add,
        "sub" => n::sub,
        "div" => n::div,
        "mod" => n::modulo,
        "mul" => n::mul,
        "add1f" => n::add1f,
        "addf" => n::addf,
        "subf" => n::subf,
        "divf" => n::divf,
        "mulf" => n::mulf,
        "biggest" => n::biggest,
        "max" => n::max,
        "min" => n::min,
        "maxf" => n::maxf,
        "minf" => n::minf,
        "ceil" => n::ceil,
        "floor" => n::floor,
        "round" => n::round,
        "seq" => c::seq,
        "until" => c::until,
        "untilStep" => c::until_step,
        // Sprig: defaults and reflection
        "default" => c::default,
        "empty" => c::empty,
        "coalesce" => c::coalesce,
        "all" => c::all,
        "any" => c::any,
        "ternary" => c::ternary,
        "deepCopy" => c::deep_copy,
        "mustDeepCopy" => c::must_deep_copy,
        "typeOf" => h::type_of,
        "typeIs" => h::type_is,
        "typeIsLike" => h::type_is_like,
        "kindOf" => h::kind_of,
        "kindIs" => h::kind_is,
        "deepEqual" => h::deep_equal_fn,
        // Sprig: paths and URLs
        "base" => h::base,
        "dir" => h::dir,
        "clean" => h::clean,
        "ext" => h::ext,
        "isAbs" => h::is_abs,
        "osBase" => h::os_base,
        "osClean" => h::os_clean,
        "osDir" => h::os_dir,
        "osExt" => h::os_ext,
        "osIsAbs" => h::os_is_abs,
        "urlParse" => h::url_parse,
        "urlJoin" => h::url_join,
        // Sprig: dictionaries
        "dict" => c::dict,
        "get" => c::get,
        "set" => c::set,
        "unset" => c::unset,
        "hasKey" => c::has_key,
        "pluck" => c::pluck,
        "keys" => c::keys,
        "pick" => c::pick,
        "omit" => c::omit,
        "merge" => c::merge,
        "mergeOverwrite" => c::merge_overwrite,
        "mustMerge" => c::must_merge,
        "mustMergeOverwrite" => c::must_merge_overwrite,
        "values" => c::values,
        "dig" => c::dig,
        // Sprig: lists
        "list" | "tuple" => c::list_fn,
        "append" => c::push,
        "push" => c::push_alias,
        "mustAppend" => c::must_append,
        "mustPush" => c::must_push,
        "prepend" => c::prepend,
        "mustPrepend" => c::must_prepend,
        "first" => c::first,
        "mustFirst" => c::must_first,
        "rest" => c::rest,
        "mustRest" => c::must_rest,
        "last" => c::last,
        "mustLast" => c::must_last,
        "initial" => c::initial,
        "mustInitial" => c::must_initial,
        "reverse" => c::reverse,
        "mustReverse" => c::must_reverse,
        "uniq" => c::uniq,
        "mustUniq" => c::must_uniq,
        "without" => c::without,
        "mustWithout" => c::must_without,
        "has" => c::has,
        "mustHas" => c::must_has,
        "slice" => c::slice,
        "mustSlice" => c::must_slice,
        "concat" => c::concat,
        "chunk" => c::chunk,
        "mustChunk" => c::must_chunk,
        "compact" => c::compact,
        "mustCompact" => c::must_compact,
        // Sprig: regular expressions and versions
        "regexMatch" => x::regex_match,
        "mustRegexMatch" => x::must_regex_match,
        "regexFindAll" => x::regex_find_all,
        "mustRegexFindAll" => x::must_regex_find_all,
        "regexFind" => x::regex_find,
        "mustRegexFind" => x::must_regex_find,
        "regexReplaceAll" => x::regex_replace_all,
        "mustRegexReplaceAll" => x::must_regex_replace_all,
        "regexReplaceAllLiteral" => x::regex_replace_all_literal,
        "mustRegexReplaceAllLiteral" => x::must_regex_replace_all_literal,
        "regexSplit" => x::regex_split,
        "mustRegexSplit" => x::must_regex_split,
        "regexQuoteMeta" => x::regex_quote_meta,
        "semver" => h::semver,
        "semverCompare" => h::semver_compare,
        // Sprig: random and crypto
        "randAlphaNum" => r::rand_alpha_num,
        "randAlpha" => r::rand_alpha,
        "randAscii" => r::rand_ascii,
        "randNumeric" => r::rand_numeric,
        "randBytes" => r::rand_bytes,
        "randInt" => r::rand_int,
        "uuidv4" => r::uuidv4,
        "bcrypt" => r::bcrypt,
        "htpasswd" => r::htpasswd,
        "genPrivateKey" => r::gen_private_key,
        "derivePassword" => r::derive_password,
        "buildCustomCert" => r::build_custom_cert,
        "genCA" => r::gen_ca,
        "genCAWithKey" => r::gen_ca_with_key,
        "genSelfSignedCert" => r::gen_self_signed_cert,
        "genSelfSignedCertWithKey" => r::gen_self_signed_cert_with_key,
        "genSignedCert" => r::gen_signed_cert,
        "genSignedCertWithKey" => r::gen_signed_cert_with_key,
        "encryptAES" => r::encrypt_aes,
        "decryptAES" => r::decrypt_aes,
        // Sprig: dates
        "now" => t::now,
        "date" => t::date,
        "dateInZone" => t::date_in_zone,
        "date_in_zone" => t::date_in_zone_snake,
        "htmlDate" => t::html_date,
        "htmlDateInZone" => t::html_date_in_zone,
        "toDate" => t::to_date,
        "mustToDate" => t::must_to_date,
        "unixEpoch" => t::unix_epoch,
        "dateModify" => t::date_modify,
        "date_modify" => t::date_modify_snake,
        "mustDateModify" => t::must_date_modify,
        "must_date_modify" => t::must_date_modify_snake,
        "ago" => t::ago,
        "duration" => t::duration,
        "durationRound" => t::duration_round,
        _ => return None,
    };
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::HELM_FUNCTIONS;

    #[test]
    fn every_helm_function_is_registered() {
        let own = ["include", "tpl"];
        for name in HELM_FUNCTIONS {
            if own.contains(name) {
                continue;
            }
            assert!(lookup(name).is_some(), "{name} missing");
        }
        for name in [
            "eq", "ne", "lt", "le", "gt", "ge", "not", "len", "index", "print", "printf",
            "println", "html", "js", "urlquery", "slice",
        ] {
            assert!(lookup(name).is_some(), "{name} missing");
        }
        assert!(lookup("env").is_none());
        assert!(lookup("and").is_none());
    }

    #[test]
    fn every_function_has_parameters() {
        for name in HELM_FUNCTIONS.iter().chain(crate::template::GO_BUILTINS) {
            if lookup(name).is_some() {
                assert!(params(name).is_some(), "{name} has no parameter list");
            }
        }
        assert_eq!(
            params("trunc"),
            Some(Params {
                fixed: &["int", "string"],
                variadic: None
            })
        );
    }
}

/// A function's Go parameter types, as `reflect` reports them (`string`, `int`, `bool`,
/// `float64`, `uint32`, `interface {}`, `map[string]interface {}`, `[]interface {}`,
/// `time.Time`, `sprig.certificate`, `reflect.Value`): what the executor needs to check
/// arguments the way text/template does before the call (arity, then each argument as it
/// is evaluated, with literals converted to the parameter's kind: `expected string; found
/// 5`, `cannot assign nil to string`, `expected integer; found 2.5`), and to report a
/// failure at the argument that caused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    pub fixed: &'static [&'static str],
    /// The element type of a final `...T` parameter.
    pub variadic: Option<&'static str>,
}

/// The parameters of the function registered under `name`.
pub fn params(name: &str) -> Option<Params> {
    const S: &str = "string";
    const I: &str = "int";
    const B: &str = "bool";
    const F: &str = "float64";
    const A: &str = "interface {}";
    const M: &str = "map[string]interface {}";
    const L: &str = "[]interface {}";
    const T: &str = "time.Time";
    const C: &str = "sprig.certificate";
    const V: &str = "reflect.Value";
    let p = |fixed: &'static [&'static str]| Params {
        fixed,
        variadic: None,
    };
    let va = |fixed: &'static [&'static str], v: &'static str| Params {
        fixed,
        variadic: Some(v),
    };
    Some(match name {
        "eq" => va(&[V], V),
        "ne" | "lt" | "le" | "gt" | "ge" => p(&[V, V]),
        "not" | "len" => p(&[V]),
        "index" => va(&[V], V),
        "print" | "println" | "html" | "js" | "urlquery" => va(&[], A),
        "printf" => va(&[S], A),
        "toYaml" | "toYamlPretty" | "toJson" | "toToml" | "toString" | "toPrettyJson"
        | "toRawJson" | "mustToJson" | "mustToPrettyJson" | "mustToRawJson" | "empty"
        | "typeOf" | "kindOf" | "deepCopy" | "mustDeepCopy" | "int" | "int64" | "float64"
        | "toDecimal" | "add1" | "add1f" | "ceil" | "floor" | "toStrings" | "sortAlpha"
        | "first" | "mustFirst" | "rest" | "mustRest" | "last" | "mustLast" | "initial"
        | "mustInitial" | "reverse" | "mustReverse" | "uniq" | "mustUniq" | "compact"
        | "mustCompact" | "duration" | "durationRound" | "htmlDate" | "ago" => p(&[A]),
        "fromYaml" | "fromYamlArray" | "fromJson" | "fromJsonArray" | "fromToml"
        | "mustFromJson" | "getHostByName" | "trim" | "upper" | "lower" | "title" | "untitle"
        | "nospace" | "initials" | "swapcase" | "shuffle" | "snakecase" | "camelcase"
        | "kebabcase" | "sha1sum" | "sha256sum" | "sha512sum" | "adler32sum" | "atoi"
        | "b64enc" | "b64dec" | "b32enc" | "b32dec" | "base" | "dir" | "clean" | "ext"
        | "isAbs" | "osBase" | "osClean" | "osDir" | "osExt" | "osIsAbs" | "regexQuoteMeta"
        | "urlParse" | "semver" | "bcrypt" | "genPrivateKey" | "fail" => p(&[S]),
        "required" => p(&[S, A]),
        "lookup" => p(&[S, S, S, S]),
        "hello" | "now" | "uuidv4" => p(&[]),
        "abbrev" | "trunc" | "repeat" | "wrap" => p(&[I, S]),
        "abbrevboth" => p(&[I, I, S]),
        "substr" => p(&[I, I, S]),
        "trimall" | "trimAll" | "trimSuffix" | "trimPrefix" | "contains" | "hasPrefix"
        | "hasSuffix" | "split" | "splitList" | "regexMatch" | "mustRegexMatch" | "regexFind"
        | "mustRegexFind" | "semverCompare" | "htpasswd" | "encryptAES" | "decryptAES"
        | "buildCustomCert" | "toDate" | "mustToDate" => p(&[S, S]),
        "indent" | "nindent" => p(&[I, S]),
        "wrapWith" => p(&[I, S, S]),
        "replace"
        | "regexReplaceAll"
        | "mustRegexReplaceAll"
        | "regexReplaceAllLiteral"
        | "mustRegexReplaceAllLiteral" => p(&[S, S, S]),
        "regexFindAll" | "mustRegexFindAll" | "regexSplit" | "mustRegexSplit" => p(&[S, S, I]),
        "plural" => p(&[S, S, I]),
        "quote" | "squote" | "cat" | "list" | "tuple" | "dict" | "coalesce" | "all" | "any"
        | "add" | "addf" | "concat" | "dig" => va(&[], A),
        "join" => p(&[S, A]),
        "splitn" => p(&[S, I, S]),
        "until" | "randAlphaNum" | "randAlpha" | "randAscii" | "randNumeric" | "randBytes" => {
            p(&[I])
        }
        "untilStep" => p(&[I, I, I]),
        "seq" => va(&[], I),
        "randInt" => p(&[I, I]),
        "sub" | "div" | "mod" => p(&[A, A]),
        "mul" | "max" | "biggest" | "min" | "maxf" | "minf" | "subf" | "divf" | "mulf" => {
            va(&[A], A)
        }
        "round" => va(&[A, I], F),
        "default" => va(&[A], A),
        "ternary" => p(&[A, A, B]),
        "typeIs" | "typeIsLike" | "kindIs" => p(&[S, A]),
        "deepEqual" => p(&[A, A]),
        "get" | "unset" | "hasKey" => p(&[M, S]),
        "set" => p(&[M, S, A]),
        "pluck" => va(&[S], M),
        "keys" => va(&[], M),
        "pick" | "omit" => va(&[M], S),
        "merge" | "mergeOverwrite" | "mustMerge" | "mustMergeOverwrite" => va(&[M], M),
        "values" | "urlJoin" => p(&[M]),
        "append" | "push" | "mustAppend" | "mustPush" | "prepend" | "mustPrepend" => p(&[A, A]),
        "without" | "mustWithout" => va(&[A], A),
        "has" | "mustHas" => p(&[A, A]),
        "slice" | "mustSlice" => va(&[A], A),
        "chunk" | "mustChunk" => p(&[I, A]),
        "derivePassword" => p(&["uint32", S, S, S, S]),
        "genCA" => p(&[S, I]),
        "genCAWithKey" => p(&[S, I, S]),
        "genSelfSignedCert" => p(&[S, L, L, I]),
        "genSelfSignedCertWithKey" => p(&[S, L, L, I, S]),
        "genSignedCert" => p(&[S, L, L, I, C]),
        "genSignedCertWithKey" => p(&[S, L, L, I, C, S]),
        "date" => p(&[S, A]),
        "dateInZone" | "date_in_zone" => p(&[S, A, S]),
        "htmlDateInZone" => p(&[A, S]),
        "unixEpoch" => p(&[T]),
        "dateModify" | "date_modify" | "mustDateModify" | "must_date_modify" => p(&[S, T]),
        _ => return None,
    })
}
