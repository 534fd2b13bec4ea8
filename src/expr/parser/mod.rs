//! The parser of policy expressions: the text inside `@( ... )` and `@{ ... }` to [`ast`] trees.
//!
//! Design: a tokenizer built on nom 8 combinators over `&str` ([`lexer`]) produces tokens with
//! byte spans; a hand-written recursive-descent parser over that token list ([`expressions`],
//! [`statements`]) builds the tree. C# needs unbounded look-ahead to tell a cast from a
//! parenthesised expression, a lambda from a parenthesised list, `a < b` from generic arguments,
//! and a declaration from an expression statement; over tokens that is a cheap save-and-restore
//! of one index. The grammar is written down in `grammar/expression.ebnf`.
//!
//! Binary operators use an explicit operator stack (no recursion per precedence level), and
//! every construct that nests (parentheses, prefix operators, lambdas, holes, statements, generic
//! arguments) counts against [`ParseLimits::max_depth`], so hostile input gets a [`ParseError`],
//! never a stack overflow. Nothing here panics.

mod expressions;
mod lexer;
mod numbers;
mod statements;

use crate::diagnostic::{LineIndex, Span};
use crate::expr::ast;
use lexer::{Tok, Token};

/// Limits that protect the parser from hostile input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseLimits {
    /// Longest expression text accepted, in bytes (default 64 KiB).
    pub max_length: usize,
    /// Deepest nesting accepted: parentheses, prefix operators, lambdas, statements, generic
    /// arguments, interpolation holes (default 128).
    pub max_depth: u32,
}

impl Default for ParseLimits {
    fn default() -> Self {
        Self {
            max_length: 64 * 1024,
            max_depth: 128,
        }
    }
}

/// A syntax error in an expression, with the span (byte offsets into the parsed text) it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// What is wrong, in words a policy author understands.
    pub message: String,
    /// Where: byte offsets into the text handed to the parser.
    pub span: Span,
}

/// Parses the text inside `@( ... )`: one C# expression. The whole text must be consumed;
/// surrounding whitespace and comments are fine.
pub fn parse_expression(text: &str, limits: &ParseLimits) -> Result<ast::Expr, ParseError> {
    check_length(text, limits)?;
    let tokens = lexer::tokenize(text, limits.max_depth);
    let mut parser = Parser::new(text, &tokens, limits.max_depth);
    let expr = parser.expression()?;
    parser.expect_end("the expression")?;
    Ok(expr)
}

/// Parses the text inside `@{ ... }`: a list of C# statements.
pub fn parse_block(text: &str, limits: &ParseLimits) -> Result<ast::Block, ParseError> {
    check_length(text, limits)?;
    let tokens = lexer::tokenize(text, limits.max_depth);
    let mut parser = Parser::new(text, &tokens, limits.max_depth);
    let mut statements = Vec::new();
    while !parser.at_eof() {
        if parser.is_punct("}") {
            return Err(parser.error_here("unexpected `}`: there is no `{` for it to close"));
        }
        statements.push(parser.statement()?);
    }
    if let Tok::Error(e) = &parser.cur().tok {
        return Err((**e).clone());
    }
    Ok(ast::Block {
        statements,
        span: span(0, text.len()),
    })
}

fn check_length(text: &str, limits: &ParseLimits) -> Result<(), ParseError> {
    if text.len() > limits.max_length {
        return Err(ParseError {
            message: format!(
                "the expression is {} bytes long; the limit is {} bytes",
                text.len(),
                limits.max_length
            ),
            span: span(limits.max_length, text.len()),
        });
    }
    Ok(())
}

/// A span from `usize` offsets (saturating at `u32::MAX`).
pub(super) fn span(start: usize, end: usize) -> Span {
    Span::new(
        u32::try_from(start).unwrap_or(u32::MAX),
        u32::try_from(end).unwrap_or(u32::MAX),
    )
}

/// C# reserved keywords (C# spec §6.4.4), sorted (searched with [`is_keyword`]). Contextual
/// keywords (`var`, `when`, `nameof`, ...) are identifiers.
const KEYWORDS: &[&str] = &[
    "abstract",
    "as",
    "base",
    "bool",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "checked",
    "class",
    "const",
    "continue",
    "decimal",
    "default",
    "delegate",
    "do",
    "double",
    "else",
    "enum",
    "event",
    "explicit",
    "extern",
    "false",
    "finally",
    "fixed",
    "float",
    "for",
    "foreach",
    "goto",
    "if",
    "implicit",
    "in",
    "int",
    "interface",
    "internal",
    "is",
    "lock",
    "long",
    "namespace",
    "new",
    "null",
    "object",
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
    "sbyte",
    "sealed",
    "short",
    "sizeof",
    "stackalloc",
    "static",
    "string",
    "struct",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "uint",
    "ulong",
    "unchecked",
    "unsafe",
    "ushort",
    "using",
    "virtual",
    "void",
    "volatile",
    "while",
];

/// Keywords that name types (C# spec §8.2.1 predefined types), plus `void`; sorted (searched
/// with [`is_type_keyword`]).
const TYPE_KEYWORDS: &[&str] = &[
    "bool", "byte", "char", "decimal", "double", "float", "int", "long", "object", "sbyte",
    "short", "string", "uint", "ulong", "ushort", "void",
];

/// Whether `name` is a reserved keyword (a binary search: this runs for every identifier).
pub(super) fn is_keyword(name: &str) -> bool {
    KEYWORDS.binary_search(&name).is_ok()
}

/// Whether `name` is a keyword that names a type.
pub(super) fn is_type_keyword(name: &str) -> bool {
    TYPE_KEYWORDS.binary_search(&name).is_ok()
}

/// The parser state: a token list and a position in it.
pub(super) struct Parser<'a> {
    text: &'a str,
    toks: &'a [Token],
    pos: usize,
    depth: u32,
    max_depth: u32,
    /// Set once the depth limit is hit: speculative parses must not swallow that error.
    too_deep: bool,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, toks: &'a [Token], max_depth: u32) -> Self {
        Self {
            text,
            toks,
            pos: 0,
            depth: 0,
            max_depth,
            too_deep: false,
        }
    }

    /// A parser over the tokens of an interpolation hole, at the current depth.
    fn sub(&self, toks: &'a [Token]) -> Parser<'a> {
        Parser {
            text: self.text,
            toks,
            pos: 0,
            depth: self.depth,
            max_depth: self.max_depth,
            too_deep: false,
        }
    }

    fn cur(&self) -> &'a Token {
        const EOF: Token = Token {
            tok: Tok::Eof,
            span: Span::new(0, 0),
        };
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .unwrap_or(&EOF)
    }

    fn peek_at(&self, n: usize) -> &'a Token {
        let i = self.pos.saturating_add(n);
        self.toks
            .get(i)
            .or_else(|| self.toks.last())
            .unwrap_or_else(|| self.cur())
    }

    fn advance(&mut self) -> &'a Token {
        let t = self.cur();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn at_eof(&self) -> bool {
        matches!(self.cur().tok, Tok::Eof | Tok::Error(_))
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.cur().tok, Tok::Punct(q) if q == p)
    }

    fn is_punct_at(&self, n: usize, p: &str) -> bool {
        matches!(self.peek_at(n).tok, Tok::Punct(q) if q == p)
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.advance();
            true
        } else {
            false
        }
    }

    /// Is the token at `n` the keyword `kw` (not a verbatim `@kw`)?
    fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        matches!(&self.peek_at(n).tok, Tok::Ident { name, verbatim: false } if name == kw)
    }

    fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    /// An identifier that is not a reserved keyword (contextual keywords are fine).
    fn is_plain_ident_at(&self, n: usize) -> bool {
        match &self.peek_at(n).tok {
            Tok::Ident { name, verbatim } => *verbatim || !is_keyword(name),
            _ => false,
        }
    }

    /// Two tokens touch (nothing between them): `>` `>` is `>>` only then.
    fn adjacent(&self, n: usize) -> bool {
        self.peek_at(n).span.end == self.peek_at(n + 1).span.start
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth = self.depth.saturating_add(1);
        if self.depth > self.max_depth {
            self.too_deep = true;
            return Err(self.error_here(&format!(
                "the expression nests too deeply (more than {} levels)",
                self.max_depth
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The source text of a token, shortened for messages.
    fn describe(&self, t: &Token) -> String {
        match &t.tok {
            Tok::Eof => "the end of the text".to_owned(),
            _ => {
                let text = self
                    .text
                    .get(t.span.start as usize..t.span.end as usize)
                    .unwrap_or("");
                let short: String = text.chars().take(24).collect();
                if short.len() < text.len() {
                    format!("`{short}...`")
                } else {
                    format!("`{short}`")
                }
            }
        }
    }

    /// Where offset `at` is, for messages: "column 7" or "line 2, column 3" of the expression.
    fn where_is(&self, at: u32) -> String {
        let index = LineIndex::new(self.text);
        let p = index.position(self.text, at as usize);
        if self.text.contains('\n') {
            format!("line {}, column {}", p.line, p.column)
        } else {
            format!("column {}", p.column)
        }
    }

    /// An error at the current token (or the lexical error there, if tokenizing stopped here).
    fn error_here(&self, message: &str) -> ParseError {
        let t = self.cur();
        if let Tok::Error(e) = &t.tok {
            return (**e).clone();
        }
        ParseError {
            message: message.to_owned(),
            span: t.span,
        }
    }

    /// "expected X, found Y" at the current token.
    fn expected(&self, what: &str) -> ParseError {
        let found = self.describe(self.cur());
        self.error_here(&format!("expected {what}, found {found}"))
    }

    fn expect_punct(&mut self, p: &str) -> Result<Span, ParseError> {
        if self.is_punct(p) {
            Ok(self.advance().span)
        } else {
            Err(self.expected(&format!("`{p}`")))
        }
    }

    /// Expects the closing bracket `close` of the `open` at `open_span`.
    fn expect_close(
        &mut self,
        close: &str,
        open: &str,
        open_span: Span,
    ) -> Result<Span, ParseError> {
        if self.is_punct(close) {
            return Ok(self.advance().span);
        }
        Err(self.unclosed(close, open, open_span))
    }

    #[cold]
    #[inline(never)]
    fn unclosed(&self, close: &str, open: &str, open_span: Span) -> ParseError {
        let found = self.describe(self.cur());
        let at = self.where_is(open_span.start);
        self.error_here(&format!(
            "expected `{close}` to close the `{open}` opened at {at}, found {found}"
        ))
    }

    /// The whole input must be used up: anything left is "unexpected ... after the end".
    fn expect_end(&mut self, what: &str) -> Result<(), ParseError> {
        let t = self.cur();
        match &t.tok {
            Tok::Eof => Ok(()),
            Tok::Error(e) => {
                let first = self
                    .text
                    .get(t.span.start as usize..)
                    .and_then(|s| s.chars().next());
                match first {
                    Some(c @ ('"' | '\'' | '@' | '$')) => Err(ParseError {
                        message: format!("unexpected `{c}` after the end of {what}"),
                        span: t.span,
                    }),
                    _ => Err((**e).clone()),
                }
            }
            Tok::Punct(p @ (")" | "]" | "}")) => {
                let open = match *p {
                    ")" => "(",
                    "]" => "[",
                    _ => "{",
                };
                Err(ParseError {
                    message: format!(
                        "unexpected `{p}` after the end of {what}: there is no `{open}` for it to close"
                    ),
                    span: t.span,
                })
            }
            _ => Err(ParseError {
                message: format!("unexpected {} after the end of {what}", self.describe(t)),
                span: t.span,
            }),
        }
    }

    /// An identifier (not a keyword) as an [`ast::Ident`].
    fn ident(&mut self, what: &str) -> Result<ast::Ident, ParseError> {
        if self.is_plain_ident_at(0) {
            let t = self.advance();
            if let Tok::Ident { name, .. } = &t.tok {
                return Ok(ast::Ident {
                    name: name.clone(),
                    span: t.span,
                });
            }
        }
        if let Tok::Ident {
            name,
            verbatim: false,
        } = &self.cur().tok
        {
            return Err(self.error_here(&format!(
                "expected {what}, found the keyword `{name}` (write `@{name}` to use it as a name)"
            )));
        }
        Err(self.expected(what))
    }

    /// The span from `start` to the end of the previous token.
    fn since(&self, start: Span) -> Span {
        let prev = self
            .pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(start.end, |t| t.span.end);
        Span::new(start.start, prev.max(start.start))
    }
}

#[cfg(test)]
mod tests {
    use super::{KEYWORDS, TYPE_KEYWORDS};

    #[test]
    fn keyword_tables_are_sorted_for_binary_search() {
        assert!(KEYWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(TYPE_KEYWORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
