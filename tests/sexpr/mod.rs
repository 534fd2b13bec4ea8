//! Test-only S-expression rendering of expression trees, so each test case is one line, plus a
//! span checker that every node's span lies inside its text (and names cover their names).
#![allow(dead_code)]

use apim_policy::diagnostic::Span;
use apim_policy::expr::ast::*;
use apim_policy::expr::parser::{ParseLimits, parse_block, parse_expression};

/// Parses `text` as an expression and renders it, checking spans.
pub fn expr(text: &str) -> String {
    match parse_expression(text, &ParseLimits::default()) {
        Ok(e) => {
            check_expr_spans(text, &e);
            e_(&e)
        }
        Err(err) => panic!(
            "{text:?} failed to parse: {} at {:?}",
            err.message, err.span
        ),
    }
}

/// Parses `text` as a block and renders it, checking spans.
pub fn block(text: &str) -> String {
    match parse_block(text, &ParseLimits::default()) {
        Ok(b) => {
            let mut out = Vec::new();
            for s in &b.statements {
                check_stmt_spans(text, s);
                out.push(s_(s));
            }
            out.join(" ")
        }
        Err(err) => panic!(
            "{text:?} failed to parse: {} at {:?}",
            err.message, err.span
        ),
    }
}

pub fn ty(t: &TypeRef) -> String {
    let mut s = t
        .path
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(".");
    if !t.type_args.is_empty() {
        s.push('<');
        s.push_str(&t.type_args.iter().map(ty).collect::<Vec<_>>().join(","));
        s.push('>');
    }
    if t.nullable {
        s.push('?');
    }
    for r in &t.array_ranks {
        s.push('[');
        for _ in 1..*r {
            s.push(',');
        }
        s.push(']');
    }
    s
}

fn lit(l: &Literal) -> String {
    match l {
        Literal::Null => "null".into(),
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => i.to_string(),
        Literal::Long(i) => format!("{i}L"),
        Literal::UInt(i) => format!("{i}U"),
        Literal::ULong(i) => format!("{i}UL"),
        Literal::Double(d) => format!("d:{d:?}"),
        Literal::Float(f) => format!("f:{f:?}"),
        Literal::Decimal(m) => format!("m:{m}"),
        Literal::Char(c) => format!("{c:?}"),
        Literal::String(s) => format!("{s:?}"),
    }
}

fn unop(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Not => "!",
        UnaryOp::Negate => "-",
        UnaryOp::Plus => "+",
        UnaryOp::BitwiseNot => "~",
        UnaryOp::PreIncrement => "++pre",
        UnaryOp::PreDecrement => "--pre",
        UnaryOp::PostIncrement => "post++",
        UnaryOp::PostDecrement => "post--",
    }
}

pub fn binop(op: BinaryOp) -> &'static str {
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

fn targs(t: &[TypeRef]) -> String {
    if t.is_empty() {
        String::new()
    } else {
        format!(" <{}>", t.iter().map(ty).collect::<Vec<_>>().join(","))
    }
}

fn arg(a: &Argument) -> String {
    let mut v = e_(&a.value);
    if let Some(m) = a.modifier {
        let m = match m {
            ArgModifier::Out => "out",
            ArgModifier::Ref => "ref",
            ArgModifier::In => "in",
        };
        v = format!("({m} {v})");
    }
    match &a.name {
        Some(n) => format!("{}:{v}", n.name),
        None => v,
    }
}

fn params(ps: &[LambdaParam]) -> String {
    let p: Vec<String> = ps
        .iter()
        .map(|p| match &p.ty {
            Some(t) => format!("({} {})", ty(t), p.name.name),
            None => p.name.name.clone(),
        })
        .collect();
    format!("({})", p.join(" "))
}

fn body(b: &LambdaBody) -> String {
    match b {
        LambdaBody::Expr(e) => e_(e),
        LambdaBody::Block(b) => block_(b),
    }
}

fn init(i: &Initializer) -> String {
    match i {
        Initializer::Collection(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|vs| {
                    if vs.len() == 1 {
                        e_(&vs[0])
                    } else {
                        format!("{{{}}}", vs.iter().map(e_).collect::<Vec<_>>().join(" "))
                    }
                })
                .collect();
            format!(
                "(coll{})",
                parts.iter().map(|p| format!(" {p}")).collect::<String>()
            )
        }
        Initializer::Object(ms) => {
            let parts: Vec<String> = ms
                .iter()
                .map(|m| match &m.target {
                    MemberInitTarget::Member(n) => format!("({} {})", n.name, e_(&m.value)),
                    MemberInitTarget::Index(ix) => format!(
                        "([{}] {})",
                        ix.iter().map(e_).collect::<Vec<_>>().join(" "),
                        e_(&m.value)
                    ),
                })
                .collect();
            format!(
                "(obj{})",
                parts.iter().map(|p| format!(" {p}")).collect::<String>()
            )
        }
    }
}

pub fn e_(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(l) => lit(l),
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::GenericName { name, type_args } => {
            format!("(gname {}{})", name.name, targs(type_args))
        }
        ExprKind::Member {
            target,
            name,
            type_args,
            null_conditional,
        } => format!(
            "({} {} {}{})",
            if *null_conditional { "?." } else { "." },
            e_(target),
            name.name,
            targs(type_args)
        ),
        ExprKind::Call { callee, args } => {
            let a: String = args.iter().map(|a| format!(" {}", arg(a))).collect();
            format!("(call {}{a})", e_(callee))
        }
        ExprKind::Index {
            target,
            args,
            null_conditional,
        } => {
            let a: String = args.iter().map(|a| format!(" {}", e_(a))).collect();
            format!(
                "({} {}{a})",
                if *null_conditional { "?index" } else { "index" },
                e_(target)
            )
        }
        ExprKind::Unary { op, operand } => format!("({} {})", unop(*op), e_(operand)),
        ExprKind::Binary { op, left, right } => {
            format!("({} {} {})", binop(*op), e_(left), e_(right))
        }
        ExprKind::Conditional {
            condition,
            when_true,
            when_false,
        } => format!("(? {} {} {})", e_(condition), e_(when_true), e_(when_false)),
        ExprKind::Assign { op, target, value } => {
            let o = match op {
                AssignOp::Assign => "=".to_string(),
                AssignOp::Compound(b) => format!("{}=", binop(*b)),
            };
            format!("({o} {} {})", e_(target), e_(value))
        }
        ExprKind::Lambda { params: p, body: b } => format!("(lambda {} {})", params(p), body(b)),
        ExprKind::Cast { ty: t, operand } => format!("(cast {} {})", ty(t), e_(operand)),
        ExprKind::Is {
            operand,
            ty: t,
            binding,
        } => match binding {
            Some(b) => format!("(is {} {} {})", e_(operand), ty(t), b.name),
            None => format!("(is {} {})", e_(operand), ty(t)),
        },
        ExprKind::As { operand, ty: t } => format!("(as {} {})", e_(operand), ty(t)),
        ExprKind::TypeOf(t) => format!("(typeof {})", ty(t)),
        ExprKind::Default(t) => match t {
            Some(t) => format!("(default {})", ty(t)),
            None => "(default)".into(),
        },
        ExprKind::New {
            ty: t,
            args,
            initializer,
        } => {
            let head = match t {
                Some(t) => format!("new {}", ty(t)),
                None => "new[]".into(),
            };
            let a: Vec<String> = args.iter().map(arg).collect();
            let i = initializer
                .as_ref()
                .map(|i| format!(" {}", init(i)))
                .unwrap_or_default();
            format!("({head} ({}){i})", a.join(" "))
        }
        ExprKind::Interpolated(parts) => {
            let p: String = parts
                .iter()
                .map(|p| match p {
                    InterpolationPart::Text(t) => format!(" {t:?}"),
                    InterpolationPart::Hole {
                        value,
                        alignment,
                        format,
                    } => {
                        let mut h = format!(" (hole {}", e_(value));
                        if let Some(a) = alignment {
                            h.push_str(&format!(" ,{}", e_(a)));
                        }
                        if let Some(f) = format {
                            h.push_str(&format!(" :{f:?}"));
                        }
                        h.push(')');
                        h
                    }
                })
                .collect();
            format!("(interp{p})")
        }
        ExprKind::OutDeclaration { ty: t, name } => match t {
            Some(t) => format!("(outvar {} {})", ty(t), name.name),
            None => format!("(outvar {})", name.name),
        },
        ExprKind::Checked { checked, operand } => format!(
            "({} {})",
            if *checked { "checked" } else { "unchecked" },
            e_(operand)
        ),
    }
}

pub fn block_(b: &Block) -> String {
    format!(
        "{{{}}}",
        b.statements.iter().map(s_).collect::<Vec<_>>().join(" ")
    )
}

fn decl(t: &Option<TypeRef>, ds: &[Declarator]) -> String {
    let t = t.as_ref().map(ty).unwrap_or_else(|| "var".into());
    let d: String = ds
        .iter()
        .map(|d| match &d.init {
            Some(i) => format!(" ({} {})", d.name.name, e_(i)),
            None => format!(" ({})", d.name.name),
        })
        .collect();
    format!("(decl {t}{d})")
}

pub fn s_(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Declaration { ty: t, declarators } => decl(t, declarators),
        StmtKind::Expr(e) => format!("{};", e_(e)),
        StmtKind::Return(v) => match v {
            Some(v) => format!("(return {})", e_(v)),
            None => "(return)".into(),
        },
        StmtKind::If {
            condition,
            then_branch,
            else_branch,
        } => match else_branch {
            Some(e) => format!("(if {} {} {})", e_(condition), s_(then_branch), s_(e)),
            None => format!("(if {} {})", e_(condition), s_(then_branch)),
        },
        StmtKind::Block(b) => block_(b),
        StmtKind::ForEach {
            ty: t,
            name,
            collection,
            body,
        } => format!(
            "(foreach {} {} {} {})",
            t.as_ref().map(ty).unwrap_or_else(|| "var".into()),
            name.name,
            e_(collection),
            s_(body)
        ),
        StmtKind::For {
            init,
            condition,
            step,
            body,
        } => format!(
            "(for ({}) {} ({}) {})",
            init.iter().map(s_).collect::<Vec<_>>().join(" "),
            condition.as_ref().map(e_).unwrap_or_else(|| "_".into()),
            step.iter().map(e_).collect::<Vec<_>>().join(" "),
            s_(body)
        ),
        StmtKind::While { condition, body } => format!("(while {} {})", e_(condition), s_(body)),
        StmtKind::DoWhile { body, condition } => format!("(do {} {})", s_(body), e_(condition)),
        StmtKind::Switch { value, sections } => {
            let secs: String = sections
                .iter()
                .map(|sec| {
                    let labels: Vec<String> = sec
                        .labels
                        .iter()
                        .map(|l| match l {
                            SwitchLabel::Case(e) => format!("(case {})", e_(e)),
                            SwitchLabel::Pattern { ty: t, name, guard } => {
                                let mut p = format!("(case {}", ty(t));
                                if let Some(n) = name {
                                    p.push_str(&format!(" {}", n.name));
                                }
                                if let Some(g) = guard {
                                    p.push_str(&format!(" when {}", e_(g)));
                                }
                                p.push(')');
                                p
                            }
                            SwitchLabel::Default => "default".into(),
                        })
                        .collect();
                    let st: String = sec
                        .statements
                        .iter()
                        .map(|s| format!(" {}", s_(s)))
                        .collect();
                    format!(" ({}{st})", labels.join(" "))
                })
                .collect();
            format!("(switch {}{secs})", e_(value))
        }
        StmtKind::Break => "break".into(),
        StmtKind::Continue => "continue".into(),
        StmtKind::Throw(v) => match v {
            Some(v) => format!("(throw {})", e_(v)),
            None => "(throw)".into(),
        },
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            let mut out = format!("(try {}", block_(body));
            for c in catches {
                out.push_str(" (catch");
                if let Some(t) = &c.ty {
                    out.push_str(&format!(" {}", ty(t)));
                }
                if let Some(n) = &c.name {
                    out.push_str(&format!(" {}", n.name));
                }
                if let Some(f) = &c.filter {
                    out.push_str(&format!(" when {}", e_(f)));
                }
                out.push_str(&format!(" {})", block_(&c.body)));
            }
            if let Some(f) = finally {
                out.push_str(&format!(" (finally {})", block_(f)));
            }
            out.push(')');
            out
        }
        StmtKind::LocalFunction {
            return_type,
            name,
            params: p,
            body: b,
        } => format!(
            "(fn {} {} {} {})",
            ty(return_type),
            name.name,
            params(p),
            body(b)
        ),
        StmtKind::Empty => ";".into(),
    }
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end as usize <= text.len(),
        "{what} span {span:?} outside {text:?}"
    );
    assert!(
        text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
        "{what} span {span:?} not on char boundaries in {text:?}"
    );
}

fn check_ident(text: &str, id: &Ident) {
    check_span(text, id.span, "ident");
    let written = &text[id.span.start as usize..id.span.end as usize];
    assert!(
        written == id.name || written.strip_prefix('@') == Some(id.name.as_str()),
        "ident {:?} has span text {written:?}",
        id.name
    );
}

fn check_type(text: &str, t: &TypeRef) {
    check_span(text, t.span, "type");
    for p in &t.path {
        check_ident(text, p);
    }
    for a in &t.type_args {
        check_type(text, a);
    }
}

pub fn check_expr_spans(text: &str, e: &Expr) {
    check_span(text, e.span, "expr");
    let inside = |c: &Expr| {
        check_expr_spans(text, c);
        assert!(
            c.span.start >= e.span.start && c.span.end <= e.span.end,
            "child {:?} outside parent {:?} in {text:?}",
            c.span,
            e.span
        );
    };
    match &e.kind {
        ExprKind::Literal(_) => {}
        ExprKind::Name(n) => check_ident(text, n),
        ExprKind::GenericName { name, type_args } => {
            check_ident(text, name);
            type_args.iter().for_each(|t| check_type(text, t));
        }
        ExprKind::Member {
            target,
            name,
            type_args,
            ..
        } => {
            inside(target);
            check_ident(text, name);
            type_args.iter().for_each(|t| check_type(text, t));
        }
        ExprKind::Call { callee, args } => {
            inside(callee);
            args.iter().for_each(|a| inside(&a.value));
        }
        ExprKind::Index { target, args, .. } => {
            inside(target);
            args.iter().for_each(inside);
        }
        ExprKind::Unary { operand, .. } => inside(operand),
        ExprKind::Binary { left, right, .. } => {
            inside(left);
            inside(right);
        }
        ExprKind::Conditional {
            condition,
            when_true,
            when_false,
        } => {
            inside(condition);
            inside(when_true);
            inside(when_false);
        }
        ExprKind::Assign { target, value, .. } => {
            inside(target);
            inside(value);
        }
        ExprKind::Lambda { params, body } => {
            for p in params {
                check_ident(text, &p.name);
            }
            match body {
                LambdaBody::Expr(b) => inside(b),
                LambdaBody::Block(b) => b.statements.iter().for_each(|s| check_stmt_spans(text, s)),
            }
        }
        ExprKind::Cast { ty, operand } => {
            check_type(text, ty);
            inside(operand);
        }
        ExprKind::Is {
            operand,
            ty,
            binding,
        } => {
            check_type(text, ty);
            inside(operand);
            if let Some(b) = binding {
                check_ident(text, b);
            }
        }
        ExprKind::As { operand, ty } => {
            check_type(text, ty);
            inside(operand);
        }
        ExprKind::TypeOf(t) => check_type(text, t),
        ExprKind::Default(t) => {
            if let Some(t) = t {
                check_type(text, t)
            }
        }
        ExprKind::New {
            ty,
            args,
            initializer,
        } => {
            if let Some(t) = ty {
                check_type(text, t);
            }
            args.iter().for_each(|a| inside(&a.value));
            match initializer {
                Some(Initializer::Collection(items)) => items.iter().flatten().for_each(inside),
                Some(Initializer::Object(ms)) => ms.iter().for_each(|m| {
                    inside(&m.value);
                    if let MemberInitTarget::Index(ix) = &m.target {
                        ix.iter().for_each(inside);
                    }
                }),
                None => {}
            }
        }
        ExprKind::Interpolated(parts) => {
            for p in parts {
                if let InterpolationPart::Hole {
                    value, alignment, ..
                } = p
                {
                    inside(value);
                    if let Some(a) = alignment {
                        inside(a);
                    }
                }
            }
        }
        ExprKind::OutDeclaration { ty, name } => {
            if let Some(t) = ty {
                check_type(text, t);
            }
            check_ident(text, name);
        }
        ExprKind::Checked { operand, .. } => inside(operand),
    }
}

pub fn check_stmt_spans(text: &str, s: &Stmt) {
    check_span(text, s.span, "stmt");
    let e = |x: &Expr| check_expr_spans(text, x);
    let st = |x: &Stmt| check_stmt_spans(text, x);
    let b = |x: &Block| {
        check_span(text, x.span, "block");
        x.statements.iter().for_each(st)
    };
    match &s.kind {
        StmtKind::Declaration { declarators, .. } => declarators.iter().for_each(|d| {
            check_ident(text, &d.name);
            if let Some(i) = &d.init {
                e(i)
            }
        }),
        StmtKind::Expr(x) => e(x),
        StmtKind::Return(v) | StmtKind::Throw(v) => v.iter().for_each(e),
        StmtKind::If {
            condition,
            then_branch,
            else_branch,
        } => {
            e(condition);
            st(then_branch);
            if let Some(x) = else_branch {
                st(x)
            }
        }
        StmtKind::Block(x) => b(x),
        StmtKind::ForEach {
            collection,
            body,
            name,
            ..
        } => {
            check_ident(text, name);
            e(collection);
            st(body)
        }
        StmtKind::For {
            init,
            condition,
            step,
            body,
        } => {
            init.iter().for_each(st);
            condition.iter().for_each(e);
            step.iter().for_each(e);
            st(body)
        }
        StmtKind::While { condition, body } | StmtKind::DoWhile { body, condition } => {
            e(condition);
            st(body)
        }
        StmtKind::Switch { value, sections } => {
            e(value);
            sections
                .iter()
                .for_each(|sec| sec.statements.iter().for_each(st));
        }
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            b(body);
            catches.iter().for_each(|c| b(&c.body));
            if let Some(f) = finally {
                b(f)
            }
        }
        StmtKind::LocalFunction { body, .. } => match body {
            LambdaBody::Expr(x) => e(x),
            LambdaBody::Block(x) => b(x),
        },
        StmtKind::Break | StmtKind::Continue | StmtKind::Empty => {}
    }
}

/// Every prefix and suffix of `text` (at character boundaries) parses or fails with an error
/// whose span lies inside the text; nothing panics.
pub fn no_panic_on_prefixes(text: &str) {
    let limits = ParseLimits::default();
    let cuts: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    for &cut in &cuts {
        for piece in [&text[..cut], &text[cut..]] {
            if let Err(e) = parse_expression(piece, &limits) {
                check_span(piece, e.span, "error");
                assert!(!e.message.is_empty());
            }
            if let Err(e) = parse_block(piece, &limits) {
                check_span(piece, e.span, "error");
            }
        }
    }
}

/// `parse(print(parse(text))) == parse(text)` up to spans (compared through the S-expression
/// rendering, which shows everything but spans).
pub fn round_trips(text: &str, is_block: bool) {
    let limits = ParseLimits::default();
    if is_block {
        let Ok(first) = parse_block(text, &limits) else {
            return;
        };
        let printed: String = first.statements.iter().map(|s| format!("{s}\n")).collect();
        let second = parse_block(&printed, &limits)
            .unwrap_or_else(|e| panic!("printed block {printed:?} does not parse: {}", e.message));
        let a: Vec<String> = first.statements.iter().map(s_).collect();
        let b: Vec<String> = second.statements.iter().map(s_).collect();
        assert_eq!(a, b, "round trip of {text:?} through {printed:?}");
    } else {
        let Ok(first) = parse_expression(text, &limits) else {
            return;
        };
        let printed = first.to_string();
        let second = parse_expression(&printed, &limits).unwrap_or_else(|e| {
            panic!(
                "printed {printed:?} does not parse: {} at {:?}",
                e.message, e.span
            )
        });
        assert_eq!(
            e_(&first),
            e_(&second),
            "round trip of {text:?} through {printed:?}"
        );
    }
}
