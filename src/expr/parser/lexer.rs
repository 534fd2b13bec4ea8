//! The tokenizer of policy expressions: C# 7 tokens (C# spec §6.4 "Tokens") with byte spans.
//!
//! Built from nom 8 combinators over `&str` for the regular parts (trivia, identifiers, number
//! shapes) and small hand-written loops for string and character literals, whose escapes and
//! error positions need finer control. Interpolated strings are tokenized recursively: each hole
//! holds its own token list, so the parser can parse it like any expression.
//!
//! A lexical error does not abort tokenizing at once: the lexer stops and leaves a
//! [`Tok::Error`] token, and the parser reports it only when it reaches it. This is what lets
//! `f(x))"` say "unexpected `\"` after the end of the expression" instead of "unterminated
//! string literal".

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::satisfy;
use nom::combinator::{opt, recognize};

use super::{ParseError, span};
use crate::expr::ast::Literal;

/// One token with its span.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    /// What it is.
    pub tok: Tok,
    /// Byte offsets into the expression text.
    pub span: crate::diagnostic::Span,
}

/// The kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// An identifier or keyword (`verbatim` when written `@name`, which is never a keyword).
    Ident {
        /// The name without `@`.
        name: String,
        /// Written with a leading `@`.
        verbatim: bool,
    },
    /// A literal (numbers, characters, strings; `true`/`false`/`null` are identifiers here).
    Lit(Literal),
    /// `$"..."`.
    Interp(Vec<RawPart>),
    /// An operator or punctuator. `>` is always alone: the parser joins `>` `>` and `>` `=`.
    Punct(&'static str),
    /// The end of the text (or of an interpolation hole).
    Eof,
    /// Tokenizing stopped here with this error.
    Error(Box<ParseError>),
}

/// A piece of an interpolated string before parsing.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum RawPart {
    /// Literal text, escapes resolved.
    Text(String),
    /// A hole: the tokens of the value, of the alignment, and the format as written.
    Hole {
        /// Tokens of the value (ending in `Eof`).
        value: Vec<Token>,
        /// Tokens of the alignment (ending in `Eof`).
        alignment: Option<Vec<Token>>,
        /// The format text.
        format: Option<String>,
    },
}

/// Punctuators, longest first so that a prefix never wins over a longer one.
const PUNCTS: &[&str] = &[
    "<<=", "??=", "?.", "??", "=>", "==", "!=", "<=", "&&", "||", "++", "--", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "<<", "::", "{", "}", "[", "]", "(", ")", ".", ",", ":", ";",
    "+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "=", "<", ">", "?",
];

type NomResult<'a, O> = IResult<&'a str, O, nom::error::Error<&'a str>>;

/// Whitespace and comments (C# spec §6.3.3, §6.3.4). `Err` carries the start of an unterminated
/// `/*` comment.
fn trivia(mut input: &str) -> Result<&str, &str> {
    loop {
        let ws: NomResult<'_, &str> = take_while(|c: char| c.is_whitespace()).parse(input);
        if let Ok((rest, _)) = ws {
            input = rest;
        }
        let line: NomResult<'_, &str> =
            recognize((tag("//"), take_while(|c: char| !is_newline(c)))).parse(input);
        if let Ok((rest, _)) = line {
            input = rest;
            continue;
        }
        if let Some(body) = input.strip_prefix("/*") {
            match body.find("*/") {
                Some(end) => {
                    input = body.get(end + 2..).unwrap_or("");
                    continue;
                }
                None => return Err(input),
            }
        }
        return Ok(input);
    }
}

fn is_newline(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_part(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// `[@]identifier` (C# spec §6.4.3).
fn identifier(input: &str) -> NomResult<'_, (bool, &str)> {
    (
        opt(tag("@")).map(|a| a.is_some()),
        recognize((satisfy(is_ident_start), take_while(is_ident_part))),
    )
        .parse(input)
}

/// The shape of a numeric literal: digits, `_`, letters (hex digits and suffixes), a `.`
/// followed by a digit, and a sign right after an exponent `e`.
fn number_shape(input: &str) -> NomResult<'_, &str> {
    let start: NomResult<'_, &str> = recognize(satisfy(|c| c.is_ascii_digit())).parse(input);
    let start = match start {
        Ok(ok) => Ok(ok),
        Err(_) => recognize((tag("."), satisfy(|c| c.is_ascii_digit()))).parse(input),
    };
    let (mut rest, _) = start?;
    let hex = input.starts_with("0x") || input.starts_with("0X");
    loop {
        let body: NomResult<'_, &str> =
            take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_').parse(rest);
        if let Ok((r, word)) = body {
            rest = r;
            if !hex && (word.ends_with('e') || word.ends_with('E')) {
                let sign: NomResult<'_, &str> = recognize((
                    satisfy(|c| c == '+' || c == '-'),
                    satisfy(|c| c.is_ascii_digit()),
                ))
                .parse(rest);
                if let Ok((r, _)) = sign {
                    rest = r;
                    continue;
                }
            }
            continue;
        }
        let dot: NomResult<'_, &str> =
            recognize((tag("."), satisfy(|c| c.is_ascii_digit()))).parse(rest);
        match dot {
            Ok((r, _))
                if !hex
                    && !input
                        .get(..input.len() - rest.len())
                        .is_some_and(|seen| seen.contains('.')) =>
            {
                rest = r
            }
            _ => break,
        }
    }
    let len = input.len() - rest.len();
    Ok((rest, input.get(..len).unwrap_or("")))
}

/// Tokenizes `text` (the whole expression). The list ends with `Eof` or `Error`.
pub(super) fn tokenize(text: &str, max_depth: u32) -> Vec<Token> {
    let mut lexer = Lexer {
        text,
        pos: 0,
        depth: 0,
        max_depth,
    };
    let mut out = Vec::new();
    loop {
        match lexer.next_token() {
            Ok(tok) => {
                let eof = tok.tok == Tok::Eof;
                out.push(tok);
                if eof {
                    return out;
                }
            }
            Err(error) => {
                out.push(lexer.error_token(error));
                return out;
            }
        }
    }
}

struct Lexer<'t> {
    text: &'t str,
    pos: usize,
    depth: u32,
    max_depth: u32,
}

/// A lexical error and where the token that failed began.
struct LexError {
    error: ParseError,
    token_start: usize,
}

impl<'t> Lexer<'t> {
    fn rest(&self) -> &'t str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn error_token(&self, e: LexError) -> Token {
        let end = e.token_start.saturating_add(
            self.text
                .get(e.token_start..)
                .and_then(|s| s.chars().next())
                .map_or(0, char::len_utf8),
        );
        Token {
            tok: Tok::Error(Box::new(e.error)),
            span: span(e.token_start, end),
        }
    }

    fn fail(
        &self,
        token_start: usize,
        at: usize,
        end: usize,
        message: impl Into<String>,
    ) -> LexError {
        LexError {
            error: ParseError {
                message: message.into(),
                span: span(at, end),
            },
            token_start,
        }
    }

    fn skip_trivia(&mut self) -> Result<(), LexError> {
        let rest = self.rest();
        match trivia(rest) {
            Ok(after) => {
                self.pos += rest.len() - after.len();
                Ok(())
            }
            Err(comment) => {
                let at = self.pos + rest.len() - comment.len();
                Err(self.fail(
                    at,
                    at,
                    at + 2,
                    "unterminated `/*` comment: no `*/` closes it",
                ))
            }
        }
    }

    fn next_token(&mut self) -> Result<Token, LexError> {
        self.skip_trivia()?;
        let start = self.pos;
        let rest = self.rest();
        let Some(c) = rest.chars().next() else {
            return Ok(Token {
                tok: Tok::Eof,
                span: span(start, start),
            });
        };
        let tok = if rest.starts_with("$@\"") || rest.starts_with("@$\"") {
            self.pos += 3;
            self.interpolated(start, true)?
        } else if rest.starts_with("$\"") {
            self.pos += 2;
            self.interpolated(start, false)?
        } else if rest.starts_with("@\"") {
            self.pos += 2;
            Tok::Lit(Literal::String(self.string_body(start, true)?))
        } else if c == '"' {
            self.pos += 1;
            Tok::Lit(Literal::String(self.string_body(start, false)?))
        } else if c == '\'' {
            self.pos += 1;
            Tok::Lit(Literal::Char(self.char_body(start)?))
        } else if let Ok((after, (verbatim, name))) = identifier(rest) {
            self.pos += rest.len() - after.len();
            Tok::Ident {
                name: name.to_owned(),
                verbatim,
            }
        } else if let Ok((after, shape)) = number_shape(rest) {
            self.pos += rest.len() - after.len();
            Tok::Lit(
                super::numbers::number(shape).map_err(|m| self.fail(start, start, self.pos, m))?,
            )
        } else if let Some(p) = PUNCTS.iter().find(|p| rest.starts_with(**p)) {
            // `a ? .5 : 1`: `?.` followed by a digit is `?` then a number.
            if *p == "?."
                && rest
                    .get(2..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(|d| d.is_ascii_digit())
            {
                self.pos += 1;
                Tok::Punct("?")
            } else {
                self.pos += p.len();
                Tok::Punct(p)
            }
        } else {
            let end = start + c.len_utf8();
            let message = match c {
                '#' => {
                    "preprocessor directives (`#`) are not allowed in policy expressions".to_owned()
                }
                '@' => "`@` must be followed by an identifier or a string (`@\"...\"`)".to_owned(),
                '$' => "`$` must be followed by a string (`$\"...\"`)".to_owned(),
                _ => format!("unexpected character `{}`", c.escape_debug()),
            };
            return Err(self.fail(start, start, end, message));
        };
        Ok(Token {
            tok,
            span: span(start, self.pos),
        })
    }

    /// Reads one escape sequence after `\` at `self.pos` (which points at the `\`), pushing
    /// UTF-16 code units (C# spec §6.4.5.5 "Character literals").
    fn escape(&mut self, token_start: usize, units: &mut Vec<u16>) -> Result<(), LexError> {
        let at = self.pos;
        let rest = self.rest();
        let mut chars = rest.chars();
        chars.next();
        let Some(kind) = chars.next() else {
            return Err(self.fail(token_start, at, at + 1, "unterminated escape sequence"));
        };
        let simple = match kind {
            '\'' => Some('\''),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '0' => Some('\0'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{b}'),
            _ => None,
        };
        if let Some(c) = simple {
            self.pos += 2;
            let mut buf = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut buf));
            return Ok(());
        }
        let (min, max) = match kind {
            'u' => (4, 4),
            'U' => (8, 8),
            'x' => (1, 4),
            _ => {
                let end = at + 1 + kind.len_utf8();
                return Err(self.fail(
                    token_start,
                    at,
                    end,
                    format!("unrecognized escape sequence `\\{}`", kind.escape_debug()),
                ));
            }
        };
        let digits: String = rest
            .get(2..)
            .unwrap_or("")
            .chars()
            .take(max)
            .take_while(char::is_ascii_hexdigit)
            .collect();
        let end = at + 2 + digits.len();
        if digits.len() < min {
            return Err(self.fail(
                token_start,
                at,
                end,
                format!("the escape `\\{kind}` needs {min} hexadecimal digits"),
            ));
        }
        let value = u32::from_str_radix(&digits, 16).unwrap_or(u32::MAX);
        self.pos = end;
        if kind == 'U' {
            match char::from_u32(value) {
                Some(c) => {
                    let mut buf = [0u16; 2];
                    units.extend_from_slice(c.encode_utf16(&mut buf));
                }
                None => {
                    return Err(self.fail(
                        token_start,
                        at,
                        end,
                        format!("`\\U{digits}` is not a valid Unicode code point"),
                    ));
                }
            }
        } else {
            units.push(u16::try_from(value).unwrap_or(u16::MAX));
        }
        Ok(())
    }

    /// The body of `"..."` or `@"..."` after the opening quote (C# spec §6.4.5.6).
    fn string_body(&mut self, token_start: usize, verbatim: bool) -> Result<String, LexError> {
        let mut units: Vec<u16> = Vec::new();
        loop {
            let rest = self.rest();
            let Some(c) = rest.chars().next() else {
                return Err(self.unterminated(token_start, "unterminated string literal"));
            };
            match c {
                '"' if verbatim && rest.starts_with("\"\"") => {
                    units.push(u16::from(b'"'));
                    self.pos += 2;
                }
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\\' if !verbatim => self.escape(token_start, &mut units)?,
                c if !verbatim && is_newline(c) => {
                    return Err(self.newline_in_literal(token_start, "string"));
                }
                c => {
                    let mut buf = [0u16; 2];
                    units.extend_from_slice(c.encode_utf16(&mut buf));
                    self.pos += c.len_utf8();
                }
            }
        }
        self.decode(token_start, &units)
    }

    fn decode(&self, token_start: usize, units: &[u16]) -> Result<String, LexError> {
        String::from_utf16(units).map_err(|_| {
            self.fail(
                token_start,
                token_start,
                self.pos,
                "this literal holds a lone UTF-16 surrogate (`\\uD800`-`\\uDFFF` not in a pair), which is not supported",
            )
        })
    }

    fn unterminated(&self, token_start: usize, message: &str) -> LexError {
        let first = self
            .text
            .get(token_start..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
        self.fail(token_start, token_start, token_start + first, message)
    }

    fn newline_in_literal(&self, token_start: usize, what: &str) -> LexError {
        self.fail(
            token_start,
            self.pos,
            self.pos,
            format!(
                "newline in {what} literal: it is not closed on this line (only verbatim strings `@\"...\"` may span lines)"
            ),
        )
    }

    /// `'c'` after the opening quote.
    fn char_body(&mut self, token_start: usize) -> Result<char, LexError> {
        let mut units: Vec<u16> = Vec::new();
        loop {
            let rest = self.rest();
            let Some(c) = rest.chars().next() else {
                return Err(self.unterminated(token_start, "unterminated character literal"));
            };
            match c {
                '\'' => {
                    self.pos += 1;
                    break;
                }
                '\\' => self.escape(token_start, &mut units)?,
                c if is_newline(c) => return Err(self.newline_in_literal(token_start, "character")),
                c => {
                    let mut buf = [0u16; 2];
                    units.extend_from_slice(c.encode_utf16(&mut buf));
                    self.pos += c.len_utf8();
                }
            }
        }
        match units.as_slice() {
            [] => Err(self.fail(token_start, token_start, self.pos, "empty character literal")),
            [one] => char::from_u32(u32::from(*one)).ok_or_else(|| {
                self.fail(
                    token_start,
                    token_start,
                    self.pos,
                    "a character literal holding a lone UTF-16 surrogate is not supported",
                )
            }),
            _ => Err(self.fail(
                token_start,
                token_start,
                self.pos,
                "too many characters in character literal (a `char` holds one UTF-16 code unit; use a string)",
            )),
        }
    }

    /// `$"..."` / `$@"..."` after the opening quote (C# spec §12.8.3 "Interpolated strings").
    fn interpolated(&mut self, token_start: usize, verbatim: bool) -> Result<Tok, LexError> {
        self.depth = self.depth.saturating_add(1);
        if self.depth > self.max_depth {
            return Err(self.fail(
                token_start,
                token_start,
                self.pos,
                format!(
                    "interpolated strings nest too deeply (more than {} levels)",
                    self.max_depth
                ),
            ));
        }
        let result = self.interpolated_inner(token_start, verbatim);
        self.depth = self.depth.saturating_sub(1);
        result
    }

    fn interpolated_inner(&mut self, token_start: usize, verbatim: bool) -> Result<Tok, LexError> {
        let mut parts = Vec::new();
        let mut units: Vec<u16> = Vec::new();
        loop {
            let rest = self.rest();
            let Some(c) = rest.chars().next() else {
                return Err(self.unterminated(token_start, "unterminated interpolated string"));
            };
            match c {
                '"' if verbatim && rest.starts_with("\"\"") => {
                    units.push(u16::from(b'"'));
                    self.pos += 2;
                }
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\\' if !verbatim => self.escape(token_start, &mut units)?,
                '{' if rest.starts_with("{{") => {
                    units.push(u16::from(b'{'));
                    self.pos += 2;
                }
                '}' if rest.starts_with("}}") => {
                    units.push(u16::from(b'}'));
                    self.pos += 2;
                }
                '}' => {
                    return Err(self.fail(
                        token_start,
                        self.pos,
                        self.pos + 1,
                        "a `}` in an interpolated string must be doubled as `}}`",
                    ));
                }
                '{' => {
                    if !units.is_empty() {
                        parts.push(RawPart::Text(self.decode(token_start, &units)?));
                        units.clear();
                    }
                    let open = self.pos;
                    self.pos += 1;
                    parts.push(self.hole(token_start, open)?);
                }
                c if !verbatim && is_newline(c) => {
                    return Err(self.newline_in_literal(token_start, "interpolated string"));
                }
                c => {
                    let mut buf = [0u16; 2];
                    units.extend_from_slice(c.encode_utf16(&mut buf));
                    self.pos += c.len_utf8();
                }
            }
        }
        if !units.is_empty() {
            parts.push(RawPart::Text(self.decode(token_start, &units)?));
        }
        Ok(Tok::Interp(parts))
    }

    /// One `{value[,alignment][:format]}` hole; `self.pos` is just after `{`.
    fn hole(&mut self, token_start: usize, open: usize) -> Result<RawPart, LexError> {
        let value = self.hole_tokens(token_start, open, &[",", ":", "}"])?;
        let mut alignment = None;
        if self.rest().starts_with(',') {
            self.pos += 1;
            alignment = Some(self.hole_tokens(token_start, open, &[":", "}"])?);
        }
        let mut format = None;
        if self.rest().starts_with(':') {
            self.pos += 1;
            let rest = self.rest();
            let len = rest
                .find(|c: char| c == '}' || c == '"' || is_newline(c))
                .unwrap_or(rest.len());
            format = Some(rest.get(..len).unwrap_or("").to_owned());
            self.pos += len;
        }
        if self.rest().starts_with('}') {
            self.pos += 1;
            Ok(RawPart::Hole {
                value,
                alignment,
                format,
            })
        } else {
            Err(self.fail(
                token_start,
                self.pos,
                self.pos,
                format!("expected `}}` to close the interpolation hole opened at offset {open}"),
            ))
        }
    }

    /// Tokens of a hole part up to one of `stops` outside brackets; ends with `Eof` there.
    fn hole_tokens(
        &mut self,
        token_start: usize,
        open: usize,
        stops: &[&str],
    ) -> Result<Vec<Token>, LexError> {
        let mut out = Vec::new();
        let mut nesting: u32 = 0;
        loop {
            self.skip_trivia()?;
            let rest = self.rest();
            if nesting == 0
                && stops
                    .iter()
                    .any(|s| rest.starts_with(s) && !rest.starts_with("::"))
            {
                out.push(Token {
                    tok: Tok::Eof,
                    span: span(self.pos, self.pos),
                });
                return Ok(out);
            }
            let tok = self.next_token()?;
            match &tok.tok {
                Tok::Eof => {
                    return Err(self.fail(
                        token_start,
                        open,
                        open + 1,
                        "unterminated interpolation hole: no `}` closes this `{`",
                    ));
                }
                Tok::Punct("(" | "[" | "{") => nesting = nesting.saturating_add(1),
                Tok::Punct(")" | "]" | "}") => nesting = nesting.saturating_sub(1),
                _ => {}
            }
            out.push(tok);
        }
    }
}
