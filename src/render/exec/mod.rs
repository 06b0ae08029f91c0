//! Execution of parsed templates with the semantics of Go's `text/template` (go1.23) as Helm
//! configures it (`missingkey=zero`), and Helm's engine functions `include` and `tpl`.
//!
//! The evaluation follows Go's `exec.go` closely, because its details are visible in output
//! and error messages:
//! - a value read from a `map[string]interface {}` or a `[]interface {}` has the static type
//!   `interface {}` ([`V::boxed`]): a field of it names that type in errors, and a missing key
//!   is a nil interface, a field of which is an error (`nil pointer evaluating
//!   interface {}.b`); a pipeline's result is unwrapped, so a nil becomes "no value", a field
//!   of which is quietly no value again;
//! - errors point at the last node Go marked while evaluating, with Go's canonical text of it;
//! - `and`/`or` short-circuit and return an operand; method calls come before map keys on
//!   `chartutil.Values`;
//! - maps are references: `set`, `merge`, ... change them for every holder ([`shared`]).
//!
//! Known differences from Go, all in error texts only: when a library function rejects an
//! argument that is not the last one, the error points at the last argument (Go points at the
//! rejected one); a literal of the wrong type for a library function's typed parameter reads
//! `wrong type for value; expected T; got U` (Go: `expected T; found LITERAL`).

pub(crate) mod memo;
mod nodefmt;
pub(crate) mod provenance;
pub(crate) mod shared;
mod values_methods;

use crate::FastMap;
use crate::render::engine::{Engine, Output, RenderError, TRef, register};
use crate::render::funcs::{CallError, FuncCtx};
use crate::render::gofmt;
use crate::render::value::{Elem, Kind, MapType, Origin, Value};
use crate::source::{SourceFile, Span};
use crate::template::lex::go_quote;
use crate::template::{
    self, Branch, Command, Ident, List, Node, Number, Operand, ParseOptions, Pipe, Template,
    TemplateCall,
};
use provenance::{Buf, RECENT, Recent, strip_no_value};
use shared::Redirects;
use std::sync::Arc;

/// Functions whose result is their last argument printed another way (quoted, trimmed,
/// converted, encoded as YAML or JSON, cut short): the result keeps that argument's origin.
const PRINTERS: &[&str] = &[
    "quote",
    "squote",
    "toString",
    "trim",
    "trunc",
    "lower",
    "upper",
    "toYaml",
    "mustToYaml",
    "toJson",
    "mustToJson",
    "toPrettyJson",
    "mustToPrettyJson",
    "toRawJson",
    "int",
    "int64",
    "float64",
    "atoi",
    "b64enc",
];

/// The file id of text parsed by `tpl`; its segments are given the calling action's place.
pub(crate) const TPL_FILE: u32 = u32::MAX;

/// Stack reserve for the recursion of nested templates and expressions.
const RED_ZONE: usize = 128 * 1024;
const STACK_CHUNK: usize = 2 * 1024 * 1024;

/// Go's `maxExecDepth`, quoted in the message for runaway `template` recursion.
const GO_MAX_EXEC_DEPTH: u32 = 100_000;

/// One parsed text: a template file, or the text given to `tpl`.
#[derive(Debug)]
pub(crate) struct Unit {
    pub file_id: u32,
    /// Go's `ParseName`: the Helm file name, or `gotpl` for `tpl` text.
    pub parse_name: String,
    pub source: Arc<SourceFile>,
    pub tree: Arc<Template>,
}

/// A value and whether its static Go type is `interface {}`.
#[derive(Clone, Debug)]
pub(crate) struct V {
    pub v: Value,
    pub boxed: bool,
}

impl V {
    fn new(v: Value) -> V {
        V { v, boxed: false }
    }

    fn invalid() -> V {
        V::new(Value::invalid())
    }

    /// Go's unwrapping of an `interface {}` result at the end of each pipeline command: a nil
    /// interface becomes no value.
    fn unbox(mut self) -> V {
        if matches!(self.v.kind, Kind::Nil) {
            self.v.kind = Kind::Invalid;
        }
        self.boxed = false;
        self
    }

    /// The Go type of the value as a receiver (before unwrapping), for error messages.
    fn static_type(&self) -> String {
        if self.boxed || matches!(self.v.kind, Kind::Nil) {
            "interface {}".into()
        } else {
            self.v.type_name()
        }
    }
}

/// The Go type a function parameter check reports for a value (`got …`).
pub(crate) fn arg_type(v: &Value) -> String {
    match v.kind {
        Kind::Nil => "interface {}".into(),
        _ => v.type_name(),
    }
}

#[derive(Debug)]
pub(crate) struct ExecErr {
    pub msg: String,
    pub file: Option<u32>,
    pub span: Option<Span>,
    /// A Go `ExecError` (with location), as opposed to a plain error such as `no template`.
    pub exec: bool,
}

#[derive(Debug)]
pub(crate) enum Flow {
    Break,
    Continue,
    Err(ExecErr),
}

type R<T> = Result<T, Flow>;

/// The node Go's `state.at` last marked.
#[derive(Clone, Copy)]
enum At<'u> {
    None,
    Node(&'u Node),
    List(&'u List),
    Pipe(&'u Pipe),
    Cmd(&'u Command),
    Op(&'u Operand),
    Tmpl(&'u TemplateCall),
}

/// State shared by every template execution of one render.
pub(crate) struct Ctx<'e> {
    engine: &'e Engine,
    /// Templates added by `tpl` calls in progress (Helm clones the set for each).
    overlays: Vec<FastMap<String, TRef>>,
    /// Helm's `includedNames`.
    included: FastMap<String, u32>,
    steps: u64,
    written: usize,
    nesting: u32,
    pub fctx: FuncCtx,
    /// Maps changed in place by `set`, `merge`, ... (see [`shared`]).
    pub redirects: Redirects,
    /// Kept `include` results (see [`memo`]).
    memo: memo::Memo,
    /// The serial at which each of `overlays` was added.
    overlay_starts: Vec<u64>,
    /// The deepest `nesting` reached since the innermost `include` in progress started.
    deepest: u32,
}

impl<'e> Ctx<'e> {
    fn new(engine: &'e Engine) -> Ctx<'e> {
        Ctx {
            engine,
            overlays: Vec::new(),
            included: FastMap::default(),
            steps: 0,
            written: 0,
            nesting: 0,
            fctx: FuncCtx::default(),
            redirects: Redirects::default(),
            memo: memo::Memo::default(),
            overlay_starts: Vec::new(),
            deepest: 0,
        }
    }

    /// Records the maps the last function call changed in place.
    fn take_replacements(&mut self) {
        for (old, new) in std::mem::take(&mut self.fctx.replaced) {
            self.memo.changed(old.serial);
            self.redirects.add(old, new);
        }
    }

    /// Go's truthiness, of the current version of a map.
    fn truthy(&self, v: &Value) -> bool {
        match &v.kind {
            Kind::Map(_) if !self.redirects.is_empty() => self.redirects.shallow_value(v).truthy(),
            _ => v.truthy(),
        }
    }

    fn lookup(&self, name: &str) -> Option<TRef> {
        self.find(name).map(|(t, _)| t)
    }

    /// The template a name stands for, and the `tpl` overlay that holds it, if one does.
    fn find(&self, name: &str) -> Option<(TRef, Option<usize>)> {
        for (i, o) in self.overlays.iter().enumerate().rev() {
            if let Some(t) = o.get(name) {
                return Some((t.clone(), Some(i)));
            }
        }
        self.engine.table.get(name).map(|t| (t.clone(), None))
    }

    /// [`Ctx::lookup`] for a call: a call in progress that finds a template of a `tpl` text
    /// started after that text was added depends on it, and is not kept.
    fn resolve(&mut self, name: &str) -> Option<TRef> {
        let (t, overlay) = self.find(name)?;
        if let Some(i) = overlay {
            self.memo.taint_after(self.overlay_starts[i]);
        }
        Some(t)
    }

    /// Whether `include` results may be used and kept: no template a `tpl` text defined can
    /// shadow one of the chart's (each `tpl` overlay holds only its own text, `gotpl`).
    fn memo_open(&self) -> bool {
        self.overlays.iter().all(|o| o.len() == 1)
            && (self.overlays.is_empty() || !self.engine.table.contains_key("gotpl"))
    }

    /// Executes a template in a new Go `state` (no variables but `$`).
    fn exec(&mut self, t: &TRef, name: &str, dot: V, out: &mut Buf, depth: u32) -> R<()> {
        let unit = t.unit.clone();
        let body = match t.define {
            Some(i) => &unit.tree.defines[i].body,
            None => &unit.tree.root,
        };
        let mut frame = Frame {
            unit: &unit,
            name,
            vars: vec![("$", dot.clone())],
            at: At::None,
            depth,
            recent: Vec::new(),
        };
        self.nesting += 1;
        self.deepest = self.deepest.max(self.nesting);
        let r = stacker::maybe_grow(RED_ZONE, STACK_CHUNK, || {
            frame.walk_list(self, &dot, body, out)
        });
        self.nesting -= 1;
        r
    }
}

/// Renders one top-level template: Helm's `ExecuteTemplate`, then the `<no value>` deletion.
pub(crate) fn render(engine: &Engine, name: &str, data: Value) -> Result<Output, RenderError> {
    let mut cx = Ctx::new(engine);
    // Maps changed by earlier files stay changed, as Helm shares them between files.
    if let Ok(mut r) = engine.redirects.lock() {
        cx.redirects = std::mem::take(&mut *r);
    }
    if let Ok(mut m) = engine.memo.lock() {
        cx.memo = std::mem::take(&mut *m);
    }
    let result = render_with(&mut cx, name, data);
    if let Ok(mut r) = engine.redirects.lock() {
        *r = std::mem::take(&mut cx.redirects);
    }
    if let Ok(mut m) = engine.memo.lock() {
        *m = std::mem::take(&mut cx.memo);
    }
    result
}

fn render_with(cx: &mut Ctx, name: &str, data: Value) -> Result<Output, RenderError> {
    // Random functions differ from file to file, the same way on every run.
    cx.fctx.rng_state = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let Some(t) = cx.lookup(name) else {
        return Err(RenderError {
            message: no_template(name),
            file: None,
            span: None,
        });
    };
    let mut buf = Buf::default();
    let dot = V::new(if data.is_nil() {
        Value::invalid()
    } else {
        data
    });
    match cx.exec(&t, name, dot, &mut buf, 0) {
        Ok(()) | Err(Flow::Break) | Err(Flow::Continue) => {}
        Err(Flow::Err(e)) => return Err(helm_exec_error(e)),
    }
    strip_no_value(&mut buf);
    Ok(Output {
        text: buf.text,
        segments: buf.segs,
    })
}

fn no_template(name: &str) -> String {
    format!(
        "template: no template {} associated with template \"gotpl\"",
        go_quote(name)
    )
}

/// Helm's `reformatExecErrorMsg`: `required` and `fail` messages (between `HELM_ERR_START`
/// and `HELM_ERR_END` on one line) become `execution error at (LOCATION): MSG`.
fn helm_exec_error(e: ExecErr) -> RenderError {
    let mut message = e.msg.clone();
    if e.exec {
        let tokens: Vec<&str> = e.msg.splitn(3, ": ").collect();
        if tokens.len() == 3
            && let Some(inner) = helm_err_marker(tokens[2])
        {
            message = format!("execution error at ({}): {}", tokens[1], inner);
        }
    }
    RenderError {
        message,
        file: e.file,
        span: e.span,
    }
}

/// `HELM_ERR_START(.*)HELM_ERR_END` (no newline inside, greedy).
fn helm_err_marker(s: &str) -> Option<&str> {
    const START: &str = "HELM_ERR_START";
    const END: &str = "HELM_ERR_END";
    let mut from = 0;
    while let Some(p) = s[from..].find(START) {
        let begin = from + p + START.len();
        let line_end = s[begin..].find('\n').map_or(s.len(), |n| begin + n);
        if let Some(q) = s[begin..line_end].rfind(END) {
            return Some(&s[begin..begin + q]);
        }
        from = begin;
    }
    None
}

/// One Go `state`: the template being executed, its variables and the last marked node.
struct Frame<'u> {
    unit: &'u Unit,
    name: &'u str,
    vars: Vec<(&'u str, V)>,
    at: At<'u>,
    depth: u32,
    recent: Vec<Recent>,
}

impl<'u> Frame<'u> {
    fn src(&self) -> &'u str {
        &self.unit.source.text
    }

    /// Go's `state.errorf`: `template: FILE:LINE:COL: executing "NAME" at <NODE>: MSG`.
    fn errorf(&self, msg: impl Into<String>) -> Flow {
        let msg = msg.into();
        let src = self.src();
        let (pos, ctx, span) = match self.at {
            At::None => {
                return Flow::Err(ExecErr {
                    msg: format!("template: {}: {}", self.name, msg),
                    file: None,
                    span: None,
                    exec: true,
                });
            }
            At::Node(n) => (node_pos(n), nodefmt::node(src, n), n.span()),
            At::List(l) => (
                l.nodes.first().map_or(l.span.start, node_pos),
                nodefmt::list(src, l),
                l.span,
            ),
            At::Pipe(p) => (p.span.start, nodefmt::pipe(src, p), p.span),
            At::Cmd(c) => (
                c.args.first().map_or(c.span.start, nodefmt::operand_pos),
                nodefmt::command(src, c),
                c.span,
            ),
            At::Op(o) => (
                nodefmt::operand_pos(o),
                nodefmt::operand_alone(src, o),
                o.span(),
            ),
            At::Tmpl(t) => (t.name_span.start, nodefmt::template_call(src, t), t.span),
        };
        let before = &src.as_bytes()[..(pos as usize).min(src.len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = before.len() - line_start;
        let file = (self.unit.file_id != TPL_FILE).then_some(self.unit.file_id);
        Flow::Err(ExecErr {
            msg: format!(
                "template: {}:{}:{}: executing {} at <{}>: {}",
                self.unit.parse_name,
                line,
                col,
                go_quote(self.name),
                ctx,
                msg
            ),
            file,
            // From the position Go names (the failing operand) to the end of its node.
            span: file.map(|_| Span {
                start: pos.max(span.start).min(span.end),
                end: span.end,
            }),
            exec: true,
        })
    }

    fn step(&self, cx: &mut Ctx) -> R<()> {
        cx.steps += 1;
        if cx.steps > cx.engine.limits.max_steps {
            return Err(self.errorf(format!(
                "evaluation stopped after {} steps",
                cx.engine.limits.max_steps
            )));
        }
        Ok(())
    }

    fn count_output(&self, cx: &mut Ctx, n: usize) -> R<()> {
        cx.written += n;
        if cx.written > cx.engine.limits.max_output {
            return Err(self.errorf(format!(
                "output exceeds {} bytes",
                cx.engine.limits.max_output
            )));
        }
        Ok(())
    }

    // ---- walking ----

    fn walk_list(&mut self, cx: &mut Ctx, dot: &V, list: &'u List, out: &mut Buf) -> R<()> {
        self.at = At::List(list);
        for n in &list.nodes {
            self.walk(cx, dot, n, out)?;
        }
        Ok(())
    }

    fn walk(&mut self, cx: &mut Ctx, dot: &V, node: &'u Node, out: &mut Buf) -> R<()> {
        self.at = At::Node(node);
        self.step(cx)?;
        match node {
            Node::Text(span) => {
                let text = self.src().get(span.range()).unwrap_or("");
                self.count_output(cx, text.len())?;
                out.write(text, self.unit.file_id, *span, None);
                Ok(())
            }
            Node::Action(a) => {
                let val = self.eval_pipeline(cx, dot, &a.pipe)?;
                if a.pipe.decl.is_empty() {
                    self.at = At::Node(node);
                    let mapped = !self.recent.is_empty() && may_carry_output(&a.pipe);
                    self.print(cx, &val, a.tag.span, mapped, out)?;
                }
                Ok(())
            }
            Node::If(b) => self.walk_if_with(cx, dot, b, false, out),
            Node::With(b) => self.walk_if_with(cx, dot, b, true, out),
            Node::Range(b) => self.walk_range(cx, dot, b, out),
            Node::Template(t) => self.walk_template(cx, dot, t, out),
            Node::Break(_) => Err(Flow::Break),
            Node::Continue(_) => Err(Flow::Continue),
        }
    }

    /// Go's `printValue`: no value prints `<no value>`, everything else `fmt.Fprint`.
    fn print(&mut self, cx: &mut Ctx, val: &V, span: Span, mapped: bool, out: &mut Buf) -> R<()> {
        if cx.memo.touches(&val.v) {
            cx.memo.observe();
        }
        let text = print_text(&cx.redirects.deep(&val.v));
        self.count_output(cx, text.len())?;
        let recent: &[Recent] = if mapped { &self.recent } else { &[] };
        out.write_mapped(&text, self.unit.file_id, span, val.v.origin, recent);
        Ok(())
    }

    fn walk_if_with(
        &mut self,
        cx: &mut Ctx,
        dot: &V,
        b: &'u Branch,
        with: bool,
        out: &mut Buf,
    ) -> R<()> {
        let mark = self.vars.len();
        let r = (|| {
            let val = self.eval_pipeline(cx, dot, &b.pipe)?;
            if cx.truthy(&val.v) {
                if with {
                    self.walk_list(cx, &val, &b.list, out)
                } else {
                    self.walk_list(cx, dot, &b.list, out)
                }
            } else if let Some(e) = &b.else_list {
                self.walk_list(cx, dot, e, out)
            } else {
                Ok(())
            }
        })();
        self.vars.truncate(mark);
        r
    }

    fn walk_range(&mut self, cx: &mut Ctx, dot: &V, b: &'u Branch, out: &mut Buf) -> R<()> {
        let mark0 = self.vars.len();
        let r = self.walk_range_inner(cx, dot, b, out);
        self.vars.truncate(mark0);
        match r {
            Err(Flow::Break) => Ok(()),
            other => other,
        }
    }

    fn walk_range_inner(&mut self, cx: &mut Ctx, dot: &V, b: &'u Branch, out: &mut Buf) -> R<()> {
        let mut val = self.eval_pipeline(cx, dot, &b.pipe)?;
        if cx.memo.touches(&val.v) {
            cx.memo.observe();
        }
        val.v = cx.redirects.shallow_value(&val.v);
        if cx.memo.touches(&val.v) {
            cx.memo.observe();
        }
        let mark = self.vars.len();
        let mut ran = false;
        match &val.v.kind {
            Kind::List(l) => {
                let boxed = l.elem == Elem::Any;
                let l = l.clone();
                for (i, item) in l.items.iter().enumerate() {
                    ran = true;
                    let elem = V {
                        v: item.clone(),
                        boxed,
                    };
                    self.one_iteration(cx, b, mark, V::new(Value::int(i as i64)), elem, out)?;
                }
            }
            Kind::Bytes(bytes) => {
                let bytes = bytes.clone();
                for (i, x) in bytes.iter().enumerate() {
                    ran = true;
                    let elem = V::new(Value::int(*x as i64));
                    self.one_iteration(cx, b, mark, V::new(Value::int(i as i64)), elem, out)?;
                }
            }
            Kind::Map(m) => {
                let boxed = m.elem == Elem::Any;
                let m = m.clone();
                for (k, item) in m.entries.iter() {
                    ran = true;
                    let elem = V {
                        v: item.clone(),
                        boxed,
                    };
                    self.one_iteration(cx, b, mark, V::new(Value::str(k.as_str())), elem, out)?;
                }
            }
            Kind::Object(o) => match o.range() {
                Some(entries) => {
                    for (k, item) in entries {
                        ran = true;
                        self.one_iteration(cx, b, mark, V::new(k), V::new(item), out)?;
                    }
                }
                None => {
                    return Err(self.errorf(format!(
                        "range can't iterate over {}",
                        gofmt::sprint_value(&val.v)
                    )));
                }
            },
            Kind::Invalid | Kind::Nil => {}
            _ => {
                return Err(self.errorf(format!(
                    "range can't iterate over {}",
                    gofmt::sprint_value(&val.v)
                )));
            }
        }
        if !ran && let Some(e) = &b.else_list {
            return self.walk_list(cx, dot, e, out);
        }
        Ok(())
    }

    fn one_iteration(
        &mut self,
        cx: &mut Ctx,
        b: &'u Branch,
        mark: usize,
        index: V,
        elem: V,
        out: &mut Buf,
    ) -> R<()> {
        // Every iteration counts, so nested loops with empty bodies still meet the step limit.
        self.step(cx)?;
        let decl = &b.pipe.decl;
        if !decl.is_empty() {
            if b.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(&decl[0].name, index.clone())?;
                } else {
                    self.set_var(&decl[0].name, elem.clone())?;
                }
            } else {
                self.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if b.pipe.is_assign {
                self.set_var(&decl[1].name, elem.clone())?;
            } else {
                self.set_top_var(2, index);
            }
        }
        let r = self.walk_list(cx, &elem, &b.list, out);
        self.vars.truncate(mark);
        match r {
            Err(Flow::Continue) => Ok(()),
            other => other,
        }
    }

    fn walk_template(
        &mut self,
        cx: &mut Ctx,
        dot: &V,
        t: &'u TemplateCall,
        out: &mut Buf,
    ) -> R<()> {
        self.at = At::Tmpl(t);
        let Some(tref) = cx.resolve(&t.name) else {
            return Err(self.errorf(format!("template {} not defined", go_quote(&t.name))));
        };
        if self.depth >= GO_MAX_EXEC_DEPTH || cx.nesting >= cx.engine.limits.max_nesting {
            return Err(self.errorf(format!(
                "exceeded maximum template depth ({GO_MAX_EXEC_DEPTH})"
            )));
        }
        let dot = match &t.pipe {
            Some(p) => self.eval_pipeline(cx, dot, p)?,
            None => V::invalid(),
        };
        // The callee's name is the define's (or file's) own, from its tree.
        let name: &str = match tref.define {
            Some(i) => &tref.unit.tree.defines[i].name,
            None => &tref.unit.parse_name,
        };
        let name = name.to_string();
        // What the called template writes is shown at this call (the outermost one).
        let outer = out.site;
        if outer.is_none() && self.unit.file_id != TPL_FILE {
            out.site = Some((self.unit.file_id, t.span));
        }
        let r = cx.exec(&tref, &name, dot, out, self.depth + 1);
        out.site = outer;
        match r {
            Err(Flow::Break) | Err(Flow::Continue) => Ok(()),
            other => other,
        }
    }

    // ---- variables ----

    fn var_value(&self, name: &str) -> R<V> {
        for (n, v) in self.vars.iter().rev() {
            if *n == name {
                return Ok(v.clone());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_var(&mut self, name: &str, value: V) -> R<()> {
        for slot in self.vars.iter_mut().rev() {
            if slot.0 == name {
                slot.1 = value;
                return Ok(());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, n: usize, value: V) {
        let len = self.vars.len();
        if n <= len {
            self.vars[len - n].1 = value;
        }
    }

    // ---- evaluation ----

    fn eval_pipeline(&mut self, cx: &mut Ctx, dot: &V, pipe: &'u Pipe) -> R<V> {
        self.at = At::Pipe(pipe);
        let mut value: Option<V> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(cx, dot, cmd, value.take())?;
            value = Some(v.unbox());
        }
        let value = value.unwrap_or_else(V::invalid);
        for d in &pipe.decl {
            if pipe.is_assign {
                self.set_var(&d.name, value.clone())?;
            } else {
                self.vars.push((&d.name, value.clone()));
            }
        }
        Ok(value)
    }

    fn eval_command(&mut self, cx: &mut Ctx, dot: &V, cmd: &'u Command, fin: Option<V>) -> R<V> {
        self.step(cx)?;
        let Some(first) = cmd.args.first() else {
            return Err(self.errorf("empty command"));
        };
        match first {
            Operand::Field { fields, .. } => {
                self.eval_field_node(cx, dot, first, fields, &cmd.args, fin)
            }
            Operand::Chain { .. } => self.eval_chain(cx, dot, first, &cmd.args, fin),
            Operand::Function { name, .. } => {
                self.eval_function(cx, dot, first, name, Some(cmd), &cmd.args[1..], fin)
            }
            Operand::Paren { pipe, .. } => {
                self.not_a_function(&cmd.args, &fin)?;
                stacker::maybe_grow(RED_ZONE, STACK_CHUNK, || self.eval_pipeline(cx, dot, pipe))
            }
            Operand::Variable { .. } => self.eval_variable(cx, dot, first, &cmd.args, fin),
            _ => {
                self.at = At::Op(first);
                self.not_a_function(&cmd.args, &fin)?;
                match first {
                    Operand::Bool { value, .. } => Ok(V::new(Value::bool(*value))),
                    Operand::Dot(_) => Ok(dot.clone()),
                    Operand::Nil(_) => Err(self.errorf("nil is not a command")),
                    Operand::Number(n) => self.ideal_constant(first, n),
                    Operand::String(s) => Ok(V::new(Value::str(s.value.clone()))),
                    _ => Err(self.errorf(format!(
                        "can't evaluate command {}",
                        go_quote(&nodefmt::operand(self.src(), first))
                    ))),
                }
            }
        }
    }

    fn not_a_function(&self, args: &'u [Operand], fin: &Option<V>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            // Go prints the node itself: a parenthesized pipeline without its parentheses.
            let name = args
                .first()
                .map_or_else(String::new, |a| nodefmt::operand_alone(self.src(), a));
            return Err(self.errorf(format!("can't give argument to non-function {name}")));
        }
        Ok(())
    }

    /// Go's `idealConstant`: an untyped number becomes `float64` if it looks like a float,
    /// else `int`.
    fn ideal_constant(&mut self, op: &'u Operand, n: &Number) -> R<V> {
        self.at = At::Op(op);
        let t = n.text.as_str();
        let is_hex_int = t.len() > 2
            && t.starts_with('0')
            && (t.as_bytes()[1] == b'x' || t.as_bytes()[1] == b'X')
            && !t.contains(['p', 'P']);
        let is_rune = t.starts_with('\'');
        if n.is_complex {
            let (re, im) = n.complex;
            let sign = if im >= 0.0 || im.is_nan() { "+" } else { "" };
            return Ok(V::new(Value::str(format!(
                "({}{}{}i)",
                gofmt::format_float_g(re),
                sign,
                gofmt::format_float_g(im)
            ))));
        }
        if n.is_float && !is_hex_int && !is_rune && t.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(V::new(Value::float(n.float)));
        }
        if n.is_int {
            return Ok(V::new(Value::int(n.int)));
        }
        if n.is_uint {
            return Err(self.errorf(format!("{t} overflows int")));
        }
        Ok(V::invalid())
    }

    fn eval_field_node(
        &mut self,
        cx: &mut Ctx,
        dot: &V,
        node: &'u Operand,
        fields: &'u [Ident],
        args: &'u [Operand],
        fin: Option<V>,
    ) -> R<V> {
        self.at = At::Op(node);
        self.eval_field_chain(cx, dot, node, dot.clone(), fields, args, fin)
    }

    fn eval_chain(
        &mut self,
        cx: &mut Ctx,
        dot: &V,
        chain: &'u Operand,
        args: &'u [Operand],
        fin: Option<V>,
    ) -> R<V> {
        self.at = At::Op(chain);
        let Operand::Chain { node, fields, .. } = chain else {
            return Err(self.errorf("internal error: not a chain"));
        };
        if matches!(**node, Operand::Nil(_)) {
            return Err(self.errorf(format!(
                "indirection through explicit nil in {}",
                nodefmt::operand(self.src(), chain)
            )));
        }
        let recv = self.eval_arg(cx, dot, node)?;
        self.eval_field_chain(cx, dot, chain, recv, fields, args, fin)
    }

    fn eval_variable(
        &mut self,
        cx: &mut Ctx,
        dot: &V,
        var: &'u Operand,
        args: &'u [Operand],
        fin: Option<V>,
    ) -> R<V> {
        self.at = At::Op(var);
        let Operand::Variable { name, fields, .. } = var else {
            return Err(self.errorf("internal error: not a variable"));
        };
        let value = self.var_value(name)?;
        if fields.is_empty() {
            self.not_a_function(args, &fin)?;
            return Ok(value);
        }
        self.eval_field_chain(cx, dot, var, value, fields, args, fin)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain(
        &mut self,
        cx: &mut Ctx,
        dot: &V,
        node: &'u Operand,
        mut recv: V,
        fields: &'u [Ident],
        args: &'u [Operand],
        fin: Option<V>,
    ) -> R<V> {
        let Some((last, init)) = fields.split_last() else {
            return Ok(recv);
        };
        for f in init {
            recv = self.eval_field(cx, dot, node, &f.name, &[], None, recv)?;
        }
        self.eval_field(cx, dot, node, &last.name, args, fin, recv)
    }

    /// Go's `evalField`: nil checks, then methods, then struct fields or map keys.
    #[allow(clippy::too_many_arguments)]
    fn eval_field(
        &mut self,
        cx: &mut Ctx,
        dot: &V,
        node: &'u Operand,
        name: &str,
        args: &'u [Operand],
        fin: Option<V>,
        recv: V,
    ) -> R<V> {
        let recv = if matches!(recv.v.kind, Kind::Map(_)) {
            V {
                v: cx.redirects.shallow_value(&recv.v),
                boxed: recv.boxed,
            }
        } else {
            recv
        };
        match recv.v.kind {
            Kind::Invalid => return Ok(V::invalid()),
            Kind::Nil => {
                return Err(self.errorf(format!("nil pointer evaluating interface {{}}.{name}")));
            }
            _ => {}
        }
        let has_args = args.len() > 1 || fin.is_some();
        match &recv.v.kind {
            Kind::Map(m) if m.ty == MapType::ChartValues && values_methods::is_method(name) => {
                if memo::is_context(m) {
                    cx.memo.observe();
                }
                let argv = self.eval_method_args(cx, dot, args, fin)?;
                self.at = At::Op(node);
                let recv = cx.redirects.deep(&recv.v);
                values_methods::call(self, cx, name, &recv, argv)
            }
            Kind::Map(m) => {
                if has_args {
                    return Err(self.errorf(format!("{name} is not a method but has arguments")));
                }
                if name == "Template" && memo::is_context(m) {
                    cx.memo.observe();
                }
                let boxed = m.elem == Elem::Any;
                Ok(match m.entries.get(name) {
                    Some(v) => V {
                        v: v.clone(),
                        boxed,
                    },
                    None => match m.elem {
                        Elem::Any => V {
                            v: Value::nil(),
                            boxed: true,
                        },
                        Elem::String => V::new(Value::str("")),
                        Elem::Int | Elem::Byte => V::new(Value::int(0)),
                    },
                })
            }
            Kind::Object(o) => {
                let o = o.clone();
                if has_args {
                    let argv = self.eval_method_args(cx, dot, args, fin)?;
                    self.at = At::Op(node);
                    match o.call(name, &argv) {
                        Some(r) => self.method_result(name, r),
                        None if o.field(name).is_some() => Err(self.errorf(format!(
                            "{name} has arguments but cannot be invoked as function"
                        ))),
                        None => Err(self.errorf(format!(
                            "can't evaluate field {name} in type {}",
                            recv.static_type()
                        ))),
                    }
                } else if let Some(v) = o.field(name) {
                    Ok(V::new(v))
                } else if let Some(r) = o.call(name, &[]) {
                    self.method_result(name, r)
                } else {
                    Err(self.errorf(format!(
                        "can't evaluate field {name} in type {}",
                        recv.static_type()
                    )))
                }
            }
            _ => Err(self.errorf(format!(
                "can't evaluate field {name} in type {}",
                recv.static_type()
            ))),
        }
    }

    /// The result of an object's method: Go's argument errors are reported as they are,
    /// other errors as `error calling NAME: …`.
    fn method_result(&self, name: &str, r: Result<Value, String>) -> R<V> {
        match r {
            Ok(v) => Ok(V::new(v)),
            Err(e) if is_call_check_error(&e) => Err(self.errorf(e)),
            Err(e) => Err(self.errorf(format!("error calling {name}: {e}"))),
        }
    }

    fn eval_method_args(
        &mut self,
        cx: &mut Ctx,
        dot: &V,
        args: &'u [Operand],
        fin: Option<V>,
    ) -> R<Vec<Value>> {
        let mut argv = Vec::new();
        for a in args.iter().skip(1) {
            let v = self.eval_arg(cx, dot, a)?.v;
            argv.push(cx.redirects.shallow_value(&v));
        }
        if let Some(f) = fin {
            argv.push(cx.redirects.shallow_value(&f.v));
        }
        Ok(argv)
    }

    /// Go's `evalArg` for a parameter of type `interface {}` (or `reflect.Value`).
    fn eval_arg(&mut self, cx: &mut Ctx, dot: &V, arg: &'u Operand) -> R<V> {
        self.at = At::Op(arg);
        match arg {
            Operand::Dot(_) => Ok(dot.clone()),
            // Go passes the zero value of a nilable parameter type: no value, which functions
            // accept where a nil slice, map or interface is allowed.
            Operand::Nil(_) => Ok(V::invalid()),
            Operand::Field { fields, .. } => {
                self.eval_field_node(cx, dot, arg, fields, std::slice::from_ref(arg), None)
            }
            Operand::Variable { .. } => self.eval_variable(cx, dot, arg, &[], None),
            Operand::Paren { pipe, .. } => {
                stacker::maybe_grow(RED_ZONE, STACK_CHUNK, || self.eval_pipeline(cx, dot, pipe))
            }
            Operand::Function { name, .. } => {
                self.eval_function(cx, dot, arg, name, None, &[], None)
            }
            Operand::Chain { .. } => self.eval_chain(cx, dot, arg, &[], None),
            Operand::Bool { value, .. } => Ok(V::new(Value::bool(*value))),
            Operand::Number(n) => self.ideal_constant(arg, n),
            Operand::String(s) => Ok(V::new(Value::str(s.value.clone()))),
        }
    }

    /// Evaluates the arguments of a call: the operands after the function name, then the
    /// piped value.
    fn eval_args(
        &mut self,
        cx: &mut Ctx,
        dot: &V,
        rest: &'u [Operand],
        fin: Option<V>,
    ) -> R<Vec<V>> {
        let mut argv = Vec::with_capacity(rest.len() + 1);
        for a in rest {
            argv.push(self.eval_arg(cx, dot, a)?);
        }
        if let Some(f) = fin {
            argv.push(f);
        }
        Ok(argv)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_function(
        &mut self,
        cx: &mut Ctx,
        dot: &V,
        node: &'u Operand,
        name: &'u str,
        cmd: Option<&'u Command>,
        rest: &'u [Operand],
        fin: Option<V>,
    ) -> R<V> {
        self.at = At::Op(node);
        let call_at = match cmd {
            Some(c) => At::Cmd(c),
            None => At::Op(node),
        };
        let n_in = rest.len() + usize::from(fin.is_some());
        match name {
            "and" | "or" => {
                if n_in == 0 {
                    return Err(self.errorf(format!(
                        "wrong number of args for {name}: want at least 1 got 0"
                    )));
                }
                let mut v = V::invalid();
                for a in rest {
                    v = self.eval_arg(cx, dot, a)?;
                    if cx.truthy(&v.v) == (name == "or") {
                        return Ok(v);
                    }
                }
                if let Some(f) = fin {
                    v = f;
                }
                Ok(v)
            }
            "include" => {
                self.check_arity(name, n_in, 2)?;
                let argv = self.eval_args(cx, dot, rest, fin)?;
                let tname = self.string_param(rest, &argv, 0)?;
                self.include(cx, call_at, &tname, argv[1].v.clone())
            }
            "tpl" => {
                self.check_arity(name, n_in, 2)?;
                let argv = self.eval_args(cx, dot, rest, fin)?;
                let text = self.string_param(rest, &argv, 0)?;
                self.tpl(cx, call_at, &text, argv[0].v.origin, argv[1].v.clone())
            }
            "call" => {
                if n_in == 0 {
                    return Err(self.errorf("wrong number of args for call: want at least 1 got 0"));
                }
                let argv = self.eval_args(cx, dot, rest, fin)?;
                self.at = call_at;
                let f = &argv[0].v;
                if f.is_nil() {
                    return Err(self.errorf("error calling call: call of nil"));
                }
                let callee = rest
                    .first()
                    .map_or_else(String::new, |o| nodefmt::operand(self.src(), o));
                Err(self.errorf(format!(
                    "error calling call: non-function {callee} of type {}",
                    f.type_name()
                )))
            }
            _ => {
                let Some(f) = (cx.engine.lookup)(name) else {
                    return Err(
                        self.errorf(format!("{} is not a defined function", go_quote(name)))
                    );
                };
                let argv = self.eval_args(cx, dot, rest, fin)?;
                let mut touching = argv.iter().any(|v| cx.memo.touches(&v.v));
                // Functions that read a value's nested maps get every map resolved; the others
                // only the maps they are given (nested ones resolve when read later).
                let traits = traits(name);
                let deep = traits.deep;
                let argv: Vec<Value> = argv
                    .into_iter()
                    .map(|v| {
                        if deep {
                            cx.redirects.deep(&v.v)
                        } else {
                            cx.redirects.shallow_value(&v.v)
                        }
                    })
                    .collect();
                // A map brought up to date may be a new version that holds a context.
                touching |= !cx.redirects.is_empty() && argv.iter().any(|v| cx.memo.touches(v));
                let holder = traits.holder;
                if touching && !holder {
                    cx.memo.observe();
                }
                let shares_arg =
                    |r: &Value, a: &[Value]| match (&r.kind, a.first().map(|a| &a.kind)) {
                        (Kind::Map(x), Some(Kind::Map(y))) => Arc::ptr_eq(x, y),
                        (Kind::List(x), Some(Kind::List(y))) => Arc::ptr_eq(x, y),
                        _ => false,
                    };
                let is_copy = name == "deepCopy" || name == "mustDeepCopy";
                let first = if is_copy { argv.first().cloned() } else { None };
                let shown = if traits.printer {
                    argv.last().and_then(|a| a.origin)
                } else {
                    None
                };
                cx.fctx.marks.clear();
                let mut result = f(&mut cx.fctx, argv);
                // `toYaml` and `printf` output: each value from a values file keeps its
                // origin when the text is printed (through `nindent` and the like).
                if !cx.fctx.marks.is_empty()
                    && let Ok(Value {
                        kind: Kind::Str(text),
                        ..
                    }) = &result
                {
                    let span = node.span();
                    let file = self.unit.file_id;
                    let segs = std::mem::take(&mut cx.fctx.marks)
                        .into_iter()
                        .map(|(a, b, o)| crate::render::engine::Segment {
                            out: a..b,
                            file,
                            span,
                            value: Some(o),
                            site: (file, span),
                            text: false,
                        })
                        .collect();
                    self.remember(Recent::new(text.clone(), segs, None));
                }
                // A function that prints its (last) argument another way shows that value:
                // the output keeps the value's origin.
                if let (Ok(r), Some(o)) = (&mut result, shown)
                    && r.origin.is_none()
                {
                    r.origin = Some(o);
                }
                cx.take_replacements();
                // A deep copy is a new map: changing it in place must not change its source.
                if let (Ok(r), Some(a)) = (&mut result, first)
                    && shares_arg(r, std::slice::from_ref(&a))
                {
                    *r = r.deep_copy();
                }
                if touching
                    && holder
                    && let Ok(r) = &result
                {
                    cx.memo.carry(r);
                }
                match result {
                    Ok(v) => Ok(V::new(v)),
                    Err(CallError::Arity(m)) => {
                        self.at = At::Op(node);
                        Err(self.errorf(m))
                    }
                    Err(CallError::ArgType(m)) => Err(self.errorf(m)),
                    Err(CallError::Failed(m)) => {
                        self.at = call_at;
                        let m = if (name == "required" || name == "fail")
                            && helm_err_marker(&m).is_none()
                        {
                            format!("HELM_ERR_START{m}HELM_ERR_END")
                        } else {
                            m
                        };
                        Err(self.errorf(format!("error calling {name}: {m}")))
                    }
                }
            }
        }
    }

    fn check_arity(&self, name: &str, got: usize, want: usize) -> R<()> {
        if got != want {
            return Err(self.errorf(format!(
                "wrong number of args for {name}: want {want} got {got}"
            )));
        }
        Ok(())
    }

    /// A `string` parameter: Go's checks of a literal (`expected string; found 5`) and of a
    /// value (`wrong type for value; expected string; got float64`).
    fn string_param(&mut self, rest: &'u [Operand], argv: &[V], i: usize) -> R<String> {
        // Go checks each argument as it evaluates it: a failure points at the argument.
        let at = |f: &mut Self| {
            if let Some(op) = rest.get(i) {
                f.at = At::Op(op);
            }
        };
        if let Some(op) = rest.get(i) {
            match op {
                Operand::Number(_) | Operand::Bool { .. } => {
                    at(self);
                    return Err(self.errorf(format!(
                        "expected string; found {}",
                        nodefmt::operand(self.src(), op)
                    )));
                }
                Operand::Nil(_) => {
                    at(self);
                    return Err(self.errorf("cannot assign nil to string"));
                }
                _ => {}
            }
        }
        match &argv[i].v.kind {
            Kind::Str(s) => Ok(s.to_string()),
            Kind::Invalid => {
                at(self);
                Err(self.errorf("invalid value; expected string"))
            }
            _ => {
                at(self);
                Err(self.errorf(format!(
                    "wrong type for value; expected string; got {}",
                    arg_type(&argv[i].v)
                )))
            }
        }
    }

    /// Helm's `include`: executes a template into a string, at most `include_depth` nested
    /// calls of one name.
    fn include(&mut self, cx: &mut Ctx, call_at: At<'u>, name: &str, data: Value) -> R<V> {
        // Go marks the call only when it fails.
        let fail = |f: &mut Self, msg: String| {
            f.at = call_at;
            f.errorf(msg)
        };
        let nested = || {
            format!(
                "error calling include: rendering template has a nested reference name: {name}: unable to execute template"
            )
        };
        let count = cx.included.get(name).copied();
        if let Some(c) = count
            && c > cx.engine.limits.include_depth
        {
            return Err(fail(self, nested()));
        }
        if cx.nesting >= cx.engine.limits.max_nesting {
            return Err(fail(self, nested()));
        }
        let Some(t) = cx.resolve(name) else {
            return Err(fail(
                self,
                format!("error calling include: {}", no_template(name)),
            ));
        };
        let data = if data.is_nil() {
            Value::invalid()
        } else {
            data
        };
        let key = cx.memo_open().then(|| cx.memo.key(&t, &data));
        if let Some(key) = key
            && let Some((recent, cost)) = cx.memo.get(key, &t, &data)
        {
            let limits = &cx.engine.limits;
            if cx.nesting + cost.depth < limits.include_depth.min(limits.max_nesting)
                && cx.steps + cost.steps <= limits.max_steps
                && cx.written + cost.written <= limits.max_output
            {
                cx.steps += cost.steps;
                cx.written += cost.written;
                cx.deepest = cx.deepest.max(cx.nesting + cost.depth);
                let recent = recent.clone();
                let text = recent.text.clone();
                self.remember(recent);
                return Ok(V::new(Value::str(text)));
            }
        }
        match cx.included.get_mut(name) {
            Some(c) => *c += 1,
            None => {
                cx.included.insert(name.to_string(), 1);
            }
        }
        let mut buf = Buf::default();
        let start = cx.memo.enter();
        let (steps, written, rng) = (cx.steps, cx.written, cx.fctx.rng_state);
        let deepest = std::mem::replace(&mut cx.deepest, cx.nesting);
        let r = cx.exec(&t, name, V::new(data.clone()), &mut buf, 0);
        let depth = cx.deepest - cx.nesting;
        cx.deepest = cx.deepest.max(deepest);
        let (keep, blind) = cx.memo.leave();
        let keep = keep && cx.fctx.rng_state == rng;
        if let Some(c) = cx.included.get_mut(name) {
            *c -= 1;
        }
        match r {
            Ok(()) | Err(Flow::Break) | Err(Flow::Continue) => {
                let text: Arc<str> = buf.text.into();
                let recent = Recent::new(text.clone(), buf.segs, None);
                if let Some(key) = key
                    && keep
                {
                    let cost = memo::Cost {
                        steps: cx.steps - steps,
                        written: cx.written - written,
                        depth,
                    };
                    cx.memo
                        .keep(key, start, &t, data, recent.clone(), cost, blind);
                }
                self.remember(recent);
                Ok(V::new(Value::str(text)))
            }
            Err(Flow::Err(e)) => Err(fail(
                self,
                format!("error calling include: {}", cap_message(&e.msg)),
            )),
        }
    }

    /// Helm's `tpl`: parses the text as a template named `gotpl` in a copy of the template
    /// set (its defines visible to `include` within this call only), executes it, and deletes
    /// `<no value>`.
    fn tpl(
        &mut self,
        cx: &mut Ctx,
        call_at: At<'u>,
        text: &str,
        origin: Option<Origin>,
        data: Value,
    ) -> R<V> {
        let fail = |f: &mut Self, msg: String| {
            f.at = call_at;
            f.errorf(msg)
        };
        if cx.nesting >= cx.engine.limits.max_nesting {
            return Err(fail(
                self,
                format!(
                    "error calling tpl: tpl nesting exceeds {} levels",
                    cx.engine.limits.max_nesting
                ),
            ));
        }
        let source = SourceFile::new("gotpl", text.to_string());
        let tree = match template::parse(&source.text, &ParseOptions::helm("gotpl")) {
            Ok(t) => t,
            Err(e) => {
                let line = source.line_index(e.span.start as usize) + 1;
                return Err(fail(
                    self,
                    format!(
                        "error calling tpl: cannot parse template {}: {}",
                        go_quote(text),
                        crate::render::engine::go_parse_error("gotpl", line, &e.message)
                    ),
                ));
            }
        };
        let unit = Arc::new(Unit {
            file_id: TPL_FILE,
            parse_name: "gotpl".into(),
            source,
            tree: Arc::new(tree),
        });
        let mut overlay = FastMap::default();
        {
            let exists = |n: &str| cx.lookup(n).is_some();
            register(&mut overlay, &unit, exists);
        }
        let t = TRef {
            unit: unit.clone(),
            define: None,
        };
        // `gotpl` itself is always the text just parsed.
        overlay.insert("gotpl".to_string(), t.clone());
        cx.overlays.push(overlay);
        cx.overlay_starts.push(crate::render::value::next_serial());
        let mut buf = Buf::default();
        let dot = V::new(if data.is_nil() {
            Value::invalid()
        } else {
            data
        });
        let r = cx.exec(&t, "gotpl", dot, &mut buf, 0);
        cx.overlays.pop();
        cx.overlay_starts.pop();
        match r {
            Ok(()) | Err(Flow::Break) | Err(Flow::Continue) => {
                strip_no_value(&mut buf);
                let text: Arc<str> = buf.text.into();
                self.remember(Recent::new(text.clone(), buf.segs, origin));
                Ok(V::new(Value::str(text)))
            }
            Err(Flow::Err(e)) => Err(fail(
                self,
                format!(
                    "error calling tpl: error during tpl function execution for {}: {}",
                    go_quote(text),
                    cap_message(&e.msg)
                ),
            )),
        }
    }

    fn remember(&mut self, r: Recent) {
        if self.recent.len() >= RECENT {
            self.recent.remove(0);
        }
        self.recent.push(r);
    }
}

/// Functions that read the maps nested in their arguments (serialize, print, compare, copy,
/// merge or walk them).
/// What the executor treats specially in a function, by name (see [`DEEP_READERS`],
/// [`memo::HOLDERS`], [`PRINTERS`]).
#[derive(Clone, Copy, Default)]
struct Traits {
    deep: bool,
    holder: bool,
    printer: bool,
}

/// The [`Traits`] of the function `name`: one table lookup per call rather than a scan of
/// each list.
fn traits(name: &str) -> Traits {
    static TABLE: std::sync::OnceLock<crate::FastMap<&'static str, Traits>> =
        std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut m: crate::FastMap<&'static str, Traits> = Default::default();
            for n in DEEP_READERS {
                m.entry(n).or_default().deep = true;
            }
            for n in memo::HOLDERS {
                m.entry(n).or_default().holder = true;
            }
            for n in PRINTERS {
                m.entry(n).or_default().printer = true;
            }
            m
        })
        .get(name)
        .copied()
        .unwrap_or_default()
}

const DEEP_READERS: &[&str] = &[
    "toYaml",
    "toYamlPretty",
    "mustToYaml",
    "toJson",
    "mustToJson",
    "toPrettyJson",
    "mustToPrettyJson",
    "toRawJson",
    "mustToRawJson",
    "toToml",
    "toString",
    "toStrings",
    "print",
    "printf",
    "println",
    "quote",
    "squote",
    "cat",
    "join",
    "html",
    "js",
    "urlquery",
    "deepCopy",
    "mustDeepCopy",
    "merge",
    "mustMerge",
    "mergeOverwrite",
    "mustMergeOverwrite",
    "dig",
    "pluck",
    "index",
    "eq",
    "ne",
    "has",
    "mustHas",
    "uniq",
    "mustUniq",
    "without",
    "mustWithout",
    "deepEqual",
    "values",
    "fail",
    "required",
    "b64enc",
    "sha256sum",
];

/// Bound on an inner error message wrapped by an outer one: runaway recursion through
/// `include` and `tpl` nests one message per level, and copying them must stay linear.
const MAX_INNER_MESSAGE: usize = 256 << 10;

/// The message, with its middle cut out when it is longer than [`MAX_INNER_MESSAGE`].
fn cap_message(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= MAX_INNER_MESSAGE {
        return s.into();
    }
    let keep = MAX_INNER_MESSAGE / 2;
    let mut head = keep;
    while !s.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = s.len() - keep;
    while !s.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{} … {}", &s[..head], &s[tail..]).into()
}

/// Messages Go produces while checking a call, reported without `error calling`.
fn is_call_check_error(e: &str) -> bool {
    e.starts_with("wrong number of args")
        || e.starts_with("wrong type for value")
        || e.starts_with("invalid value")
        || e.starts_with("expected ")
}

/// What `{{ x }}` prints.
pub(crate) fn print_text(v: &Value) -> String {
    match &v.kind {
        Kind::Invalid | Kind::Nil => "<no value>".into(),
        Kind::Object(o) => o.print(),
        _ => gofmt::sprint_value(v),
    }
}

/// Whether a pipeline may print the output of an `include` or `tpl` (called in it, or held by
/// a variable): only then are the printed bytes matched against recent results.
fn may_carry_output(p: &Pipe) -> bool {
    fn operand(o: &Operand) -> bool {
        match o {
            Operand::Function { name, .. } => {
                matches!(name.as_str(), "include" | "tpl" | "toYaml" | "printf")
            }
            Operand::Variable { .. } => true,
            Operand::Paren { pipe, .. } => may_carry_output(pipe),
            Operand::Chain { node, .. } => operand(node),
            _ => false,
        }
    }
    p.cmds.iter().any(|c| c.args.iter().any(operand))
}

/// Go's `Pos` of a node.
fn node_pos(n: &Node) -> u32 {
    match n {
        Node::Text(s) => s.start,
        Node::Action(a) => a.pipe.span.start,
        Node::If(b) | Node::Range(b) | Node::With(b) => b.pipe.span.start,
        Node::Template(t) => t.name_span.start,
        Node::Break(t) | Node::Continue(t) => t.span.start,
    }
}

#[cfg(test)]
mod tests;
