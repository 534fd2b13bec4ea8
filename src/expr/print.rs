//! Printing expression trees back as C# source (`impl Display` for [`Expr`], [`Stmt`],
//! [`Block`] and [`TypeRef`]).
//!
//! The output is fully parenthesised: every operator expression is wrapped in `( )`, so it reads
//! back to the same tree without any precedence reasoning: `parse(print(t)) == t` up to spans
//! for every tree the parser produces. It is meant for diagnostics and tests, not for
//! reproducing the author's layout.

use std::fmt::{self, Display, Formatter, Write};

use crate::expr::ast::{
    ArgModifier, Argument, AssignOp, BinaryOp, Block, Expr, ExprKind, Ident, Initializer,
    InterpolationPart, LambdaBody, LambdaParam, Literal, MemberInitTarget, Stmt, StmtKind,
    SwitchLabel, TypeRef, UnaryOp,
};

/// Reserved words that must be written `@name` when used as a name (C# spec §6.4.4); keyword
/// type names and `this` print bare, as the parser reads them as names.
const RESERVED: &[&str] = &[
    "abstract",
    "as",
    "base",
    "break",
    "case",
    "catch",
    "checked",
    "class",
    "const",
    "continue",
    "default",
    "delegate",
    "do",
    "else",
    "enum",
    "event",
    "explicit",
    "extern",
    "false",
    "finally",
    "fixed",
    "for",
    "foreach",
    "goto",
    "if",
    "implicit",
    "in",
    "interface",
    "internal",
    "is",
    "lock",
    "namespace",
    "new",
    "null",
    "operator",
    "out",
    "override",
    "params",
    "private",
    "protected",
    "public",
    "readonly",
    "ref",
    "return",
    "sealed",
    "sizeof",
    "stackalloc",
    "static",
    "struct",
    "switch",
    "throw",
    "true",
    "try",
    "typeof",
    "unchecked",
    "unsafe",
    "using",
    "virtual",
    "volatile",
    "while",
];

struct Name<'a>(&'a Ident);

impl Display for Name<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if RESERVED.contains(&self.0.name.as_str()) {
            f.write_char('@')?;
        }
        f.write_str(&self.0.name)
    }
}

fn list<T>(
    f: &mut Formatter<'_>,
    items: &[T],
    each: impl Fn(&mut Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        each(f, item)?;
    }
    Ok(())
}

fn type_args(f: &mut Formatter<'_>, args: &[TypeRef]) -> fmt::Result {
    if args.is_empty() {
        return Ok(());
    }
    f.write_char('<')?;
    list(f, args, |f, t| write!(f, "{t}"))?;
    f.write_char('>')
}

fn ranks(f: &mut Formatter<'_>, ranks: &[u8]) -> fmt::Result {
    for r in ranks {
        f.write_char('[')?;
        for _ in 1..*r {
            f.write_char(',')?;
        }
        f.write_char(']')?;
    }
    Ok(())
}

/// The type without its array ranks.
fn element_type(f: &mut Formatter<'_>, t: &TypeRef) -> fmt::Result {
    for (i, p) in t.path.iter().enumerate() {
        if i > 0 {
            f.write_char('.')?;
        }
        write!(f, "{}", Name(p))?;
    }
    type_args(f, &t.type_args)?;
    if t.nullable {
        f.write_char('?')?;
    }
    Ok(())
}

impl Display for TypeRef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        element_type(f, self)?;
        ranks(f, &self.array_ranks)
    }
}

/// A C# escape for characters that cannot stand as themselves in a literal.
fn escaped(f: &mut Formatter<'_>, c: char, quote: char) -> fmt::Result {
    match c {
        '\\' => f.write_str("\\\\"),
        '\n' => f.write_str("\\n"),
        '\r' => f.write_str("\\r"),
        '\t' => f.write_str("\\t"),
        '\0' => f.write_str("\\0"),
        c if c == quote => write!(f, "\\{c}"),
        c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
            write!(f, "\\u{:04X}", u32::from(c))
        }
        c => f.write_char(c),
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Long(i) => write!(f, "{i}L"),
            Literal::UInt(i) => write!(f, "{i}U"),
            Literal::ULong(i) => write!(f, "{i}UL"),
            Literal::Double(d) => write!(f, "{d:?}D"),
            Literal::Float(x) => write!(f, "{x:?}F"),
            Literal::Decimal(m) => write!(f, "{m}M"),
            Literal::Char(c) => {
                f.write_char('\'')?;
                escaped(f, *c, '\'')?;
                f.write_char('\'')
            }
            Literal::String(s) => {
                f.write_char('"')?;
                for c in s.chars() {
                    escaped(f, c, '"')?;
                }
                f.write_char('"')
            }
        }
    }
}

fn unary_op(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Not => "!",
        UnaryOp::Negate => "-",
        UnaryOp::Plus => "+",
        UnaryOp::BitwiseNot => "~",
        UnaryOp::PreIncrement | UnaryOp::PostIncrement => "++",
        UnaryOp::PreDecrement | UnaryOp::PostDecrement => "--",
    }
}

/// The C# spelling of a binary operator.
pub fn binary_op(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Multiply => "*",
        BinaryOp::Divide => "/",
        BinaryOp::Remainder => "%",
        BinaryOp::Add => "+",
        BinaryOp::Subtract => "-",
        BinaryOp::ShiftLeft => "<<",
        BinaryOp::ShiftRight => ">>",
        BinaryOp::Less => "<",
        BinaryOp::Greater => ">",
        BinaryOp::LessOrEqual => "<=",
        BinaryOp::GreaterOrEqual => ">=",
        BinaryOp::Equal => "==",
        BinaryOp::NotEqual => "!=",
        BinaryOp::BitwiseAnd => "&",
        BinaryOp::BitwiseXor => "^",
        BinaryOp::BitwiseOr => "|",
        BinaryOp::And => "&&",
        BinaryOp::Or => "||",
        BinaryOp::Coalesce => "??",
    }
}

fn argument(f: &mut Formatter<'_>, a: &Argument) -> fmt::Result {
    if let Some(n) = &a.name {
        write!(f, "{}: ", Name(n))?;
    }
    match a.modifier {
        Some(ArgModifier::Out) => f.write_str("out ")?,
        Some(ArgModifier::Ref) => f.write_str("ref ")?,
        Some(ArgModifier::In) => f.write_str("in ")?,
        None => {}
    }
    write!(f, "{}", a.value)
}

fn params(f: &mut Formatter<'_>, ps: &[LambdaParam]) -> fmt::Result {
    f.write_char('(')?;
    list(f, ps, |f, p| match &p.ty {
        Some(t) => write!(f, "{t} {}", Name(&p.name)),
        None => write!(f, "{}", Name(&p.name)),
    })?;
    f.write_char(')')
}

fn lambda_body(f: &mut Formatter<'_>, b: &LambdaBody) -> fmt::Result {
    match b {
        LambdaBody::Expr(e) => write!(f, "{e}"),
        LambdaBody::Block(b) => write!(f, "{b}"),
    }
}

fn initializer(f: &mut Formatter<'_>, init: &Initializer) -> fmt::Result {
    f.write_str(" { ")?;
    match init {
        Initializer::Collection(items) => list(f, items, |f, values| match values.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                f.write_str("{ ")?;
                list(f, many, |f, v| write!(f, "{v}"))?;
                f.write_str(" }")
            }
        })?,
        Initializer::Object(members) => list(f, members, |f, m| {
            match &m.target {
                MemberInitTarget::Member(n) => write!(f, "{}", Name(n))?,
                MemberInitTarget::Index(ix) => {
                    f.write_char('[')?;
                    list(f, ix, |f, v| write!(f, "{v}"))?;
                    f.write_char(']')?;
                }
            }
            write!(f, " = {}", m.value)
        })?,
    }
    f.write_str(" }")
}

fn new_expression(
    f: &mut Formatter<'_>,
    ty: &Option<TypeRef>,
    args: &[Argument],
    init: &Option<Initializer>,
) -> fmt::Result {
    match ty {
        None => f.write_str("new[]")?,
        Some(t) if !t.array_ranks.is_empty() => {
            f.write_str("new ")?;
            element_type(f, t)?;
            let rest = if args.is_empty() {
                t.array_ranks.as_slice()
            } else {
                f.write_char('[')?;
                list(f, args, argument)?;
                f.write_char(']')?;
                t.array_ranks.get(1..).unwrap_or(&[])
            };
            ranks(f, rest)?;
        }
        Some(t) => {
            write!(f, "new {t}(")?;
            list(f, args, argument)?;
            f.write_char(')')?;
        }
    }
    match init {
        Some(i) => initializer(f, i),
        None => Ok(()),
    }
}

fn interpolated(f: &mut Formatter<'_>, parts: &[InterpolationPart]) -> fmt::Result {
    f.write_str("$\"")?;
    for part in parts {
        match part {
            InterpolationPart::Text(t) => {
                for c in t.chars() {
                    match c {
                        '{' => f.write_str("{{")?,
                        '}' => f.write_str("}}")?,
                        c => escaped(f, c, '"')?,
                    }
                }
            }
            InterpolationPart::Hole {
                value,
                alignment,
                format,
            } => {
                // Parenthesised so that no `,` or `:` of the value ends the hole early.
                write!(f, "{{({value})")?;
                if let Some(a) = alignment {
                    write!(f, ",({a})")?;
                }
                if let Some(fm) = format {
                    write!(f, ":{fm}")?;
                }
                f.write_char('}')?;
            }
        }
    }
    f.write_char('"')
}

/// A name with generic arguments (`F<T>`, `x.As<T>`), bare: only where `(` follows, as the
/// callee of a call; elsewhere it is parenthesised so that C#'s §6.2.5 rule reads it back.
fn generic_callee(f: &mut Formatter<'_>, e: &Expr) -> fmt::Result {
    match &e.kind {
        ExprKind::GenericName { name, type_args: t } => {
            write!(f, "{}", Name(name))?;
            type_args(f, t)
        }
        ExprKind::Member {
            target,
            name,
            type_args: t,
            null_conditional,
        } => {
            let dot = if *null_conditional { "?." } else { "." };
            write!(f, "{target}{dot}{}", Name(name))?;
            type_args(f, t)
        }
        _ => write!(f, "{e}"),
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(l) => write!(f, "{l}"),
            ExprKind::Name(n) => write!(f, "{}", Name(n)),
            ExprKind::GenericName { .. } => {
                f.write_char('(')?;
                generic_callee(f, self)?;
                f.write_char(')')
            }
            ExprKind::Member { type_args: t, .. } if !t.is_empty() => {
                f.write_char('(')?;
                generic_callee(f, self)?;
                f.write_char(')')
            }
            ExprKind::Member {
                target,
                name,
                null_conditional,
                ..
            } => {
                let dot = if *null_conditional { "?." } else { "." };
                write!(f, "{target}{dot}{}", Name(name))
            }
            ExprKind::Call { callee, args } => {
                generic_callee(f, callee)?;
                f.write_char('(')?;
                list(f, args, argument)?;
                f.write_char(')')
            }
            ExprKind::Index {
                target,
                args,
                null_conditional,
            } => {
                write!(f, "{target}{}[", if *null_conditional { "?" } else { "" })?;
                list(f, args, |f, a| write!(f, "{a}"))?;
                f.write_char(']')
            }
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::PostIncrement | UnaryOp::PostDecrement => {
                    write!(f, "({operand}{})", unary_op(*op))
                }
                _ => write!(f, "({} {operand})", unary_op(*op)),
            },
            ExprKind::Binary { op, left, right } => {
                write!(f, "({left} {} {right})", binary_op(*op))
            }
            ExprKind::Conditional {
                condition,
                when_true,
                when_false,
            } => write!(f, "({condition} ? {when_true} : {when_false})"),
            ExprKind::Assign { op, target, value } => match op {
                AssignOp::Assign => write!(f, "({target} = {value})"),
                AssignOp::Compound(b) => write!(f, "({target} {}= {value})", binary_op(*b)),
            },
            ExprKind::Lambda { params: p, body } => {
                f.write_char('(')?;
                params(f, p)?;
                f.write_str(" => ")?;
                lambda_body(f, body)?;
                f.write_char(')')
            }
            ExprKind::Cast { ty, operand } => write!(f, "(({ty})({operand}))"),
            ExprKind::Is {
                operand,
                ty,
                binding,
            } => match binding {
                Some(b) => write!(f, "({operand} is {ty} {})", Name(b)),
                None => write!(f, "({operand} is {ty})"),
            },
            ExprKind::As { operand, ty } => write!(f, "({operand} as {ty})"),
            ExprKind::TypeOf(t) => write!(f, "typeof({t})"),
            ExprKind::Default(t) => match t {
                Some(t) => write!(f, "default({t})"),
                None => f.write_str("default"),
            },
            ExprKind::New {
                ty,
                args,
                initializer,
            } => {
                f.write_char('(')?;
                new_expression(f, ty, args, initializer)?;
                f.write_char(')')
            }
            ExprKind::Interpolated(parts) => interpolated(f, parts),
            ExprKind::OutDeclaration { ty, name } => match ty {
                Some(t) => write!(f, "{t} {}", Name(name)),
                None => write!(f, "var {}", Name(name)),
            },
            ExprKind::Checked { checked, operand } => {
                let word = if *checked { "checked" } else { "unchecked" };
                write!(f, "{word}({operand})")
            }
        }
    }
}

impl Display for Block {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("{ ")?;
        for s in &self.statements {
            write!(f, "{s} ")?;
        }
        f.write_char('}')
    }
}

fn declaration(
    f: &mut Formatter<'_>,
    ty: &Option<TypeRef>,
    declarators: &[crate::expr::ast::Declarator],
) -> fmt::Result {
    match ty {
        Some(t) => write!(f, "{t} ")?,
        None => f.write_str("var ")?,
    }
    list(f, declarators, |f, d| {
        write!(f, "{}", Name(&d.name))?;
        match &d.init {
            Some(i) => write!(f, " = {i}"),
            None => Ok(()),
        }
    })
}

impl Display for Stmt {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            StmtKind::Declaration { ty, declarators } => {
                declaration(f, ty, declarators)?;
                f.write_char(';')
            }
            StmtKind::Expr(e) => write!(f, "{e};"),
            StmtKind::Return(v) => match v {
                Some(v) => write!(f, "return {v};"),
                None => f.write_str("return;"),
            },
            StmtKind::If {
                condition,
                then_branch,
                else_branch,
            } => {
                write!(f, "if ({condition}) {then_branch}")?;
                match else_branch {
                    Some(e) => write!(f, " else {e}"),
                    None => Ok(()),
                }
            }
            StmtKind::Block(b) => write!(f, "{b}"),
            StmtKind::ForEach {
                ty,
                name,
                collection,
                body,
            } => {
                f.write_str("foreach (")?;
                match ty {
                    Some(t) => write!(f, "{t} ")?,
                    None => f.write_str("var ")?,
                }
                write!(f, "{} in {collection}) {body}", Name(name))
            }
            StmtKind::For {
                init,
                condition,
                step,
                body,
            } => {
                f.write_str("for (")?;
                list(f, init, |f, s| match &s.kind {
                    StmtKind::Declaration { ty, declarators } => declaration(f, ty, declarators),
                    StmtKind::Expr(e) => write!(f, "{e}"),
                    _ => Ok(()),
                })?;
                f.write_str("; ")?;
                if let Some(c) = condition {
                    write!(f, "{c}")?;
                }
                f.write_str("; ")?;
                list(f, step, |f, e| write!(f, "{e}"))?;
                write!(f, ") {body}")
            }
            StmtKind::While { condition, body } => write!(f, "while ({condition}) {body}"),
            StmtKind::DoWhile { body, condition } => write!(f, "do {body} while ({condition});"),
            StmtKind::Switch { value, sections } => {
                write!(f, "switch ({value}) {{ ")?;
                for section in sections {
                    for label in &section.labels {
                        match label {
                            SwitchLabel::Case(e) => write!(f, "case {e}: ")?,
                            SwitchLabel::Pattern { ty, name, guard } => {
                                write!(f, "case {ty} ")?;
                                match name {
                                    Some(n) => write!(f, "{}", Name(n))?,
                                    None => f.write_char('_')?,
                                }
                                if let Some(g) = guard {
                                    write!(f, " when {g}")?;
                                }
                                f.write_str(": ")?;
                            }
                            SwitchLabel::Default => f.write_str("default: ")?,
                        }
                    }
                    for s in &section.statements {
                        write!(f, "{s} ")?;
                    }
                }
                f.write_char('}')
            }
            StmtKind::Break => f.write_str("break;"),
            StmtKind::Continue => f.write_str("continue;"),
            StmtKind::Throw(v) => match v {
                Some(v) => write!(f, "throw {v};"),
                None => f.write_str("throw;"),
            },
            StmtKind::Try {
                body,
                catches,
                finally,
            } => {
                write!(f, "try {body}")?;
                for c in catches {
                    f.write_str(" catch")?;
                    if let Some(t) = &c.ty {
                        write!(f, " ({t}")?;
                        if let Some(n) = &c.name {
                            write!(f, " {}", Name(n))?;
                        }
                        f.write_char(')')?;
                    }
                    if let Some(filter) = &c.filter {
                        write!(f, " when ({filter})")?;
                    }
                    write!(f, " {}", c.body)?;
                }
                if let Some(fin) = finally {
                    write!(f, " finally {fin}")?;
                }
                Ok(())
            }
            StmtKind::LocalFunction {
                return_type,
                name,
                params: p,
                body,
            } => {
                write!(f, "{return_type} {}", Name(name))?;
                params(f, p)?;
                match body {
                    LambdaBody::Block(b) => write!(f, " {b}"),
                    LambdaBody::Expr(e) => write!(f, " => {e};"),
                }
            }
            StmtKind::Empty => f.write_char(';'),
        }
    }
}
