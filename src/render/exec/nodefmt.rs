//! Go's canonical text of parse nodes (`parse.Node.String()`), which execution errors quote
//! as `at <…>`, and Go's node positions, which give their `LINE:COL`.

use crate::template::lex::go_quote;
use crate::template::{Command, List, Node, Operand, Pipe, TemplateCall};

/// `Node.String()` of an operand as an argument of a command: a parenthesized pipeline keeps
/// its parentheses.
pub fn operand(src: &str, op: &Operand) -> String {
    let mut s = String::new();
    write_operand(&mut s, src, op, true);
    s
}

/// `Node.String()` of an operand marked on its own: a parenthesized pipeline is a `PipeNode`
/// and prints without parentheses.
pub fn operand_alone(src: &str, op: &Operand) -> String {
    let mut s = String::new();
    write_operand(&mut s, src, op, false);
    s
}

pub fn pipe(src: &str, p: &Pipe) -> String {
    let mut s = String::new();
    write_pipe(&mut s, src, p);
    s
}

pub fn command(src: &str, c: &Command) -> String {
    let mut s = String::new();
    write_command(&mut s, src, c);
    s
}

pub fn node(src: &str, n: &Node) -> String {
    let mut s = String::new();
    write_node(&mut s, src, n);
    s
}

pub fn list(src: &str, l: &List) -> String {
    let mut s = String::new();
    for n in &l.nodes {
        write_node(&mut s, src, n);
    }
    s
}

fn write_node(s: &mut String, src: &str, n: &Node) {
    match n {
        Node::Text(span) => s.push_str(src.get(span.range()).unwrap_or("")),
        Node::Action(a) => {
            s.push_str("{{");
            write_pipe(s, src, &a.pipe);
            s.push_str("}}");
        }
        Node::If(b) | Node::Range(b) | Node::With(b) => {
            let kw = match n {
                Node::If(_) => "if",
                Node::Range(_) => "range",
                _ => "with",
            };
            s.push_str("{{");
            s.push_str(kw);
            s.push(' ');
            write_pipe(s, src, &b.pipe);
            s.push_str("}}");
            s.push_str(&list(src, &b.list));
            if let Some(e) = &b.else_list {
                s.push_str("{{else}}");
                s.push_str(&list(src, e));
            }
            s.push_str("{{end}}");
        }
        Node::Template(t) => write_template(s, src, t),
        Node::Break(_) => s.push_str("{{break}}"),
        Node::Continue(_) => s.push_str("{{continue}}"),
    }
}

pub fn template_call(src: &str, t: &TemplateCall) -> String {
    let mut s = String::new();
    write_template(&mut s, src, t);
    s
}

fn write_template(s: &mut String, src: &str, t: &TemplateCall) {
    s.push_str("{{template ");
    s.push_str(&go_quote(&t.name));
    if let Some(p) = &t.pipe {
        s.push(' ');
        write_pipe(s, src, p);
    }
    s.push_str("}}");
}

fn write_pipe(s: &mut String, src: &str, p: &Pipe) {
    if !p.decl.is_empty() {
        for (i, d) in p.decl.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&d.name);
        }
        s.push_str(if p.is_assign { " = " } else { " := " });
    }
    for (i, c) in p.cmds.iter().enumerate() {
        if i > 0 {
            s.push_str(" | ");
        }
        write_command(s, src, c);
    }
}

fn write_command(s: &mut String, src: &str, c: &Command) {
    for (i, a) in c.args.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        write_operand(s, src, a, true);
    }
}

fn write_operand(s: &mut String, src: &str, op: &Operand, parens: bool) {
    match op {
        Operand::Function { name, .. } => s.push_str(name),
        Operand::Variable { name, fields, .. } => {
            s.push_str(name);
            for f in fields {
                s.push('.');
                s.push_str(&f.name);
            }
        }
        Operand::Dot(_) => s.push('.'),
        Operand::Nil(_) => s.push_str("nil"),
        Operand::Field { fields, .. } => {
            for f in fields {
                s.push('.');
                s.push_str(&f.name);
            }
        }
        Operand::Chain { node, fields, .. } => {
            write_operand(s, src, node, true);
            for f in fields {
                s.push('.');
                s.push_str(&f.name);
            }
        }
        Operand::Bool { value, .. } => s.push_str(if *value { "true" } else { "false" }),
        Operand::Number(n) => s.push_str(&n.text),
        Operand::String(lit) => s.push_str(src.get(lit.span.range()).unwrap_or("")),
        Operand::Paren { pipe, .. } => {
            if parens {
                s.push('(');
            }
            write_pipe(s, src, pipe);
            if parens {
                s.push(')');
            }
        }
    }
}

/// Go's `Pos` of an operand. A field or variable followed by more fields is rebuilt by Go's
/// parser at the position of the first chained field: `.Values.a.b` sits at `.a`.
pub fn operand_pos(op: &Operand) -> u32 {
    match op {
        Operand::Field { span, fields } => fields.get(1).map_or(span.start, |f| f.span.start),
        Operand::Variable { span, fields, .. } => {
            fields.first().map_or(span.start, |f| f.span.start)
        }
        Operand::Chain { span, fields, .. } => fields.first().map_or(span.start, |f| f.span.start),
        Operand::Paren { pipe, .. } => pipe.span.start,
        other => other.span().start,
    }
}
