//! Expressions and types (C# spec §12 "Expressions", §8 "Types"), over the token list.
//!
//! Disambiguation follows the C# specification:
//! - generic arguments (§6.2.5): `name < ... >` is a type-argument list only if it parses as one
//!   and the token after `>` is one of `( ) ] } : ; , . ? == != | ^ && || & [` (or the end);
//! - casts (§12.9.7): `( T ) x` is a cast if `T` can only be a type (a keyword type, `T?`,
//!   `T[]`), or if it is a type and the token after `)` is `~`, `!`, `(`, an identifier, a
//!   literal, or a keyword other than `as`/`is`;
//! - lambdas: `x =>`, and `( ... ) =>` where the `)` closes the first `(`.

use super::lexer::{RawPart, Tok};
use super::{ParseError, Parser, is_keyword, is_type_keyword};
use crate::diagnostic::Span;
use crate::expr::ast::{
    ArgModifier, Argument, AssignOp, BinaryOp, Expr, ExprKind, Ident, Initializer,
    InterpolationPart, LambdaBody, LambdaParam, Literal, MemberInit, MemberInitTarget, TypeRef,
    UnaryOp,
};

type PResult<T> = Result<T, ParseError>;

/// How to read a `?` after a type.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Nullable {
    /// Always `T?` (declarations, casts, generic arguments).
    Always,
    /// After `is`/`as`: `T?` only if no expression follows the `?` (else it is `cond ? a : b`).
    UnlessExpressionFollows,
}

/// A binary operator found in the token stream.
#[derive(Clone, Copy)]
enum Infix {
    Binary(BinaryOp),
    Is,
    As,
}

fn precedence(op: Infix) -> u8 {
    match op {
        Infix::Binary(b) => match b {
            BinaryOp::Coalesce => 1,
            BinaryOp::Or => 2,
            BinaryOp::And => 3,
            BinaryOp::BitwiseOr => 4,
            BinaryOp::BitwiseXor => 5,
            BinaryOp::BitwiseAnd => 6,
            BinaryOp::Equal | BinaryOp::NotEqual => 7,
            BinaryOp::Less
            | BinaryOp::Greater
            | BinaryOp::LessOrEqual
            | BinaryOp::GreaterOrEqual => 8,
            BinaryOp::ShiftLeft | BinaryOp::ShiftRight => 9,
            BinaryOp::Add | BinaryOp::Subtract => 10,
            BinaryOp::Multiply | BinaryOp::Divide | BinaryOp::Remainder => 11,
        },
        Infix::Is | Infix::As => 8,
    }
}

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Parser<'_> {
    /// expression = lambda | conditional [ assignment-operator expression ]   (§12.19, §12.21)
    pub(super) fn expression(&mut self) -> PResult<Expr> {
        self.expr_box().map(|e| *e)
    }

    /// [`Self::expression`], boxed: the recursive path passes boxes so that stack frames stay
    /// small (the depth limit must be reachable on a small thread stack).
    pub(super) fn expr_box(&mut self) -> PResult<Box<Expr>> {
        self.enter()?;
        let result = self.expression_inner();
        self.leave();
        result
    }

    #[inline(never)]
    fn expression_inner(&mut self) -> PResult<Box<Expr>> {
        if let Some(lambda) = self.try_lambda()? {
            return Ok(lambda);
        }
        let target = self.conditional()?;
        if let Some((op, count)) = self.assignment_operator() {
            for _ in 0..count {
                self.advance();
            }
            let value = self.expr_box()?;
            let span = target.span.to(value.span);
            return Ok(boxed(Expr {
                kind: ExprKind::Assign { op, target, value },
                span,
            }));
        }
        Ok(target)
    }

    /// The assignment operator here and how many tokens it takes (`>>=` is `>` `>` `=`).
    fn assignment_operator(&self) -> Option<(AssignOp, usize)> {
        let Tok::Punct(p) = self.cur().tok else {
            return None;
        };
        let compound = |b| Some((AssignOp::Compound(b), 1));
        match p {
            "=" => Some((AssignOp::Assign, 1)),
            "+=" => compound(BinaryOp::Add),
            "-=" => compound(BinaryOp::Subtract),
            "*=" => compound(BinaryOp::Multiply),
            "/=" => compound(BinaryOp::Divide),
            "%=" => compound(BinaryOp::Remainder),
            "&=" => compound(BinaryOp::BitwiseAnd),
            "|=" => compound(BinaryOp::BitwiseOr),
            "^=" => compound(BinaryOp::BitwiseXor),
            "<<=" => compound(BinaryOp::ShiftLeft),
            "??=" => compound(BinaryOp::Coalesce),
            ">" if self.is_punct_at(1, ">")
                && self.is_punct_at(2, "=")
                && self.adjacent(0)
                && self.adjacent(1) =>
            {
                Some((AssignOp::Compound(BinaryOp::ShiftRight), 3))
            }
            _ => None,
        }
    }

    /// conditional = binary [ "?" expression ":" expression ]   (§12.18, right-associative)
    #[inline(never)]
    fn conditional(&mut self) -> PResult<Box<Expr>> {
        let condition = self.binary()?;
        if !self.is_punct("?") {
            return Ok(condition);
        }
        let question = self.advance().span;
        let when_true = self.expr_box()?;
        if !self.is_punct(":") {
            return Err(self.missing_colon(question));
        }
        self.advance();
        let when_false = self.expr_box()?;
        let span = condition.span.to(when_false.span);
        Ok(boxed(Expr {
            kind: ExprKind::Conditional {
                condition,
                when_true,
                when_false,
            },
            span,
        }))
    }

    #[cold]
    #[inline(never)]
    fn missing_colon(&self, question: Span) -> ParseError {
        let at = self.where_is(question.start);
        let found = self.describe(self.cur());
        self.error_here(&format!("expected `:` for the `?` at {at}, found {found}"))
    }

    /// The infix operator at the current token: operator, token count.
    fn infix_operator(&self) -> Option<(Infix, usize)> {
        let b = |op| Some((Infix::Binary(op), 1));
        match &self.cur().tok {
            Tok::Punct(p) => match *p {
                "??" => b(BinaryOp::Coalesce),
                "||" => b(BinaryOp::Or),
                "&&" => b(BinaryOp::And),
                "|" => b(BinaryOp::BitwiseOr),
                "^" => b(BinaryOp::BitwiseXor),
                "&" => b(BinaryOp::BitwiseAnd),
                "==" => b(BinaryOp::Equal),
                "!=" => b(BinaryOp::NotEqual),
                "<" => b(BinaryOp::Less),
                "<=" => b(BinaryOp::LessOrEqual),
                "<<" => b(BinaryOp::ShiftLeft),
                "+" => b(BinaryOp::Add),
                "-" => b(BinaryOp::Subtract),
                "*" => b(BinaryOp::Multiply),
                "/" => b(BinaryOp::Divide),
                "%" => b(BinaryOp::Remainder),
                ">" => {
                    if self.is_punct_at(1, ">") && self.adjacent(0) {
                        if self.is_punct_at(2, "=") && self.adjacent(1) {
                            None // `>>=`
                        } else {
                            Some((Infix::Binary(BinaryOp::ShiftRight), 2))
                        }
                    } else if self.is_punct_at(1, "=") && self.adjacent(0) {
                        Some((Infix::Binary(BinaryOp::GreaterOrEqual), 2))
                    } else {
                        b(BinaryOp::Greater)
                    }
                }
                _ => None,
            },
            Tok::Ident {
                name,
                verbatim: false,
            } if name == "is" => Some((Infix::Is, 1)),
            Tok::Ident {
                name,
                verbatim: false,
            } if name == "as" => Some((Infix::As, 1)),
            _ => None,
        }
    }

    /// Binary operators `??` down to `*`, with an explicit operator stack (§12.4.2 precedence;
    /// all left-associative except `??`).
    ///
    /// Each operator of a chain counts one level against the depth limit (the tree it builds is
    /// that deep), so `a + a + ...` cannot build a tree too deep to walk or drop.
    #[inline(never)]
    fn binary(&mut self) -> PResult<Box<Expr>> {
        let saved = self.depth;
        let result = self.binary_chain();
        self.depth = saved;
        result
    }

    #[inline(always)]
    fn binary_chain(&mut self) -> PResult<Box<Expr>> {
        let mut operands: Vec<Box<Expr>> = vec![self.unary()?];
        let mut operators: Vec<(BinaryOp, u8)> = Vec::new();
        while let Some((op, count)) = self.infix_operator() {
            let prec = precedence(op);
            while let Some(&(top, top_prec)) = operators.last() {
                let right_assoc = top == BinaryOp::Coalesce && prec == 1;
                if top_prec > prec || (top_prec == prec && !right_assoc) {
                    operators.pop();
                    reduce(&mut operands, top)?;
                } else {
                    break;
                }
            }
            for _ in 0..count {
                self.advance();
            }
            match op {
                Infix::Binary(b) => {
                    self.enter()?;
                    operators.push((b, prec));
                    operands.push(self.unary()?);
                }
                Infix::Is | Infix::As => {
                    self.enter()?;
                    let operand = operands
                        .pop()
                        .ok_or_else(|| self.error_here("internal: no operand"))?;
                    let e = self.type_test(op, operand)?;
                    operands.push(e);
                }
            }
        }
        while let Some((top, _)) = operators.pop() {
            reduce(&mut operands, top)?;
        }
        operands
            .pop()
            .ok_or_else(|| self.error_here("internal: no operand"))
    }

    /// The type after `is` / `as`, and the optional `is T name` binding (§12.12.12, §12.12.13).
    #[inline(never)]
    fn type_test(&mut self, op: Infix, operand: Box<Expr>) -> PResult<Box<Expr>> {
        if self.is_kw("null") || matches!(self.cur().tok, Tok::Lit(_)) {
            return Err(self.error_here(
                "constant patterns after `is` (`x is null`, `x is 5`) are not supported; write `x == null`",
            ));
        }
        let ty = self.ty(Nullable::UnlessExpressionFollows)?;
        let start = operand.span;
        let (kind, end) = match op {
            Infix::Is => {
                let binding = if self.is_plain_ident_at(0) {
                    Some(self.ident("a name")?)
                } else {
                    None
                };
                let end = binding.as_ref().map_or(ty.span, |b| b.span);
                (
                    ExprKind::Is {
                        operand,
                        ty,
                        binding,
                    },
                    end,
                )
            }
            _ => {
                let end = ty.span;
                (ExprKind::As { operand, ty }, end)
            }
        };
        Ok(boxed(Expr {
            kind,
            span: start.to(end),
        }))
    }

    /// unary = ("!" | "-" | "+" | "~" | "++" | "--") unary | cast | primary   (§12.9)
    pub(super) fn unary(&mut self) -> PResult<Box<Expr>> {
        let start = self.cur().span;
        let op = match self.cur().tok {
            Tok::Punct("!") => Some(UnaryOp::Not),
            Tok::Punct("-") => Some(UnaryOp::Negate),
            Tok::Punct("+") => Some(UnaryOp::Plus),
            Tok::Punct("~") => Some(UnaryOp::BitwiseNot),
            Tok::Punct("++") => Some(UnaryOp::PreIncrement),
            Tok::Punct("--") => Some(UnaryOp::PreDecrement),
            _ => None,
        };
        if let Some(op) = op {
            self.advance();
            self.enter()?;
            let operand = self.unary();
            self.leave();
            let operand = operand?;
            let span = start.to(operand.span);
            return Ok(boxed(Expr {
                kind: ExprKind::Unary { op, operand },
                span,
            }));
        }
        if self.is_punct("(")
            && let Some(cast) = self.cast_expression(start)?
        {
            return Ok(cast);
        }
        self.postfix()
    }

    /// `(T)operand` if the `(` here starts a cast.
    #[inline(never)]
    fn cast_expression(&mut self, start: Span) -> PResult<Option<Box<Expr>>> {
        let Some(ty) = self.try_cast()? else {
            return Ok(None);
        };
        self.enter()?;
        let operand = self.unary();
        self.leave();
        let operand = operand?;
        let span = start.to(operand.span);
        Ok(Some(boxed(Expr {
            kind: ExprKind::Cast { ty, operand },
            span,
        })))
    }

    /// At `(`: a cast's type if this is a cast (position after `)`), else nothing consumed.
    #[inline(never)]
    fn try_cast(&mut self) -> PResult<Option<TypeRef>> {
        let save = self.pos;
        self.advance();
        let Some(ty) = self.try_type(Nullable::Always)? else {
            self.pos = save;
            return Ok(None);
        };
        if !self.is_punct(")") {
            self.pos = save;
            return Ok(None);
        }
        let only_a_type = ty.nullable
            || !ty.array_ranks.is_empty()
            || (ty.path.len() == 1
                && ty.type_args.is_empty()
                && ty
                    .path
                    .first()
                    .is_some_and(|p| is_type_keyword(&p.name) && !self.verbatim_at(save + 1)));
        let next = self.peek_at(1);
        let follows = match &next.tok {
            Tok::Punct(p) => matches!(*p, "~" | "!" | "("),
            Tok::Ident { name, verbatim } => *verbatim || (name != "as" && name != "is"),
            Tok::Lit(_) | Tok::Interp(_) => true,
            Tok::Eof | Tok::Error(_) => false,
        };
        if only_a_type || follows {
            self.advance();
            Ok(Some(ty))
        } else {
            self.pos = save;
            Ok(None)
        }
    }

    fn verbatim_at(&self, index: usize) -> bool {
        matches!(
            self.toks.get(index).map(|t| &t.tok),
            Some(Tok::Ident { verbatim: true, .. })
        )
    }

    /// primary followed by `.x`, `?.x`, `(args)`, `[args]`, `?[args]`, `++`, `--`   (§12.8)
    /// Each postfix operation counts one level against the depth limit, like binary chains.
    #[inline(never)]
    fn postfix(&mut self) -> PResult<Box<Expr>> {
        let saved = self.depth;
        let result = self.postfix_chain();
        self.depth = saved;
        result
    }

    #[inline(always)]
    fn postfix_chain(&mut self) -> PResult<Box<Expr>> {
        let mut e = self.primary()?;
        loop {
            let (next, more) = self.postfix_step(e)?;
            e = next;
            if !more {
                return Ok(e);
            }
            self.enter()?;
        }
    }

    /// One postfix operation on `e`; `false` when there is none.
    #[inline(never)]
    fn postfix_step(&mut self, mut e: Box<Expr>) -> PResult<(Box<Expr>, bool)> {
        {
            let t = self.cur();
            match t.tok {
                Tok::Punct(p @ ("." | "?.")) => {
                    self.advance();
                    let name = self.member_name()?;
                    let type_args = self.try_generic_args()?.unwrap_or_default();
                    let span = e.span.to(self.since(t.span));
                    e = boxed(Expr {
                        kind: ExprKind::Member {
                            target: e,
                            name,
                            type_args,
                            null_conditional: p == "?.",
                        },
                        span,
                    });
                }
                Tok::Punct("(") => {
                    let args = self.arguments()?;
                    let span = e.span.to(self.since(t.span));
                    e = boxed(Expr {
                        kind: ExprKind::Call { callee: e, args },
                        span,
                    });
                }
                Tok::Punct("[") => {
                    let args = self.index_arguments()?;
                    let span = e.span.to(self.since(t.span));
                    e = boxed(Expr {
                        kind: ExprKind::Index {
                            target: e,
                            args,
                            null_conditional: false,
                        },
                        span,
                    });
                }
                Tok::Punct("?") if self.is_punct_at(1, "[") => {
                    self.advance();
                    let args = self.index_arguments()?;
                    let span = e.span.to(self.since(t.span));
                    e = boxed(Expr {
                        kind: ExprKind::Index {
                            target: e,
                            args,
                            null_conditional: true,
                        },
                        span,
                    });
                }
                Tok::Punct(p @ ("++" | "--")) => {
                    self.advance();
                    let op = if p == "++" {
                        UnaryOp::PostIncrement
                    } else {
                        UnaryOp::PostDecrement
                    };
                    let span = e.span.to(t.span);
                    e = boxed(Expr {
                        kind: ExprKind::Unary { op, operand: e },
                        span,
                    });
                }
                _ => return Ok((e, false)),
            }
        }
        Ok((e, true))
    }

    /// A member name after `.`: an identifier (keywords only as `@kw`).
    fn member_name(&mut self) -> PResult<Ident> {
        self.ident("a member name after `.`")
    }

    /// `[ expr, ... ]`
    #[inline(never)]
    fn index_arguments(&mut self) -> PResult<Vec<Expr>> {
        self.enter()?;
        let result = self.index_list();
        self.leave();
        result
    }

    fn index_list(&mut self) -> PResult<Vec<Expr>> {
        let open = self.expect_punct("[")?;
        let mut args = Vec::new();
        if self.is_punct("]") {
            return Err(self.error_here("expected an index inside `[]`"));
        }
        loop {
            args.push(*self.expr_box()?);
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_close("]", "[", open)?;
        Ok(args)
    }

    /// `( [argument {, argument}] )`   (§12.6.2)
    #[inline(never)]
    /// An argument list is a nesting level of its own for the depth limit.
    pub(super) fn arguments(&mut self) -> PResult<Vec<Argument>> {
        self.enter()?;
        let result = self.argument_list();
        self.leave();
        result
    }

    fn argument_list(&mut self) -> PResult<Vec<Argument>> {
        let open = self.expect_punct("(")?;
        let mut args = Vec::new();
        if !self.is_punct(")") {
            loop {
                self.argument(&mut args)?;
                if !self.eat_punct(",") {
                    break;
                }
            }
        }
        self.expect_close(")", "(", open)?;
        Ok(args)
    }

    /// argument = [identifier ":"] ["out" | "ref" | "in"] (out-declaration | expression)
    #[inline(never)]
    fn argument(&mut self, args: &mut Vec<Argument>) -> PResult<()> {
        let name = if self.is_plain_ident_at(0) && self.is_punct_at(1, ":") {
            let n = self.ident("an argument name")?;
            self.advance();
            Some(n)
        } else {
            None
        };
        let modifier = if self.eat_kw("out") {
            Some(ArgModifier::Out)
        } else if self.eat_kw("ref") {
            Some(ArgModifier::Ref)
        } else if self.eat_kw("in") {
            Some(ArgModifier::In)
        } else {
            None
        };
        let declared = if modifier == Some(ArgModifier::Out) {
            self.try_out_declaration()?
        } else {
            None
        };
        let value = match declared {
            Some(d) => d,
            None => self.expr_box()?,
        };
        args.push(Argument {
            name,
            modifier,
            value: *value,
        });
        Ok(())
    }

    /// `out var x` / `out T x` (C# 7 out variables), followed by `,` or `)`.
    #[inline(never)]
    fn try_out_declaration(&mut self) -> PResult<Option<Box<Expr>>> {
        let save = self.pos;
        let start = self.cur().span;
        let ty = if self.is_kw("var") && self.is_plain_ident_at(1) {
            self.advance();
            None
        } else {
            match self.try_type(Nullable::Always)? {
                Some(t) if self.is_plain_ident_at(0) => Some(t),
                _ => {
                    self.pos = save;
                    return Ok(None);
                }
            }
        };
        let name = self.ident("a variable name")?;
        if !(self.is_punct(",") || self.is_punct(")")) {
            self.pos = save;
            return Ok(None);
        }
        let span = start.to(name.span);
        Ok(Some(boxed(Expr {
            kind: ExprKind::OutDeclaration { ty, name },
            span,
        })))
    }

    /// Lambdas (§12.19): `x => ...`, `() => ...`, `(a, b) => ...`, `(T a) => ...`.
    #[inline(never)]
    fn try_lambda(&mut self) -> PResult<Option<Box<Expr>>> {
        let start = self.cur().span;
        if self.is_plain_ident_at(0) && self.is_punct_at(1, "=>") {
            let name = self.ident("a parameter name")?;
            self.advance();
            let body = self.lambda_body()?;
            return Ok(Some(self.lambda(
                start,
                vec![LambdaParam { ty: None, name }],
                body,
            )));
        }
        if !self.is_punct("(") {
            return Ok(None);
        }
        // Find the `)` that closes this `(` and look for `=>` after it.
        let mut nesting: usize = 0;
        let mut i = 0usize;
        loop {
            match &self.peek_at(i).tok {
                Tok::Punct("(" | "[" | "{") => nesting += 1,
                Tok::Punct(")" | "]" | "}") => {
                    nesting = nesting.saturating_sub(1);
                    if nesting == 0 {
                        break;
                    }
                }
                Tok::Eof | Tok::Error(_) => return Ok(None),
                _ => {}
            }
            i += 1;
        }
        if !self.is_punct_at(i + 1, "=>") {
            return Ok(None);
        }
        let open = self.advance().span;
        let params = self.parameter_list(false, open)?;
        self.expect_punct("=>")?;
        let body = self.lambda_body()?;
        Ok(Some(self.lambda(start, params, body)))
    }

    /// Parameters after `(` up to and including `)`; `typed` requires a type on each.
    pub(super) fn parameter_list(&mut self, typed: bool, open: Span) -> PResult<Vec<LambdaParam>> {
        let mut params = Vec::new();
        if !self.is_punct(")") {
            loop {
                let implicit = self.is_plain_ident_at(0)
                    && (self.is_punct_at(1, ",") || self.is_punct_at(1, ")"));
                if implicit && !typed {
                    params.push(LambdaParam {
                        ty: None,
                        name: self.ident("a parameter name")?,
                    });
                } else {
                    let ty = self.ty(Nullable::Always)?;
                    let name = self.ident("a parameter name")?;
                    params.push(LambdaParam { ty: Some(ty), name });
                }
                if !self.eat_punct(",") {
                    break;
                }
            }
        }
        self.expect_close(")", "(", open)?;
        Ok(params)
    }

    fn lambda_body(&mut self) -> PResult<LambdaBody> {
        if self.is_punct("{") {
            self.enter()?;
            let block = self.block();
            self.leave();
            Ok(LambdaBody::Block(block?))
        } else {
            Ok(LambdaBody::Expr(self.expr_box()?))
        }
    }

    fn lambda(&self, start: Span, params: Vec<LambdaParam>, body: LambdaBody) -> Box<Expr> {
        boxed(Expr {
            kind: ExprKind::Lambda { params, body },
            span: self.since(start),
        })
    }

    /// Primary expressions (§12.8): literals, names, `( e )`, `typeof`, `default`, `new`, `$"..."`.
    #[inline(never)]
    fn primary(&mut self) -> PResult<Box<Expr>> {
        let t = self.cur();
        let start = t.span;
        match &t.tok {
            Tok::Lit(_) | Tok::Interp(_) => self.literal(),
            Tok::Ident {
                name,
                verbatim: false,
            } if name == "new" => self.new_expression_boxed(start),
            Tok::Punct("(") => {
                self.advance();
                if self.is_punct(")") {
                    return Err(self.empty_parentheses());
                }
                let e = self.expr_box()?;
                self.expect_close(")", "(", start)?;
                Ok(e)
            }
            Tok::Ident {
                name,
                verbatim: false,
            } if is_keyword(name) => self.keyword_primary_boxed(name, start),
            Tok::Ident { name, .. } => self.simple_name_boxed(name, start),
            _ => Err(self.no_expression()),
        }
    }

    #[cold]
    #[inline(never)]
    fn empty_parentheses(&self) -> ParseError {
        self.error_here("expected an expression inside `()`")
    }

    #[cold]
    #[inline(never)]
    fn no_expression(&self) -> ParseError {
        if matches!(self.cur().tok, Tok::Eof) {
            self.error_here("expected an expression, found the end of the text")
        } else {
            self.expected("an expression")
        }
    }

    /// A literal or interpolated string token.
    #[inline(never)]
    fn literal(&mut self) -> PResult<Box<Expr>> {
        let t = self.advance();
        let kind = match &t.tok {
            Tok::Lit(l) => ExprKind::Literal(l.clone()),
            Tok::Interp(parts) => ExprKind::Interpolated(self.interpolation(parts)?),
            _ => return Err(self.no_expression()),
        };
        Ok(boxed(Expr { kind, span: t.span }))
    }

    #[inline(never)]
    fn new_expression_boxed(&mut self, start: Span) -> PResult<Box<Expr>> {
        self.new_expression(start).map(boxed)
    }

    #[inline(never)]
    fn keyword_primary_boxed(&mut self, kw: &str, start: Span) -> PResult<Box<Expr>> {
        self.keyword_primary(kw, start).map(boxed)
    }

    #[inline(never)]
    fn simple_name_boxed(&mut self, name: &str, start: Span) -> PResult<Box<Expr>> {
        self.simple_name(name, start).map(boxed)
    }

    /// A name, or a generic name `F<T>` when §6.2.5 says so.
    #[inline(never)]
    fn simple_name(&mut self, name: &str, start: Span) -> PResult<Expr> {
        {
            {
                self.advance();
                let ident = Ident {
                    name: name.to_owned(),
                    span: start,
                };
                if let Some(type_args) = self.try_generic_args()? {
                    return Ok(Expr {
                        kind: ExprKind::GenericName {
                            name: ident,
                            type_args,
                        },
                        span: self.since(start),
                    });
                }
                Ok(Expr {
                    kind: ExprKind::Name(ident),
                    span: start,
                })
            }
        }
    }

    #[inline(never)]
    fn keyword_primary(&mut self, kw: &str, start: Span) -> PResult<Expr> {
        let lit = |l| Expr {
            kind: ExprKind::Literal(l),
            span: start,
        };
        match kw {
            "true" => {
                self.advance();
                Ok(lit(Literal::Bool(true)))
            }
            "false" => {
                self.advance();
                Ok(lit(Literal::Bool(false)))
            }
            "null" => {
                self.advance();
                Ok(lit(Literal::Null))
            }
            "typeof" => {
                self.advance();
                let open = self.expect_punct("(")?;
                let ty = self.ty(Nullable::Always)?;
                self.expect_close(")", "(", open)?;
                Ok(Expr {
                    kind: ExprKind::TypeOf(ty),
                    span: self.since(start),
                })
            }
            "default" => {
                self.advance();
                if self.is_punct("(") {
                    let open = self.advance().span;
                    let ty = self.ty(Nullable::Always)?;
                    self.expect_close(")", "(", open)?;
                    Ok(Expr {
                        kind: ExprKind::Default(Some(ty)),
                        span: self.since(start),
                    })
                } else {
                    Ok(Expr {
                        kind: ExprKind::Default(None),
                        span: start,
                    })
                }
            }
            "new" => self.new_expression(start),
            "checked" | "unchecked" if self.is_punct_at(1, "(") => {
                let checked = kw == "checked";
                self.advance();
                let open = self.advance().span;
                let operand = self.expr_box()?;
                self.expect_close(")", "(", open)?;
                Ok(Expr {
                    kind: ExprKind::Checked { checked, operand },
                    span: self.since(start),
                })
            }
            "this" => {
                self.advance();
                Ok(Expr {
                    kind: ExprKind::Name(Ident {
                        name: "this".to_owned(),
                        span: start,
                    }),
                    span: start,
                })
            }
            k if is_type_keyword(k) && k != "void" => {
                self.advance();
                Ok(Expr {
                    kind: ExprKind::Name(Ident {
                        name: k.to_owned(),
                        span: start,
                    }),
                    span: start,
                })
            }
            "throw" => Err(self.error_here(
                "throw expressions (`x ?? throw ...`) are not supported; use a `throw` statement in `@{ }`",
            )),
            k => Err(self.error_here(&format!(
                "the keyword `{k}` cannot start an expression (write `@{k}` to use it as a name)"
            ))),
        }
    }

    /// Parses the holes of an interpolated string.
    #[inline(never)]
    fn interpolation(&mut self, parts: &[RawPart]) -> PResult<Vec<InterpolationPart>> {
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            match part {
                RawPart::Text(t) => out.push(InterpolationPart::Text(t.clone())),
                RawPart::Hole {
                    value,
                    alignment,
                    format,
                } => {
                    self.enter()?;
                    let result = self.hole(value, alignment.as_deref(), format);
                    self.leave();
                    out.push(result?);
                }
            }
        }
        Ok(out)
    }

    fn hole(
        &self,
        value: &[super::lexer::Token],
        alignment: Option<&[super::lexer::Token]>,
        format: &Option<String>,
    ) -> PResult<InterpolationPart> {
        let mut sub = self.sub(value);
        let v = sub.expression()?;
        sub.expect_end("the interpolation hole's expression")?;
        let alignment = match alignment {
            Some(toks) => {
                let mut sub = self.sub(toks);
                let a = sub.expression()?;
                sub.expect_end("the interpolation hole's alignment")?;
                Some(a)
            }
            None => None,
        };
        Ok(InterpolationPart::Hole {
            value: v,
            alignment,
            format: format.clone(),
        })
    }

    /// `new` expressions (§12.8.17): objects, collections, arrays.
    #[inline(never)]
    fn new_expression(&mut self, start: Span) -> PResult<Expr> {
        self.advance(); // `new`
        if self.is_punct("[") {
            // new[] { ... }
            let open = self.advance().span;
            self.expect_close("]", "[", open)?;
            if !self.is_punct("{") {
                return Err(self.expected("`{` after `new[]`"));
            }
            let init = self.collection_initializer()?;
            return Ok(Expr {
                kind: ExprKind::New {
                    ty: None,
                    args: Vec::new(),
                    initializer: Some(init),
                },
                span: self.since(start),
            });
        }
        if self.is_punct("{") {
            return Err(self.error_here("anonymous types (`new { A = 1 }`) are not supported"));
        }
        let mut ty = self.type_without_ranks(Nullable::Always)?;
        let mut args = Vec::new();
        let mut initializer = None;
        if self.is_punct("[") {
            // Array creation: `new T[n, m][]` or `new T[] { ... }`.
            if self.is_punct_at(1, "]") || self.is_punct_at(1, ",") {
                self.rank_specifiers(&mut ty)?;
                if !self.is_punct("{") {
                    return Err(self.expected("`{` with the array's elements"));
                }
                initializer = Some(self.collection_initializer()?);
            } else {
                let open = self.advance().span;
                let mut rank: u8 = 0;
                loop {
                    let size = self.expression()?;
                    args.push(Argument {
                        name: None,
                        modifier: None,
                        value: size,
                    });
                    rank = rank.saturating_add(1);
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                self.expect_close("]", "[", open)?;
                ty.array_ranks.push(rank);
                self.rank_specifiers(&mut ty)?;
                if self.is_punct("{") {
                    initializer = Some(self.collection_initializer()?);
                }
            }
            ty.span = self.since(ty.span);
        } else if self.is_punct("(") {
            args = self.arguments()?;
            if self.is_punct("{") {
                initializer = Some(self.initializer()?);
            }
        } else if self.is_punct("{") {
            initializer = Some(self.initializer()?);
        } else {
            return Err(self.expected("`(`, `[` or `{` after the type in `new`"));
        }
        Ok(Expr {
            kind: ExprKind::New {
                ty: Some(ty),
                args,
                initializer,
            },
            span: self.since(start),
        })
    }

    /// `{ Name = v, ["k"] = v }` (object) or `{ a, { k, v } }` (collection)   (§12.8.17.3-4)
    fn initializer(&mut self) -> PResult<Initializer> {
        let object =
            (self.is_plain_ident_at(1) && self.is_punct_at(2, "=")) || self.is_punct_at(1, "[");
        if !object {
            return self.collection_initializer();
        }
        let open = self.expect_punct("{")?;
        self.enter()?;
        let result = self.object_members(open);
        self.leave();
        result
    }

    fn object_members(&mut self, open: Span) -> PResult<Initializer> {
        let mut members = Vec::new();
        while !self.is_punct("}") {
            let target = if self.is_punct("[") {
                MemberInitTarget::Index(self.index_arguments()?)
            } else {
                MemberInitTarget::Member(self.ident("a member name or `[index]`")?)
            };
            self.expect_punct("=")?;
            if self.is_punct("{") {
                return Err(self.error_here(
                    "nested object initialisers (`Member = { ... }`) are not supported; write `Member = new T { ... }`",
                ));
            }
            let value = self.expression()?;
            members.push(MemberInit { target, value });
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_close("}", "{", open)?;
        Ok(Initializer::Object(members))
    }

    /// `{ e, { e, e }, ... }` with an optional trailing comma.
    pub(super) fn collection_initializer(&mut self) -> PResult<Initializer> {
        let open = self.expect_punct("{")?;
        self.enter()?;
        let result = self.collection_elements(open);
        self.leave();
        result
    }

    #[inline(never)]
    fn collection_elements(&mut self, open: Span) -> PResult<Initializer> {
        let mut elements = Vec::new();
        while !self.is_punct("}") {
            if self.is_punct("{") {
                let inner_open = self.advance().span;
                let mut values = Vec::new();
                while !self.is_punct("}") {
                    values.push(*self.expr_box()?);
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                self.expect_close("}", "{", inner_open)?;
                elements.push(values);
            } else {
                elements.push(vec![*self.expr_box()?]);
            }
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_close("}", "{", open)?;
        Ok(Initializer::Collection(elements))
    }

    /// After a name: `< types >` if C#'s disambiguation rule says these are type arguments.
    #[inline(never)]
    fn try_generic_args(&mut self) -> PResult<Option<Vec<TypeRef>>> {
        if !self.is_punct("<") {
            return Ok(None);
        }
        let save = self.pos;
        let Some(args) = self.try_type_args()? else {
            self.pos = save;
            return Ok(None);
        };
        let follows = match &self.cur().tok {
            Tok::Punct(p) => matches!(
                *p,
                "(" | ")"
                    | "]"
                    | "}"
                    | ":"
                    | ";"
                    | ","
                    | "."
                    | "?"
                    | "?."
                    | "=="
                    | "!="
                    | "|"
                    | "^"
                    | "&&"
                    | "||"
                    | "&"
                    | "["
            ),
            Tok::Eof => true,
            _ => false,
        };
        if follows {
            Ok(Some(args))
        } else {
            self.pos = save;
            Ok(None)
        }
    }

    /// `< type {, type} >` speculatively: `None` (position unspecified) if it does not parse.
    fn try_type_args(&mut self) -> PResult<Option<Vec<TypeRef>>> {
        if !self.eat_punct("<") {
            return Ok(None);
        }
        let mut args = Vec::new();
        loop {
            match self.try_type(Nullable::Always)? {
                Some(t) => args.push(t),
                None => return Ok(None),
            }
            if !self.eat_punct(",") {
                break;
            }
        }
        if self.eat_punct(">") {
            Ok(Some(args))
        } else {
            Ok(None)
        }
    }

    /// A type, speculatively: on failure the position is restored and `None` returned. Only a
    /// depth-limit error escapes.
    pub(super) fn try_type(&mut self, nullable: Nullable) -> PResult<Option<TypeRef>> {
        let save = self.pos;
        match self.ty(nullable) {
            Ok(t) => Ok(Some(t)),
            Err(e) if self.too_deep => Err(e),
            Err(_) => {
                self.pos = save;
                Ok(None)
            }
        }
    }

    /// type = type-name [ "?" ] { rank-specifier }   (§8)
    pub(super) fn ty(&mut self, nullable: Nullable) -> PResult<TypeRef> {
        let mut t = self.type_without_ranks(nullable)?;
        if self.is_punct("[") && (self.is_punct_at(1, "]") || self.is_punct_at(1, ",")) {
            self.rank_specifiers(&mut t)?;
            t.span = self.since(t.span);
        }
        Ok(t)
    }

    /// `[]`, `[,]`, ... repeated.
    fn rank_specifiers(&mut self, t: &mut TypeRef) -> PResult<()> {
        while self.is_punct("[") && (self.is_punct_at(1, "]") || self.is_punct_at(1, ",")) {
            let open = self.advance().span;
            let mut rank: u8 = 1;
            while self.eat_punct(",") {
                rank = rank.saturating_add(1);
            }
            self.expect_close("]", "[", open)?;
            t.array_ranks.push(rank);
        }
        Ok(())
    }

    /// A type name with type arguments and `?`, no array ranks.
    fn type_without_ranks(&mut self, nullable: Nullable) -> PResult<TypeRef> {
        self.enter()?;
        let result = self.type_name(nullable);
        self.leave();
        result
    }

    fn type_name(&mut self, nullable: Nullable) -> PResult<TypeRef> {
        let start = self.cur().span;
        let mut path = Vec::new();
        let mut type_args = Vec::new();
        match &self.cur().tok {
            Tok::Ident {
                name,
                verbatim: false,
            } if is_type_keyword(name) => {
                path.push(Ident {
                    name: name.clone(),
                    span: start,
                });
                self.advance();
            }
            _ => {
                path.push(self.ident("a type")?);
                loop {
                    if self.is_punct("<") {
                        let open = self.cur().span;
                        self.advance();
                        loop {
                            type_args.push(self.ty(Nullable::Always)?);
                            if !self.eat_punct(",") {
                                break;
                            }
                        }
                        self.expect_close(">", "<", open)?;
                        break;
                    }
                    if self.is_punct(".") && self.is_plain_ident_at(1) {
                        self.advance();
                        path.push(self.ident("a type name")?);
                    } else {
                        break;
                    }
                }
            }
        }
        let mut is_nullable = false;
        if self.is_punct("?") {
            let take = match nullable {
                Nullable::Always => true,
                Nullable::UnlessExpressionFollows => !self.starts_expression_at(1),
            };
            if take {
                self.advance();
                is_nullable = true;
            }
        }
        Ok(TypeRef {
            path,
            type_args,
            nullable: is_nullable,
            array_ranks: Vec::new(),
            span: self.since(start),
        })
    }

    /// Could the token at `n` begin an expression?
    fn starts_expression_at(&self, n: usize) -> bool {
        match &self.peek_at(n).tok {
            Tok::Lit(_) | Tok::Interp(_) => true,
            Tok::Ident { name, verbatim } => *verbatim || !matches!(name.as_str(), "is" | "as"),
            Tok::Punct(p) => matches!(*p, "(" | "!" | "~" | "-" | "+" | "++" | "--"),
            Tok::Eof | Tok::Error(_) => false,
        }
    }
}

/// Pops two operands and pushes `left op right`.
#[allow(clippy::vec_box)] // the boxes become the tree's children as they are
fn reduce(operands: &mut Vec<Box<Expr>>, op: BinaryOp) -> PResult<()> {
    let (Some(right), Some(left)) = (operands.pop(), operands.pop()) else {
        return Err(ParseError {
            message: "internal: operand stack underflow".to_owned(),
            span: Span::default(),
        });
    };
    let span = left.span.to(right.span);
    operands.push(boxed(Expr {
        kind: ExprKind::Binary { op, left, right },
        span,
    }));
    Ok(())
}
