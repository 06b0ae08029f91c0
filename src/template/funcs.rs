//! Function names known at parse time.
//!
//! Go checks every function identifier against the template's function maps while parsing,
//! so the set of names is part of the grammar a template is checked against.

use crate::FastSet;
use std::sync::OnceLock;

/// Go's `text/template` builtins (`text/template/funcs.go`, `builtins()`).
pub const GO_BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// The functions Helm 3 registers for chart templates: Sprig v3's `TxtFuncMap` without `env`
/// and `expandenv`, plus Helm's own (`pkg/engine/funcs.go`). Every name was checked against
/// `helm template` (v3.17): each parses, and a name outside this list is rejected.
pub const HELM_FUNCTIONS: &[&str] = &[
    // Sprig: the greeting.
    "hello",
    // Sprig: dates.
    "ago",
    "date",
    "date_in_zone",
    "date_modify",
    "dateInZone",
    "dateModify",
    "duration",
    "durationRound",
    "htmlDate",
    "htmlDateInZone",
    "must_date_modify",
    "mustDateModify",
    "mustToDate",
    "now",
    "toDate",
    "unixEpoch",
    // Sprig: strings.
    "abbrev",
    "abbrevboth",
    "trunc",
    "trim",
    "upper",
    "lower",
    "title",
    "untitle",
    "substr",
    "repeat",
    "trimall",
    "trimAll",
    "trimSuffix",
    "trimPrefix",
    "nospace",
    "initials",
    "randAlphaNum",
    "randAlpha",
    "randAscii",
    "randNumeric",
    "swapcase",
    "shuffle",
    "snakecase",
    "camelcase",
    "kebabcase",
    "wrap",
    "wrapWith",
    "contains",
    "hasPrefix",
    "hasSuffix",
    "quote",
    "squote",
    "cat",
    "indent",
    "nindent",
    "replace",
    "plural",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "adler32sum",
    "toString",
    // Sprig: conversions and numbers.
    "atoi",
    "int64",
    "int",
    "float64",
    "seq",
    "toDecimal",
    "split",
    "splitList",
    "splitn",
    "toStrings",
    "until",
    "untilStep",
    "add1",
    "add",
    "sub",
    "div",
    "mod",
    "mul",
    "randInt",
    "add1f",
    "addf",
    "subf",
    "divf",
    "mulf",
    "biggest",
    "max",
    "min",
    "maxf",
    "minf",
    "ceil",
    "floor",
    "round",
    // Sprig: lists of strings.
    "join",
    "sortAlpha",
    // Sprig: defaults.
    "default",
    "empty",
    "coalesce",
    "all",
    "any",
    "compact",
    "mustCompact",
    "fromJson",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "mustFromJson",
    "mustToJson",
    "mustToPrettyJson",
    "mustToRawJson",
    "ternary",
    "deepCopy",
    "mustDeepCopy",
    // Sprig: reflection.
    "typeOf",
    "typeIs",
    "typeIsLike",
    "kindOf",
    "kindIs",
    "deepEqual",
    // Sprig: network.
    "getHostByName",
    // Sprig: paths.
    "base",
    "dir",
    "clean",
    "ext",
    "isAbs",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    // Sprig: encoding.
    "b64enc",
    "b64dec",
    "b32enc",
    "b32dec",
    // Sprig: data structures.
    "tuple",
    "list",
    "dict",
    "get",
    "set",
    "unset",
    "hasKey",
    "pluck",
    "keys",
    "pick",
    "omit",
    "merge",
    "mergeOverwrite",
    "mustMerge",
    "mustMergeOverwrite",
    "values",
    "append",
    "push",
    "mustAppend",
    "mustPush",
    "prepend",
    "mustPrepend",
    "first",
    "mustFirst",
    "rest",
    "mustRest",
    "last",
    "mustLast",
    "initial",
    "mustInitial",
    "reverse",
    "mustReverse",
    "uniq",
    "mustUniq",
    "without",
    "mustWithout",
    "has",
    "mustHas",
    "slice",
    "mustSlice",
    "concat",
    "dig",
    "chunk",
    "mustChunk",
    // Sprig: crypto.
    "bcrypt",
    "htpasswd",
    "genPrivateKey",
    "derivePassword",
    "buildCustomCert",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "encryptAES",
    "decryptAES",
    "randBytes",
    "uuidv4",
    // Sprig: semver.
    "semver",
    "semverCompare",
    // Sprig: flow control.
    "fail",
    // Sprig: regular expressions.
    "regexMatch",
    "mustRegexMatch",
    "regexFindAll",
    "mustRegexFindAll",
    "regexFind",
    "mustRegexFind",
    "regexReplaceAll",
    "mustRegexReplaceAll",
    "regexReplaceAllLiteral",
    "mustRegexReplaceAllLiteral",
    "regexSplit",
    "mustRegexSplit",
    "regexQuoteMeta",
    // Sprig: URLs.
    "urlParse",
    "urlJoin",
    // Helm (pkg/engine/funcs.go).
    "toToml",
    "fromToml",
    "toYaml",
    "toYamlPretty",
    "fromYaml",
    "fromYamlArray",
    "fromJsonArray",
    "include",
    "tpl",
    "required",
    "lookup",
];

/// A set of function names.
#[derive(Clone, Debug, Default)]
pub struct FuncSet {
    names: FastSet<Box<str>>,
}

impl FuncSet {
    /// An empty set: with the function check on, every function call is an error.
    pub fn empty() -> FuncSet {
        FuncSet::default()
    }

    /// Go's builtins only (shared, built once).
    pub fn go_builtins() -> &'static FuncSet {
        static SET: OnceLock<FuncSet> = OnceLock::new();
        SET.get_or_init(|| FuncSet::empty().with(GO_BUILTINS.iter().copied()))
    }

    /// Go's builtins plus Helm's map (shared, built once).
    pub fn helm() -> &'static FuncSet {
        static SET: OnceLock<FuncSet> = OnceLock::new();
        SET.get_or_init(|| {
            FuncSet::empty()
                .with(GO_BUILTINS.iter().copied())
                .with(HELM_FUNCTIONS.iter().copied())
        })
    }

    /// Adds names (for example Prometheus' template functions, or a caller's own).
    pub fn with<'n>(mut self, names: impl IntoIterator<Item = &'n str>) -> FuncSet {
        self.names.extend(names.into_iter().map(Box::from));
        self
    }

    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|s| &**s)
    }
}
