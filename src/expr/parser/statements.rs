//! Statements of `@{ ... }` blocks and block-bodied lambdas (C# spec §13 "Statements").
//!
//! A statement that starts with a type followed by a name is a declaration (or, with `(` after
//! the name, a local function); anything else is an expression statement. The parser tries the
//! type first and falls back, as the C# specification's §13.6.2 reading of `T x` does.

use super::expressions::Nullable;
use super::lexer::Tok;
use super::{ParseError, Parser};
use crate::diagnostic::Span;
use crate::expr::ast::{
    Block, CatchClause, Declarator, LambdaBody, Stmt, StmtKind, SwitchLabel, SwitchSection, TypeRef,
};

type PResult<T> = Result<T, ParseError>;

impl Parser<'_> {
    /// `{ statement* }`
    pub(super) fn block(&mut self) -> PResult<Block> {
        let open = self.expect_punct("{")?;
        let mut statements = Vec::new();
        while !self.is_punct("}") {
            if self.at_eof() {
                return Err(self.unclosed_brace(open));
            }
            statements.push(*self.statement_box()?);
        }
        self.advance();
        Ok(Block {
            statements,
            span: self.since(open),
        })
    }

    fn unclosed_brace(&self, open: Span) -> ParseError {
        let at = self.where_is(open.start);
        self.error_here(&format!(
            "expected `}}` to close the `{{` opened at {at}, found the end of the text"
        ))
    }

    /// One statement; nesting counts against the depth limit.
    pub(super) fn statement(&mut self) -> PResult<Stmt> {
        self.statement_box().map(|s| *s)
    }

    /// [`Self::statement`], boxed so that the recursive path keeps small stack frames.
    fn statement_box(&mut self) -> PResult<Box<Stmt>> {
        self.enter()?;
        let result = self.statement_inner();
        self.leave();
        result
    }

    fn stmt(&self, kind: StmtKind, start: Span) -> Box<Stmt> {
        Box::new(Stmt {
            kind,
            span: self.since(start),
        })
    }

    #[inline(never)]
    fn statement_inner(&mut self) -> PResult<Box<Stmt>> {
        let start = self.cur().span;
        if self.is_punct("{") {
            let block = self.block()?;
            return Ok(self.stmt(StmtKind::Block(block), start));
        }
        if self.eat_punct(";") {
            return Ok(self.stmt(StmtKind::Empty, start));
        }
        let keyword = match &self.cur().tok {
            Tok::Ident {
                name,
                verbatim: false,
            } => Some(name.as_str()),
            _ => None,
        };
        match keyword {
            Some("if") => self.if_statement(start),
            Some("for") => self.for_statement(start),
            Some("foreach") => self.foreach_statement(start),
            Some("switch") => self.switch_statement(start),
            Some("try") => self.try_statement(start),
            Some("while") => self.while_statement(start),
            Some("do") => self.do_statement(start),
            _ => self.simple_statement(keyword, start),
        }
    }

    #[inline(never)]
    fn while_statement(&mut self, start: Span) -> PResult<Box<Stmt>> {
        self.advance();
        let condition = self.parenthesized_condition()?;
        let body = self.statement_box()?;
        Ok(self.stmt(StmtKind::While { condition, body }, start))
    }

    #[inline(never)]
    fn do_statement(&mut self, start: Span) -> PResult<Box<Stmt>> {
        self.advance();
        let body = self.statement_box()?;
        if !self.eat_kw("while") {
            return Err(self.expected("`while` after the body of `do`"));
        }
        let condition = self.parenthesized_condition()?;
        self.expect_semicolon()?;
        Ok(self.stmt(StmtKind::DoWhile { body, condition }, start))
    }

    /// Statements that nest no statement of their own: jumps, declarations, expressions.
    #[inline(never)]
    fn simple_statement(&mut self, keyword: Option<&str>, start: Span) -> PResult<Box<Stmt>> {
        match keyword {
            Some("break") => {
                self.advance();
                self.expect_semicolon()?;
                return Ok(self.stmt(StmtKind::Break, start));
            }
            Some("continue") => {
                self.advance();
                self.expect_semicolon()?;
                return Ok(self.stmt(StmtKind::Continue, start));
            }
            Some("return") => {
                self.advance();
                let value = if self.is_punct(";") {
                    None
                } else {
                    Some(self.expression()?)
                };
                self.expect_semicolon()?;
                return Ok(self.stmt(StmtKind::Return(value), start));
            }
            Some("throw") => {
                self.advance();
                let value = if self.is_punct(";") {
                    None
                } else {
                    Some(self.expression()?)
                };
                self.expect_semicolon()?;
                return Ok(self.stmt(StmtKind::Throw(value), start));
            }
            Some(k @ ("else" | "case" | "catch" | "finally")) => {
                return Err(
                    self.error_here(&format!("`{k}` without a matching statement before it"))
                );
            }
            Some("const") => {
                let kind = self.const_declaration()?;
                return Ok(self.stmt(kind, start));
            }
            _ => {}
        }
        if let Some(kind) = self.try_declaration()? {
            if let StmtKind::Declaration { .. } = kind {
                self.expect_semicolon()?;
            }
            return Ok(self.stmt(kind, start));
        }
        let e = self.expression()?;
        self.expect_semicolon()?;
        Ok(self.stmt(StmtKind::Expr(e), start))
    }

    fn expect_semicolon(&mut self) -> PResult<()> {
        if self.eat_punct(";") {
            Ok(())
        } else {
            Err(self.expected("`;`"))
        }
    }

    /// `( expression )`
    fn parenthesized_condition(&mut self) -> PResult<crate::expr::ast::Expr> {
        let open = self.expect_punct("(")?;
        let e = self.expression()?;
        self.expect_close(")", "(", open)?;
        Ok(e)
    }

    /// `const T name = constant;`: a local that is never assigned again. Out of line, so the
    /// recursive `statement` frame stays small (deep nesting runs on small stacks).
    #[inline(never)]
    fn const_declaration(&mut self) -> PResult<StmtKind> {
        self.advance();
        if self.is_kw("var") {
            return Err(self.error_here(
                "The contextual keyword 'var' cannot be used in a constant variable declaration",
            ));
        }
        match self.try_declaration()? {
            Some(kind @ StmtKind::Declaration { .. }) => {
                if let StmtKind::Declaration { declarators, .. } = &kind
                    && let Some(d) = declarators.iter().find(|d| d.init.is_none())
                {
                    return Err(crate::expr::parser::ParseError {
                        message: "A const field requires a value to be provided".to_owned(),
                        span: d.name.span,
                    });
                }
                self.expect_semicolon()?;
                Ok(kind)
            }
            _ => Err(self.expected("a type and a name after `const`")),
        }
    }

    /// A local declaration (without its `;`) or a local function, if one starts here.
    fn try_declaration(&mut self) -> PResult<Option<StmtKind>> {
        let save = self.pos;
        let ty: Option<TypeRef> = if self.is_kw("var") && self.is_plain_ident_at(1) {
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
        if let Some(return_type) = &ty
            && self.is_punct_at(1, "(")
        {
            return self.local_function(return_type.clone()).map(Some);
        }
        let mut declarators = Vec::new();
        loop {
            let name = self.ident("a variable name")?;
            let init = if self.eat_punct("=") {
                if self.is_punct("{") {
                    // §17.7: `T[] a = { ... }` is `new T[] { ... }`.
                    let Some(array) = ty.as_ref().filter(|t| !t.array_ranks.is_empty()) else {
                        return Err(self.error_here(
                            "Can only use array initializer expressions to assign to array types. Try using a new expression instead.",
                        ));
                    };
                    let open = self.cur().span;
                    let initializer = self.collection_initializer()?;
                    Some(crate::expr::ast::Expr {
                        kind: crate::expr::ast::ExprKind::New {
                            ty: Some(array.clone()),
                            args: Vec::new(),
                            initializer: Some(initializer),
                        },
                        span: self.since(open),
                    })
                } else {
                    Some(self.expression()?)
                }
            } else {
                None
            };
            declarators.push(Declarator { name, init });
            if !self.eat_punct(",") {
                break;
            }
        }
        Ok(Some(StmtKind::Declaration { ty, declarators }))
    }

    /// `T Name(T a, ...) { ... }` or `=> expr;`   (§13.6.4)
    ///
    /// A local function counts one extra nesting level: its path through the parser
    /// (statement → declaration → function → block) takes about twice the stack of other
    /// statements, and nested local functions must stay within a 256 KiB thread stack at the
    /// default depth limit (tests/limits.rs).
    #[inline(never)]
    fn local_function(&mut self, return_type: TypeRef) -> PResult<StmtKind> {
        self.enter()?;
        let result = self.local_function_inner(return_type);
        self.leave();
        result
    }

    fn local_function_inner(&mut self, return_type: TypeRef) -> PResult<StmtKind> {
        let name = self.ident("a function name")?;
        let open = self.expect_punct("(")?;
        let params = self.parameter_list(true, open)?;
        let body = if self.is_punct("{") {
            LambdaBody::Block(self.block()?)
        } else if self.eat_punct("=>") {
            let e = self.expression()?;
            self.expect_semicolon()?;
            LambdaBody::Expr(Box::new(e))
        } else {
            return Err(self.expected("`{` or `=>` for the body of the local function"));
        };
        Ok(StmtKind::LocalFunction {
            return_type,
            name,
            params,
            body,
        })
    }

    #[inline(never)]
    fn if_statement(&mut self, start: Span) -> PResult<Box<Stmt>> {
        self.advance();
        let condition = self.parenthesized_condition()?;
        let then_branch = self.statement_box()?;
        let else_branch = if self.eat_kw("else") {
            Some(self.statement_box()?)
        } else {
            None
        };
        Ok(self.stmt(
            StmtKind::If {
                condition,
                then_branch,
                else_branch,
            },
            start,
        ))
    }

    /// `for ( [init] ; [condition] ; [step] ) statement`   (§13.9.4)
    #[inline(never)]
    fn for_statement(&mut self, start: Span) -> PResult<Box<Stmt>> {
        self.advance();
        let open = self.expect_punct("(")?;
        let mut init = Vec::new();
        if !self.is_punct(";") {
            let init_start = self.cur().span;
            if let Some(kind) = self.try_declaration()? {
                init.push(*self.stmt(kind, init_start));
            } else {
                loop {
                    let e_start = self.cur().span;
                    let e = self.expression()?;
                    init.push(*self.stmt(StmtKind::Expr(e), e_start));
                    if !self.eat_punct(",") {
                        break;
                    }
                }
            }
        }
        self.expect_semicolon()?;
        let condition = if self.is_punct(";") {
            None
        } else {
            Some(self.expression()?)
        };
        self.expect_semicolon()?;
        let mut step = Vec::new();
        if !self.is_punct(")") {
            loop {
                step.push(self.expression()?);
                if !self.eat_punct(",") {
                    break;
                }
            }
        }
        self.expect_close(")", "(", open)?;
        let body = self.statement_box()?;
        Ok(self.stmt(
            StmtKind::For {
                init,
                condition,
                step,
                body,
            },
            start,
        ))
    }

    /// `foreach ( (var | T) name in expression ) statement`   (§13.9.5)
    #[inline(never)]
    fn foreach_statement(&mut self, start: Span) -> PResult<Box<Stmt>> {
        self.advance();
        let open = self.expect_punct("(")?;
        let ty = if self.is_kw("var") && self.is_plain_ident_at(1) {
            self.advance();
            None
        } else {
            Some(self.ty(Nullable::Always)?)
        };
        let name = self.ident("the loop variable's name")?;
        if !self.eat_kw("in") {
            return Err(self.expected("`in`"));
        }
        let collection = self.expression()?;
        self.expect_close(")", "(", open)?;
        let body = self.statement_box()?;
        Ok(self.stmt(
            StmtKind::ForEach {
                ty,
                name,
                collection,
                body,
            },
            start,
        ))
    }

    /// `switch ( e ) { sections }`   (§13.8.3)
    #[inline(never)]
    fn switch_statement(&mut self, start: Span) -> PResult<Box<Stmt>> {
        self.advance();
        let value = self.parenthesized_condition()?;
        let open = self.expect_punct("{")?;
        let mut sections = Vec::new();
        while !self.is_punct("}") {
            if self.at_eof() {
                return Err(self.unclosed_brace(open));
            }
            let mut labels = Vec::new();
            loop {
                if self.eat_kw("case") {
                    labels.push(self.case_label()?);
                } else if self.is_kw("default") && self.is_punct_at(1, ":") {
                    self.advance();
                    self.advance();
                    labels.push(SwitchLabel::Default);
                } else {
                    break;
                }
            }
            if labels.is_empty() {
                return Err(self.expected("`case` or `default:`"));
            }
            let mut statements = Vec::new();
            while !(self.is_punct("}")
                || self.is_kw("case")
                || (self.is_kw("default") && self.is_punct_at(1, ":")))
            {
                if self.at_eof() {
                    return Err(self.unclosed_brace(open));
                }
                statements.push(*self.statement_box()?);
            }
            sections.push(SwitchSection { labels, statements });
        }
        self.advance();
        Ok(self.stmt(StmtKind::Switch { value, sections }, start))
    }

    /// After `case`: a type pattern `T name [when guard]:` or a constant `expr:`.
    fn case_label(&mut self) -> PResult<SwitchLabel> {
        let save = self.pos;
        if let Some(ty) = self.try_type(Nullable::Always)?
            && self.is_plain_ident_at(0)
            && (self.is_punct_at(1, ":") || self.is_kw_at(1, "when"))
        {
            {
                let name = self.ident("a name")?;
                let name = if name.name == "_" { None } else { Some(name) };
                let guard = if self.eat_kw("when") {
                    Some(self.expression()?)
                } else {
                    None
                };
                self.expect_punct(":")?;
                return Ok(SwitchLabel::Pattern { ty, name, guard });
            }
        }
        self.pos = save;
        let e = self.expression()?;
        if self.is_kw("when") {
            return Err(self.error_here(
                "`when` is supported only after a type pattern (`case T name when ...:`)",
            ));
        }
        if !self.eat_punct(":") {
            return Err(self.expected("`:` after the `case` value"));
        }
        Ok(SwitchLabel::Case(e))
    }

    /// `try block { catch } [ finally block ]`   (§13.11)
    #[inline(never)]
    fn try_statement(&mut self, start: Span) -> PResult<Box<Stmt>> {
        self.advance();
        let body = self.block()?;
        let mut catches = Vec::new();
        while self.is_kw("catch") {
            self.advance();
            let mut ty = None;
            let mut name = None;
            if self.is_punct("(") {
                let open = self.advance().span;
                ty = Some(self.ty(Nullable::Always)?);
                if self.is_plain_ident_at(0) {
                    name = Some(self.ident("a name")?);
                }
                self.expect_close(")", "(", open)?;
            }
            let filter = if self.eat_kw("when") {
                Some(self.parenthesized_condition()?)
            } else {
                None
            };
            let body = self.block()?;
            catches.push(CatchClause {
                ty,
                name,
                filter,
                body,
            });
        }
        let finally = if self.eat_kw("finally") {
            Some(self.block()?)
        } else {
            None
        };
        if catches.is_empty() && finally.is_none() {
            return Err(self.expected("`catch` or `finally` after the `try` block"));
        }
        Ok(self.stmt(
            StmtKind::Try {
                body,
                catches,
                finally,
            },
            start,
        ))
    }
}
