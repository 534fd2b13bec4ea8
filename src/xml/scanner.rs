//! The C#-aware scanner that finds where an `@(...)` or `@{...}` policy expression ends.
//!
//! It reads the text as XML would deliver it (predefined entities and character references are
//! decoded on the fly, so `&quot;` is a quote) and skips everything C# would not count as a
//! bracket: `"..."` strings with `\` escapes, verbatim `@"..."` strings with `""`, interpolated
//! `$"..."` / `$@"..."` strings with their `{...}` holes (nested to any depth the limit allows;
//! a hole's `:format` clause is literal),
//! `'c'` character literals, `//` and `/* */` comments. Nesting is an explicit stack, never
//! recursion, and is capped by [`XmlLimits::max_expression_nesting`](super::XmlLimits).

/// Why an expression could not be delimited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScanError {
    /// The text ended before the expression was closed; `detail` says what was still open and
    /// `at` where that open construct began.
    Unterminated { detail: &'static str, at: usize },
    /// A closing bracket at `at` does not match the innermost open one, opened at `open`.
    Mismatched {
        found: char,
        expected: char,
        at: usize,
        open: usize,
    },
    /// More than the allowed number of nested brackets; `at` is the bracket that went over.
    TooDeep { at: usize },
}

/// One entry of the nesting stack.
#[derive(Debug, Clone, Copy)]
enum Frame {
    /// `(`, `[` or `{` opened at the given offset.
    Bracket { close: char, at: usize },
    /// The `{...}` hole of an interpolated string; `verbatim` says which string mode to go back to.
    Hole { verbatim: bool, at: usize },
}

/// What the scanner is reading.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// C# code.
    Code,
    /// A string literal that began at `at`.
    Str {
        interpolated: bool,
        verbatim: bool,
        at: usize,
    },
    /// The format clause of an interpolation hole (`{when:yyyy-MM-dd}`), literal text up to the
    /// `}` that closes the hole.
    Format,
}

/// Decodes one XML character or entity reference at byte `pos` of `text`.
///
/// Returns the character and the number of bytes it took in `text`. With `entities` false, or
/// when `&` does not start a well-formed predefined entity or character reference, the raw
/// character is returned.
pub(crate) fn decode_at(text: &str, pos: usize, entities: bool) -> Option<(char, usize)> {
    let rest = text.get(pos..)?;
    let c = rest.chars().next()?;
    if entities
        && c == '&'
        && let Some(found) = entity(rest)
    {
        return Some(found);
    }
    Some((c, c.len_utf8()))
}

/// Parses a predefined entity (`&quot;` `&apos;` `&lt;` `&gt;` `&amp;`) or a character reference
/// (`&#34;`, `&#x22;`) at the start of `s`; returns the character and the reference's length.
pub(crate) fn entity(s: &str) -> Option<(char, usize)> {
    const NAMED: [(&str, char); 5] = [
        ("&quot;", '"'),
        ("&apos;", '\''),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&amp;", '&'),
    ];
    for (name, c) in NAMED {
        if s.starts_with(name) {
            return Some((c, name.len()));
        }
    }
    let body = s.strip_prefix("&#")?;
    // A character reference is short; refuse to look far for the `;`.
    let semi = body.bytes().take(12).position(|b| b == b';')?;
    let digits = body.get(..semi)?;
    let value = if let Some(hex) = digits.strip_prefix('x') {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(hex, 16).ok()?
    } else {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<u32>().ok()?
    };
    let c = char::from_u32(value)?;
    if !is_xml_char(c) {
        return None;
    }
    Some((c, semi.checked_add(3)?))
}

/// XML 1.0 `Char`: tab, line feed, carriage return and everything from U+0020 except the
/// surrogates (which `char` cannot hold) and U+FFFE/U+FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Reads characters from a text, decoding entities when asked.
struct Reader<'t> {
    text: &'t str,
    pos: usize,
    entities: bool,
}

impl Reader<'_> {
    /// The next character and its offset, advancing past it.
    fn next(&mut self) -> Option<(char, usize)> {
        let at = self.pos;
        let (c, len) = decode_at(self.text, at, self.entities)?;
        self.pos = at.saturating_add(len);
        Some((c, at))
    }

    /// The next character without advancing.
    fn peek(&self) -> Option<char> {
        decode_at(self.text, self.pos, self.entities).map(|(c, _)| c)
    }

    /// The character after the next one, without advancing.
    fn peek2(&self) -> Option<char> {
        let (_, len) = decode_at(self.text, self.pos, self.entities)?;
        decode_at(self.text, self.pos.saturating_add(len), self.entities).map(|(c, _)| c)
    }

    /// Advances past the next character if it is `c`.
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            let _ = self.next();
            true
        } else {
            false
        }
    }
}

/// Whether `text` has `@(` or `@{` at byte `pos` (raw, not entity-decoded).
pub(crate) fn starts_expression(text: &str, pos: usize) -> bool {
    matches!(
        text.as_bytes().get(pos..pos.saturating_add(2)),
        Some(b"@(") | Some(b"@{")
    )
}

/// Scans the expression that starts with `@(` or `@{` at byte `start` of `text` and returns the
/// offset one past its closing bracket.
///
/// `entities` says whether XML entity references are decoded while reading (true for raw
/// attribute values and element text, false for text that is already decoded).
pub(crate) fn scan_expression(
    text: &str,
    start: usize,
    entities: bool,
    max_nesting: u32,
) -> Result<usize, ScanError> {
    let max = usize::try_from(max_nesting).unwrap_or(usize::MAX).max(1);
    let mut r = Reader {
        text,
        pos: start,
        entities,
    };
    // `@`
    let _ = r.next();
    let mut stack: Vec<Frame> = Vec::new();
    match r.next() {
        Some(('(', at)) => stack.push(Frame::Bracket { close: ')', at }),
        Some(('{', at)) => stack.push(Frame::Bracket { close: '}', at }),
        _ => {
            return Err(ScanError::Unterminated {
                detail: "`@` is not followed by `(` or `{`",
                at: start,
            });
        }
    }
    let mut mode = Mode::Code;
    loop {
        match mode {
            Mode::Code => {
                let Some((c, at)) = r.next() else {
                    return Err(unterminated_frame(stack.last(), start));
                };
                match c {
                    '"' => {
                        mode = Mode::Str {
                            interpolated: false,
                            verbatim: false,
                            at,
                        };
                    }
                    '@' if r.peek() == Some('"') => {
                        let _ = r.next();
                        mode = Mode::Str {
                            interpolated: false,
                            verbatim: true,
                            at,
                        };
                    }
                    '@' if r.peek() == Some('$') && r.peek2() == Some('"') => {
                        let _ = r.next();
                        let _ = r.next();
                        mode = Mode::Str {
                            interpolated: true,
                            verbatim: true,
                            at,
                        };
                    }
                    '$' if r.peek() == Some('"') => {
                        let _ = r.next();
                        mode = Mode::Str {
                            interpolated: true,
                            verbatim: false,
                            at,
                        };
                    }
                    '$' if r.peek() == Some('@') && r.peek2() == Some('"') => {
                        let _ = r.next();
                        let _ = r.next();
                        mode = Mode::Str {
                            interpolated: true,
                            verbatim: true,
                            at,
                        };
                    }
                    '\'' => skip_char_literal(&mut r, at)?,
                    '/' if r.peek() == Some('/') => {
                        // A line comment runs to the end of the line (or of the text).
                        while let Some((c, _)) = r.next() {
                            if c == '\n' {
                                break;
                            }
                        }
                    }
                    '/' if r.peek() == Some('*') => {
                        let _ = r.next();
                        let mut closed = false;
                        while let Some((c, _)) = r.next() {
                            if c == '*' && r.eat('/') {
                                closed = true;
                                break;
                            }
                        }
                        if !closed {
                            return Err(ScanError::Unterminated {
                                detail: "a `/*` comment is never closed",
                                at,
                            });
                        }
                    }
                    // `global::X` is a qualified name, not a format clause.
                    ':' if r.peek() == Some(':') => {
                        let _ = r.next();
                    }
                    // A `:` directly inside an interpolation hole starts its format clause
                    // (C# requires a conditional `?:` there to be parenthesised).
                    ':' if matches!(stack.last(), Some(Frame::Hole { .. })) => mode = Mode::Format,
                    '(' | '[' | '{' => {
                        if stack.len() >= max {
                            return Err(ScanError::TooDeep { at });
                        }
                        let close = match c {
                            '(' => ')',
                            '[' => ']',
                            _ => '}',
                        };
                        stack.push(Frame::Bracket { close, at });
                    }
                    ')' | ']' | '}' => match stack.pop() {
                        Some(Frame::Bracket { close, at: open }) => {
                            if close != c {
                                return Err(ScanError::Mismatched {
                                    found: c,
                                    expected: close,
                                    at,
                                    open,
                                });
                            }
                            if stack.is_empty() {
                                return Ok(r.pos);
                            }
                        }
                        Some(Frame::Hole { verbatim, at: open }) => {
                            if c != '}' {
                                return Err(ScanError::Mismatched {
                                    found: c,
                                    expected: '}',
                                    at,
                                    open,
                                });
                            }
                            mode = Mode::Str {
                                interpolated: true,
                                verbatim,
                                at: open,
                            };
                        }
                        // Unreachable: the scan returns as soon as the stack empties.
                        None => return Ok(r.pos),
                    },
                    _ => {}
                }
            }
            Mode::Format => {
                let Some((c, at)) = r.next() else {
                    return Err(unterminated_frame(stack.last(), start));
                };
                if c == '}' {
                    match stack.pop() {
                        Some(Frame::Hole { verbatim, at: open }) => {
                            mode = Mode::Str {
                                interpolated: true,
                                verbatim,
                                at: open,
                            };
                        }
                        // Format mode is only entered with a hole on top of the stack.
                        _ => {
                            return Err(ScanError::Mismatched {
                                found: c,
                                expected: ')',
                                at,
                                open: start,
                            });
                        }
                    }
                }
            }
            Mode::Str {
                interpolated,
                verbatim,
                at: str_at,
            } => {
                let Some((c, at)) = r.next() else {
                    return Err(ScanError::Unterminated {
                        detail: "a string literal is never closed",
                        at: str_at,
                    });
                };
                match c {
                    '"' if verbatim && r.peek() == Some('"') => {
                        let _ = r.next();
                    }
                    '"' => mode = Mode::Code,
                    '\\' if !verbatim => match r.next() {
                        Some((c, _)) if c != '\n' && c != '\r' => {}
                        _ => {
                            return Err(ScanError::Unterminated {
                                detail: "a string literal is not closed on its line",
                                at: str_at,
                            });
                        }
                    },
                    '\n' | '\r' if !verbatim => {
                        return Err(ScanError::Unterminated {
                            detail: "a string literal is not closed on its line",
                            at: str_at,
                        });
                    }
                    // `{{` is a literal brace.
                    '{' if interpolated && r.eat('{') => {}
                    '{' if interpolated => {
                        if stack.len() >= max {
                            return Err(ScanError::TooDeep { at });
                        }
                        stack.push(Frame::Hole { verbatim, at });
                        mode = Mode::Code;
                    }
                    '}' if interpolated => {
                        let _ = r.eat('}');
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The error for a text that ends while `frame` is still open.
fn unterminated_frame(frame: Option<&Frame>, start: usize) -> ScanError {
    match frame {
        Some(Frame::Hole { at, .. }) => ScanError::Unterminated {
            detail: "an interpolation hole `{` is never closed",
            at: *at,
        },
        Some(Frame::Bracket { close: ')', at }) => ScanError::Unterminated {
            detail: "a `(` is never closed",
            at: *at,
        },
        Some(Frame::Bracket { close: ']', at }) => ScanError::Unterminated {
            detail: "a `[` is never closed",
            at: *at,
        },
        Some(Frame::Bracket { at, .. }) => ScanError::Unterminated {
            detail: "a `{` is never closed",
            at: *at,
        },
        None => ScanError::Unterminated {
            detail: "the expression is never closed",
            at: start,
        },
    }
}

/// Skips a character literal whose opening `'` was at `at`: `'x'`, `'\''`, `'\u0041'`.
fn skip_char_literal(r: &mut Reader<'_>, at: usize) -> Result<(), ScanError> {
    let err = ScanError::Unterminated {
        detail: "a character literal is not closed",
        at,
    };
    match r.next() {
        Some(('\\', _)) => {
            // The escape, then up to a few more characters (\u0041, \x41, \U00000041) before `'`.
            match r.next() {
                Some((c, _)) if c != '\n' && c != '\r' => {}
                _ => return Err(err),
            }
            for _ in 0..9 {
                match r.next() {
                    Some(('\'', _)) => return Ok(()),
                    Some((c, _)) if c != '\n' && c != '\r' => {}
                    _ => return Err(err),
                }
            }
            Err(err)
        }
        // `''` is not valid C#, but it is closed; let the expression compiler say so.
        Some(('\'', _)) => Ok(()),
        Some((c, _)) if c != '\n' && c != '\r' => {
            if r.eat('\'') {
                Ok(())
            } else {
                Err(err)
            }
        }
        _ => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(s: &str) -> Result<usize, ScanError> {
        scan_expression(s, 0, true, 64)
    }

    #[test]
    fn strings_chars_and_comments_hide_brackets() {
        let s = r#"@(a(")") + ')' + @"x"")" + $"{b("}")}" + $@"{{ {c} }}" /* ) */ + d // )
)tail"#;
        assert_eq!(end(s), Ok(s.len() - 4));
    }

    #[test]
    fn interpolation_format_clauses_are_literal() {
        let s = r#"@($"{d:h 'o''clock'} {x,5:N2} {global::System.Math.PI} {(a ? b : c)}")tail"#;
        assert_eq!(end(s), Ok(s.len() - 4));
    }

    #[test]
    fn entities_are_decoded_while_scanning() {
        let s = "@(x == &quot;a)&quot;)rest";
        assert_eq!(end(s), Ok(s.len() - 4));
        assert_eq!(entity("&#x22;"), Some(('"', 6)));
        assert_eq!(entity("&#34;"), Some(('"', 5)));
        assert_eq!(entity("&#0;"), None);
        assert_eq!(entity("&#;"), None);
        // The look-ahead for `;` must not stop inside a multi-byte character.
        assert_eq!(entity("&#x41;&#65;é€"), Some(('A', 6)));
    }

    #[test]
    fn errors() {
        assert!(matches!(
            end("@(a"),
            Err(ScanError::Unterminated { at: 1, .. })
        ));
        assert!(matches!(
            end("@(a]"),
            Err(ScanError::Mismatched { at: 3, open: 1, .. })
        ));
        assert!(matches!(
            end("@(\"a\n\")"),
            Err(ScanError::Unterminated { at: 2, .. })
        ));
        let deep = format!("@{}", "(".repeat(100));
        assert!(matches!(end(&deep), Err(ScanError::TooDeep { at: 65 })));
    }
}
