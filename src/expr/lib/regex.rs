//! `System.Text.RegularExpressions`: `Regex` (static and instance `IsMatch`, `Match`, `Matches`,
//! `Replace`, `Split`, `Escape`, `Unescape`), `Match`, `Group`, `GroupCollection`,
//! `MatchCollection` and `RegexOptions`, with .NET semantics on top of `fancy-regex`.
//!
//! A .NET pattern is translated before it is compiled: named groups `(?<n>…)`/`(?'n'…)`, .NET's
//! group numbering (unnamed groups first, then named ones), `$` and `\Z` (end, or before a final
//! `\n`), `RegexOptions.ExplicitCapture` and `IgnorePatternWhitespace` (applied here), literal
//! `{`, character class subtraction `[a-z-[aeiou]]`, and the escapes `\uXXXX`, `\cX`, `\e`, `\a`.
//! Indexes and lengths are in UTF-16 code units, as .NET strings count them. Matching runs under
//! a backtracking budget; past it the call throws `RegexMatchTimeoutException`. Compiled regexes
//! are cached by pattern and options, so a constant pattern is compiled once per process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::string::{MAX_BUILT_LENGTH, argument_null, int_of, owned, too_long};
use super::{
    ConstructorDef, GenericMethodDef, IndexerDef, MemberDef, MethodDef, StaticDef, StaticMethodDef,
};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

/// `RegexOptions.IgnoreCase`
const IGNORE_CASE: u32 = 1;
/// `RegexOptions.Multiline`
const MULTILINE: u32 = 2;
/// `RegexOptions.ExplicitCapture`
const EXPLICIT_CAPTURE: u32 = 4;
/// `RegexOptions.Singleline`
const SINGLELINE: u32 = 16;
/// `RegexOptions.IgnorePatternWhitespace`
const IGNORE_PATTERN_WHITESPACE: u32 = 32;
/// `RegexOptions.RightToLeft`
const RIGHT_TO_LEFT: u32 = 64;
/// `RegexOptions.ECMAScript`
const ECMA_SCRIPT: u32 = 256;
/// Every defined `RegexOptions` bit.
const ALL_OPTIONS: u32 = 0x7FF;

/// The `RegexOptions` members and their values, in .NET's declaration order.
const OPTION_NAMES: &[(&str, u32)] = &[
    ("None", 0),
    ("IgnoreCase", 1),
    ("Multiline", 2),
    ("ExplicitCapture", 4),
    ("Compiled", 8),
    ("Singleline", 16),
    ("IgnorePatternWhitespace", 32),
    ("RightToLeft", 64),
    ("ECMAScript", 256),
    ("CultureInvariant", 512),
    ("NonBacktracking", 1024),
];

/// Most backtracking steps one match may take before it "times out".
const BACKTRACK_LIMIT: usize = 1_000_000;
/// Largest compiled program (bytes) a pattern may produce.
const SIZE_LIMIT: usize = 4 << 20;
/// Compiled regexes kept for reuse.
const CACHE_CAPACITY: usize = 256;
/// Longest pattern (bytes) the cache keeps; longer ones are compiled on every call.
const MAX_CACHED_PATTERN: usize = 4096;
/// Deepest nesting of character class subtractions `[a-[b-[c]]]`.
const MAX_SUBTRACTION_DEPTH: usize = 32;

/// One .NET group: its name (the number as text for unnamed groups) and the `fancy-regex`
/// groups behind it (several when a name repeats).
#[derive(Debug)]
struct NetGroup {
    name: String,
    inner: Vec<usize>,
}

/// A compiled .NET regular expression.
#[derive(Debug)]
pub struct CompiledRegex {
    pattern: Arc<str>,
    options: u32,
    regex: fancy_regex::Regex,
    groups: Vec<NetGroup>,
}

/// A `Match`: the input, the regex, and the byte span of each .NET group that participated.
#[derive(Debug)]
pub struct RegexMatch {
    regex: Arc<CompiledRegex>,
    input: Arc<str>,
    spans: Vec<Option<(usize, usize)>>,
    success: bool,
}

/// The `Group` number of "no such group" (`Groups["missing"]`): unsuccessful and empty.
const NO_GROUP: u32 = u32::MAX;

fn parse_error(pattern: &str, offset: usize, message: &str) -> Exception {
    Exception::new(
        ExceptionKind::Argument,
        format!("Invalid pattern '{pattern}' at offset {offset}. {message}"),
        Span::default(),
    )
}

fn timeout() -> Exception {
    Exception::new(
        ExceptionKind::RegexMatchTimeout,
        "The Regex engine has timed out while trying to match a pattern to an input string. This can occur for many reasons, including very large inputs or excessive backtracking caused by nested quantifiers, back-references and other factors.",
        Span::default(),
    )
}

/// Inline options in force at a point of the pattern.
#[derive(Debug, Clone, Copy)]
struct Flags {
    multiline: bool,
    explicit_capture: bool,
    whitespace: bool,
}

/// Translates a .NET pattern to `fancy-regex` syntax, collecting the capture groups in
/// `fancy-regex` order (name or `None`). `map` (second pass) gives the .NET groups, for
/// backreferences by number and conditionals by name.
struct Translator<'p> {
    chars: Vec<char>,
    pos: usize,
    out: String,
    flags: Flags,
    stack: Vec<Flags>,
    groups: Vec<Option<String>>,
    map: Option<&'p [NetGroup]>,
    pattern: &'p str,
}

impl Translator<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn error(&self, message: impl AsRef<str>) -> Exception {
        parse_error(self.pattern, self.pos, message.as_ref())
    }

    fn run(&mut self) -> Result<(), Exception> {
        while let Some(c) = self.peek(0) {
            if self.flags.whitespace && c.is_whitespace() {
                self.pos += 1;
                continue;
            }
            if self.flags.whitespace && c == '#' {
                while let Some(c) = self.peek(0) {
                    self.pos += 1;
                    if c == '\n' {
                        break;
                    }
                }
                continue;
            }
            match c {
                '\\' => self.escape(false)?,
                '[' => self.class(0)?,
                '(' => self.open()?,
                ')' => {
                    let Some(saved) = self.stack.pop() else {
                        self.pos += 1;
                        return Err(self.error("Too many )'s."));
                    };
                    self.flags = saved;
                    self.out.push(')');
                    self.pos += 1;
                }
                '$' => {
                    self.out.push_str(if self.flags.multiline {
                        "$"
                    } else {
                        r"(?=\n?\z)"
                    });
                    self.pos += 1;
                }
                '{' => {
                    let len = self.quantifier_len();
                    if len == 0 {
                        self.out.push_str(r"\{");
                        self.pos += 1;
                    } else {
                        for _ in 0..len {
                            if let Some(c) = self.peek(0) {
                                self.out.push(c);
                            }
                            self.pos += 1;
                        }
                    }
                }
                '}' => {
                    self.out.push_str(r"\}");
                    self.pos += 1;
                }
                '.' | '*' | '+' | '?' | '|' | '^' => {
                    self.out.push(c);
                    self.pos += 1;
                }
                _ => {
                    push_literal(&mut self.out, c);
                    self.pos += 1;
                }
            }
        }
        if !self.stack.is_empty() {
            return Err(self.error("Not enough )'s."));
        }
        Ok(())
    }

    /// The length of a `{n}`, `{n,}` or `{n,m}` quantifier at the cursor, or 0 when `{` is a
    /// literal there (as .NET reads it).
    fn quantifier_len(&self) -> usize {
        let mut i = 1;
        let digits = |i: &mut usize| {
            let start = *i;
            while self.peek(*i).is_some_and(|c| c.is_ascii_digit()) {
                *i += 1;
            }
            *i > start
        };
        if !digits(&mut i) {
            return 0;
        }
        if self.peek(i) == Some(',') {
            i += 1;
            digits(&mut i);
        }
        if self.peek(i) == Some('}') { i + 1 } else { 0 }
    }

    fn name_at(&self, from: usize, close: char) -> Option<(String, usize)> {
        let mut i = from;
        let mut name = String::new();
        while let Some(c) = self.peek(i) {
            if c == close {
                return (!name.is_empty()).then_some((name, i + 1));
            }
            if !(c.is_alphanumeric() || c == '_') {
                return None;
            }
            name.push(c);
            i += 1;
        }
        None
    }

    fn open(&mut self) -> Result<(), Exception> {
        if self.peek(1) != Some('?') {
            self.stack.push(self.flags);
            if self.flags.explicit_capture {
                self.out.push_str("(?:");
            } else {
                self.groups.push(None);
                self.out.push('(');
            }
            self.pos += 1;
            return Ok(());
        }
        let third = self.peek(2);
        let fourth = self.peek(3);
        match (third, fourth) {
            (Some(':' | '=' | '!' | '>'), _) | (Some('<'), Some('=' | '!')) => {
                let len = if third == Some('<') { 4 } else { 3 };
                for _ in 0..len {
                    if let Some(c) = self.peek(0) {
                        self.out.push(c);
                    }
                    self.pos += 1;
                }
                self.stack.push(self.flags);
                Ok(())
            }
            (Some(open @ ('<' | '\'')), _) => {
                let close = if open == '<' { '>' } else { '\'' };
                let Some((name, end)) = self.name_at(3, close) else {
                    self.pos += 3;
                    if self.chars.get(self.pos..).is_some_and(|rest| {
                        rest.iter().take_while(|c| **c != close).any(|c| *c == '-')
                    }) {
                        return Err(
                            self.error("Balancing groups (?<name1-name2>...) are not supported.")
                        );
                    }
                    return Err(self.error(
                        "Invalid group name: Group names must begin with a word character.",
                    ));
                };
                if name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 3;
                    return Err(self.error("Numbered group names (?<1>...) are not supported."));
                }
                self.out.push_str("(?P<");
                self.out.push_str(&name);
                self.out.push('>');
                self.groups.push(Some(name));
                self.stack.push(self.flags);
                self.pos += end;
                Ok(())
            }
            (Some('#'), _) => {
                while let Some(c) = self.peek(0) {
                    self.pos += 1;
                    if c == ')' {
                        return Ok(());
                    }
                }
                Err(self.error("Unterminated (?#...) comment."))
            }
            (Some('('), _) => {
                // A conditional: by group number, by group name, or by an expression.
                self.pos += 3;
                if let Some((name, end)) = self.name_at(0, ')') {
                    let target = match self.map {
                        None => Some(String::new()),
                        Some(groups) => groups
                            .iter()
                            .position(|g| g.name == name)
                            .and_then(|n| self.backref_target(groups, n)),
                    };
                    if let Some(target) = target {
                        self.out.push_str("(?(");
                        self.out.push_str(&target);
                        self.out.push(')');
                        self.pos += end;
                        self.stack.push(self.flags);
                        return Ok(());
                    }
                }
                self.out.push_str("(?(");
                self.stack.push(self.flags);
                self.stack.push(self.flags);
                Ok(())
            }
            _ => self.inline_options(),
        }
    }

    /// `(?imnsx-imnsx)` or `(?imnsx-imnsx:...)`.
    fn inline_options(&mut self) -> Result<(), Exception> {
        let mut i = 2;
        let mut on = true;
        let mut flags = self.flags;
        let (mut set, mut unset) = (String::new(), String::new());
        loop {
            match self.peek(i) {
                Some('-') => on = false,
                Some(c @ ('i' | 's')) => {
                    if on { &mut set } else { &mut unset }.push(c);
                }
                Some('m') => {
                    flags.multiline = on;
                    if on { &mut set } else { &mut unset }.push('m');
                }
                Some('n') => flags.explicit_capture = on,
                Some('x') => flags.whitespace = on,
                Some(end @ (')' | ':')) => {
                    let spec = match (set.is_empty(), unset.is_empty()) {
                        (true, true) => String::new(),
                        (false, true) => set,
                        _ => format!("{set}-{unset}"),
                    };
                    if end == ')' {
                        if !spec.is_empty() {
                            self.out.push_str(&format!("(?{spec})"));
                        }
                        self.flags = flags;
                    } else {
                        self.out.push_str(&format!("(?{spec}:"));
                        self.stack.push(self.flags);
                        self.flags = flags;
                    }
                    self.pos += i + 1;
                    return Ok(());
                }
                _ => {
                    self.pos += i;
                    return Err(self.error("Unrecognized grouping construct."));
                }
            }
            i += 1;
        }
    }

    /// The `fancy-regex` reference to .NET group `n`: its name or its inner number.
    fn backref_target(&self, groups: &[NetGroup], n: usize) -> Option<String> {
        let group = groups.get(n)?;
        if group.name.chars().all(|c| c.is_ascii_digit()) {
            group.inner.first().map(usize::to_string)
        } else {
            Some(format!("<{}>", group.name))
        }
    }

    fn backref(&mut self, n: usize) -> Result<(), Exception> {
        let Some(groups) = self.map else {
            return Ok(());
        };
        match self.backref_target(groups, n) {
            Some(t) if t.starts_with('<') => self.out.push_str(&format!(r"(?:\k{t})")),
            Some(t) => self.out.push_str(&format!(r"(?:\{t})")),
            None => return Err(self.error(format!("Reference to undefined group number {n}."))),
        }
        Ok(())
    }

    fn hex(&mut self, from: usize, count: usize) -> Result<u32, Exception> {
        let mut value = 0u32;
        for i in 0..count {
            let digit = self
                .peek(from + i)
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| self.error("Insufficient hex digits."))?;
            value = value * 16 + digit;
        }
        Ok(value)
    }

    fn push_code(&mut self, code: u32) -> Result<(), Exception> {
        if char::from_u32(code).is_none() {
            return Err(self.error("Surrogate code points (\\uD800-\\uDFFF) are not supported."));
        }
        self.out.push_str(&format!(r"\x{{{code:X}}}"));
        Ok(())
    }

    /// A `\` escape, outside or inside a character class.
    fn escape(&mut self, in_class: bool) -> Result<(), Exception> {
        let Some(c) = self.peek(1) else {
            self.pos += 1;
            return Err(self.error("Illegal \\ at end of pattern."));
        };
        let mut len = 2;
        match c {
            '1'..='9' if !in_class => {
                let mut n = 0usize;
                let mut i = 1;
                while let Some(d) = self.peek(i).and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    i += 1;
                }
                self.pos += i;
                return self.backref(n);
            }
            '0' => {
                let mut code = 0;
                while len < 4 {
                    match self.peek(len).and_then(|c| c.to_digit(8)) {
                        Some(d) => code = code * 8 + d,
                        None => break,
                    }
                    len += 1;
                }
                self.push_code(code)?;
            }
            'k' if !in_class => {
                let close = match self.peek(2) {
                    Some('<') => '>',
                    Some('\'') => '\'',
                    _ => {
                        self.pos += 2;
                        return Err(self.error("Malformed \\k<...> named back reference."));
                    }
                };
                let Some((name, end)) = self.name_at(3, close) else {
                    self.pos += 2;
                    return Err(self.error("Malformed \\k<...> named back reference."));
                };
                self.pos += end;
                return match name.parse::<usize>() {
                    Ok(n) => self.backref(n),
                    Err(_) => {
                        if let Some(groups) = self.map
                            && !groups.iter().any(|g| g.name == name)
                        {
                            return Err(
                                self.error(format!("Reference to undefined group name '{name}'."))
                            );
                        }
                        self.out.push_str(&format!(r"(?:\k<{name}>)"));
                        Ok(())
                    }
                };
            }
            'w' | 'W' | 's' | 'S' | 'd' | 'D' | 'n' | 'r' | 't' | 'f' | 'v' => {
                self.out.push('\\');
                self.out.push(c);
            }
            'b' if in_class => self.out.push_str(r"\x08"),
            'b' | 'B' | 'A' | 'z' | 'G' if !in_class => {
                self.out.push('\\');
                self.out.push(c);
            }
            'Z' if !in_class => self.out.push_str(r"(?=\n?\z)"),
            'a' => self.out.push_str(r"\x07"),
            'e' => self.out.push_str(r"\x1B"),
            'x' => {
                let code = self.hex(2, 2)?;
                len = 4;
                self.push_code(code)?;
            }
            'u' => {
                let code = self.hex(2, 4)?;
                len = 6;
                self.push_code(code)?;
            }
            'c' => {
                let Some(letter) = self
                    .peek(2)
                    .filter(|l| l.is_ascii_alphabetic() || "@[\\]^_".contains(*l))
                else {
                    self.pos += 2;
                    return Err(self.error("Unrecognized control character."));
                };
                len = 3;
                self.push_code(u32::from(letter.to_ascii_uppercase()) & 0x1F)?;
            }
            'p' | 'P' => {
                if self.peek(2) != Some('{') {
                    self.pos += 2;
                    return Err(self.error("Incomplete \\p{X} character escape."));
                }
                let mut i = 3;
                let mut name = String::new();
                loop {
                    match self.peek(i) {
                        Some('}') => break,
                        Some(ch) if ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' => {
                            name.push(ch);
                        }
                        _ => {
                            self.pos += 2;
                            return Err(self.error("Incomplete \\p{X} character escape."));
                        }
                    }
                    i += 1;
                }
                self.out.push_str(&format!("\\{c}{{{name}}}"));
                len = i + 1;
            }
            c if c.is_alphanumeric() || c == '_' => {
                self.pos += 2;
                return Err(self.error(format!("Unrecognized escape sequence \\{c}.")));
            }
            c => push_literal(&mut self.out, c),
        }
        self.pos += len;
        Ok(())
    }

    /// A character class `[...]`, with .NET subtraction `[a-z-[aeiou]]` (nested `depth` deep).
    fn class(&mut self, depth: usize) -> Result<(), Exception> {
        if depth > MAX_SUBTRACTION_DEPTH {
            return Err(self.error("Character class subtractions are nested too deeply."));
        }
        self.out.push('[');
        self.pos += 1;
        if self.peek(0) == Some('^') {
            self.out.push('^');
            self.pos += 1;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek(0) else {
                return Err(self.error("Unterminated [] set."));
            };
            match c {
                ']' if !first => {
                    self.out.push(']');
                    self.pos += 1;
                    return Ok(());
                }
                '\\' => self.escape(true)?,
                '-' if self.peek(1) == Some('[') && !first => {
                    self.out.push_str("--");
                    self.pos += 1;
                    self.class(depth + 1)?;
                    if self.peek(0) != Some(']') {
                        return Err(self.error(
                            "A subtraction must be the last element in a character class.",
                        ));
                    }
                }
                '-' if self.out.ends_with('-') => {
                    self.out.push_str(r"\-");
                    self.pos += 1;
                }
                '[' | ']' | '&' | '~' => {
                    self.out.push('\\');
                    self.out.push(c);
                    self.pos += 1;
                }
                _ => {
                    self.out.push(c);
                    self.pos += 1;
                }
            }
            first = false;
        }
    }
}

/// Appends `c` as a literal.
fn push_literal(out: &mut String, c: char) {
    if "\\.+*?()|[]{}^$#&-~".contains(c) {
        out.push('\\');
    }
    out.push(c);
}

fn translate(
    pattern: &str,
    options: u32,
    map: Option<&[NetGroup]>,
) -> Result<(String, Vec<Option<String>>), Exception> {
    let mut translator = Translator {
        chars: pattern.chars().collect(),
        pos: 0,
        out: String::with_capacity(pattern.len() + 8),
        flags: Flags {
            multiline: options & MULTILINE != 0,
            explicit_capture: options & EXPLICIT_CAPTURE != 0,
            whitespace: options & IGNORE_PATTERN_WHITESPACE != 0,
        },
        stack: Vec::new(),
        groups: Vec::new(),
        map,
        pattern,
    };
    let mut prefix = String::new();
    for (bit, flag) in [(IGNORE_CASE, 'i'), (MULTILINE, 'm'), (SINGLELINE, 's')] {
        if options & bit != 0 {
            prefix.push(flag);
        }
    }
    if !prefix.is_empty() {
        translator.out.push_str(&format!("(?{prefix})"));
    }
    translator.run()?;
    Ok((translator.out, translator.groups))
}

/// .NET's numbering: 0, the unnamed groups in order, then each distinct name in order of first
/// appearance.
fn number_groups(groups: &[Option<String>]) -> Vec<NetGroup> {
    let mut out = vec![NetGroup {
        name: "0".to_owned(),
        inner: vec![0],
    }];
    for (i, g) in groups.iter().enumerate() {
        if g.is_none() {
            out.push(NetGroup {
                name: out.len().to_string(),
                inner: vec![i + 1],
            });
        }
    }
    for (i, g) in groups.iter().enumerate() {
        if let Some(name) = g {
            match out.iter_mut().find(|n| &n.name == name) {
                Some(existing) => existing.inner.push(i + 1),
                None => out.push(NetGroup {
                    name: name.clone(),
                    inner: vec![i + 1],
                }),
            }
        }
    }
    out
}

fn check_options(options: u32) -> Result<(), Exception> {
    if options & !ALL_OPTIONS != 0 {
        return Err(Exception::new(
            ExceptionKind::ArgumentOutOfRange,
            "Specified argument was out of the range of valid values. (Parameter 'options')",
            Span::default(),
        ));
    }
    for (bit, name) in [(RIGHT_TO_LEFT, "RightToLeft"), (ECMA_SCRIPT, "ECMAScript")] {
        if options & bit != 0 {
            return Err(Exception::new(
                ExceptionKind::ArgumentOutOfRange,
                format!(
                    "RegexOptions.{name} is not supported by this evaluator. (Parameter 'options')"
                ),
                Span::default(),
            ));
        }
    }
    Ok(())
}

fn build(pattern: &str, options: u32) -> Result<CompiledRegex, Exception> {
    check_options(options)?;
    let (_, groups) = translate(pattern, options, None)?;
    let net = number_groups(&groups);
    let (translated, _) = translate(pattern, options, Some(&net))?;
    let regex = fancy_regex::RegexBuilder::new(&translated)
        .backtrack_limit(BACKTRACK_LIMIT)
        .delegate_size_limit(SIZE_LIMIT)
        .delegate_dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let reason = match e {
                fancy_regex::Error::ParseError(_, p) => p.to_string(),
                fancy_regex::Error::CompileError(c) => c.to_string(),
                other => other.to_string(),
            };
            parse_error(pattern, pattern.chars().count(), &reason)
        })?;
    if regex.captures_len() != groups.len() + 1 {
        return Err(parse_error(
            pattern,
            pattern.chars().count(),
            "This pattern's groups are not supported.",
        ));
    }
    Ok(CompiledRegex {
        pattern: Arc::from(pattern),
        options,
        regex,
        groups: net,
    })
}

type Cache = Mutex<HashMap<(Arc<str>, u32), Arc<CompiledRegex>>>;

/// The compiled regex of `pattern` with `options`, from the cache when it was compiled before.
fn compiled(pattern: &str, options: u32) -> Result<Arc<CompiledRegex>, Exception> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if pattern.len() > MAX_CACHED_PATTERN {
        return Ok(Arc::new(build(pattern, options)?));
    }
    let key = (Arc::from(pattern), options);
    if let Some(found) = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&key)
    {
        return Ok(Arc::clone(found));
    }
    let regex = Arc::new(build(pattern, options)?);
    let mut map = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if map.len() >= CACHE_CAPACITY {
        map.clear();
    }
    map.insert(key, Arc::clone(&regex));
    Ok(regex)
}

/// UTF-16 length of `s`.
fn utf16_len(s: &str) -> i32 {
    i32::try_from(s.encode_utf16().count()).unwrap_or(i32::MAX)
}

/// The byte offset of UTF-16 index `index` in `s` (`None` past the end).
fn byte_offset(s: &str, index: i64) -> Option<usize> {
    let mut units = 0i64;
    for (i, c) in s.char_indices() {
        if units >= index {
            return Some(i);
        }
        units += i64::try_from(c.len_utf16()).unwrap_or(1);
    }
    (units >= index).then_some(s.len())
}

/// The first match at or after byte `start` (`None` past the end of the input).
fn scan(
    regex: &Arc<CompiledRegex>,
    input: &Arc<str>,
    start: usize,
) -> Result<Arc<RegexMatch>, Exception> {
    let failed = || RegexMatch {
        regex: Arc::clone(regex),
        input: Arc::clone(input),
        spans: vec![None],
        success: false,
    };
    if start > input.len() {
        return Ok(Arc::new(failed()));
    }
    let captures = regex
        .regex
        .captures_from_pos(&**input, start)
        .map_err(|_| timeout())?;
    let Some(captures) = captures else {
        return Ok(Arc::new(failed()));
    };
    let spans = regex
        .groups
        .iter()
        .map(|g| {
            g.inner
                .iter()
                .rev()
                .find_map(|i| captures.get(*i).map(|m| (m.start(), m.end())))
        })
        .collect();
    Ok(Arc::new(RegexMatch {
        regex: Arc::clone(regex),
        input: Arc::clone(input),
        spans,
        success: true,
    }))
}

impl RegexMatch {
    fn span(&self) -> Option<(usize, usize)> {
        self.spans.first().copied().flatten()
    }

    /// Where the next match is looked for: after this one, one character further after an
    /// empty match (as .NET's `NextMatch` does).
    fn next_start(&self) -> usize {
        match self.span() {
            Some((start, end)) if start == end => {
                end + self
                    .input
                    .get(end..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8)
            }
            Some((_, end)) => end,
            None => self.input.len() + 1,
        }
    }

    fn group_text(&self, n: usize) -> &str {
        self.spans
            .get(n)
            .copied()
            .flatten()
            .and_then(|(s, e)| self.input.get(s..e))
            .unwrap_or("")
    }
}

/// Every match, in order, from byte `start`; at most `limit`.
fn all_matches(
    regex: &Arc<CompiledRegex>,
    input: &Arc<str>,
    start: usize,
    limit: usize,
) -> Result<Vec<Arc<RegexMatch>>, Exception> {
    let mut out = Vec::new();
    let mut position = start;
    while out.len() < limit {
        let m = scan(regex, input, position)?;
        if !m.success {
            break;
        }
        position = m.next_start();
        out.push(m);
    }
    Ok(out)
}

/// A piece of a .NET replacement pattern.
#[derive(Debug)]
enum Piece {
    Text(String),
    Group(usize),
    Before,
    After,
    LastGroup,
    Input,
}

/// Parses a .NET replacement pattern (`$1`, `${name}`, `$$`, `$&`, `` $` ``, `$'`, `$+`, `$_`);
/// a `$` that starts none of them is literal.
fn parse_replacement(regex: &CompiledRegex, replacement: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let chars: Vec<char> = replacement.chars().collect();
    let mut i = 0;
    let group_named = |name: &str| regex.groups.iter().position(|g| g.name == name);
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c != '$' {
            text.push(c);
            continue;
        }
        let piece = match chars.get(i) {
            Some('$') => {
                text.push('$');
                i += 1;
                continue;
            }
            Some('&') => Some((Piece::Group(0), 1)),
            Some('`') => Some((Piece::Before, 1)),
            Some('\'') => Some((Piece::After, 1)),
            Some('+') => Some((Piece::LastGroup, 1)),
            Some('_') => Some((Piece::Input, 1)),
            Some('{') => {
                let end = chars
                    .get(i + 1..)
                    .and_then(|rest| rest.iter().position(|c| *c == '}'));
                end.and_then(|len| {
                    let name: String = chars.get(i + 1..i + 1 + len)?.iter().collect();
                    let valid =
                        !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                    let n = if !valid {
                        None
                    } else if name.chars().all(|c| c.is_ascii_digit()) {
                        name.parse::<usize>()
                            .ok()
                            .filter(|n| *n < regex.groups.len())
                    } else {
                        group_named(&name)
                    };
                    n.map(|n| (Piece::Group(n), len + 2))
                })
            }
            Some(d) if d.is_ascii_digit() => {
                let digits: String = chars
                    .get(i..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                digits
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n < regex.groups.len())
                    .map(|n| (Piece::Group(n), digits.chars().count()))
            }
            _ => None,
        };
        match piece {
            Some((piece, consumed)) => {
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(piece);
                i += consumed;
            }
            None => text.push('$'),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    pieces
}

fn expand(pieces: &[Piece], m: &RegexMatch, out: &mut String) -> Result<(), Exception> {
    let (start, end) = m.span().unwrap_or((0, 0));
    for piece in pieces {
        let text = match piece {
            Piece::Text(t) => t.as_str(),
            Piece::Group(n) => m.group_text(*n),
            Piece::Before => m.input.get(..start).unwrap_or(""),
            Piece::After => m.input.get(end..).unwrap_or(""),
            Piece::LastGroup => m.group_text(m.regex.groups.len().saturating_sub(1)),
            Piece::Input => &m.input,
        };
        if out.len().saturating_add(text.len()) > MAX_BUILT_LENGTH {
            return Err(too_long());
        }
        out.push_str(text);
    }
    Ok(())
}

/// `Regex.Replace`: `count` matches at most (negative: all) from byte `start`.
fn replace(
    regex: &Arc<CompiledRegex>,
    input: &Arc<str>,
    replacement: &str,
    count: i64,
    start: usize,
) -> Result<Value<'static>, Exception> {
    let limit = usize::try_from(count).unwrap_or(usize::MAX);
    let matches = all_matches(regex, input, start, limit)?;
    if matches.is_empty() {
        return Ok(Value::String(Arc::clone(input)));
    }
    let pieces = parse_replacement(regex, replacement);
    let mut out = String::with_capacity(input.len());
    let mut last = 0;
    for m in &matches {
        let (s, e) = m.span().unwrap_or((last, last));
        out.push_str(input.get(last..s).unwrap_or(""));
        expand(&pieces, m, &mut out)?;
        last = e;
    }
    out.push_str(input.get(last..).unwrap_or(""));
    Ok(owned(out))
}

/// `Regex.Split`: at most `count` pieces (0: all) from byte `start`; captured groups are
/// included, as .NET does.
fn split(
    regex: &Arc<CompiledRegex>,
    input: &Arc<str>,
    count: i64,
    start: usize,
) -> Result<Value<'static>, Exception> {
    if count < 0 {
        return Err(Exception::new(
            ExceptionKind::ArgumentOutOfRange,
            "Count cannot be less than -1. (Parameter 'count')",
            Span::default(),
        ));
    }
    let limit = if count == 0 {
        usize::MAX
    } else {
        usize::try_from(count - 1).unwrap_or(usize::MAX)
    };
    let matches = all_matches(regex, input, start, limit)?;
    let mut pieces: Vec<Option<Arc<str>>> = Vec::new();
    let mut last = 0;
    for m in &matches {
        let (s, e) = m.span().unwrap_or((last, last));
        pieces.push(Some(Arc::from(input.get(last..s).unwrap_or(""))));
        for (n, span) in m.spans.iter().enumerate().skip(1) {
            if span.is_some() {
                pieces.push(Some(Arc::from(m.group_text(n))));
            }
        }
        last = e;
    }
    pieces.push(Some(Arc::from(input.get(last..).unwrap_or(""))));
    Ok(Value::Strings(Arc::from(pieces)))
}

/// `Regex.Escape`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{c}' => out.push_str("\\f"),
            '\\' | '*' | '+' | '?' | '|' | '{' | '[' | '(' | ')' | '^' | '$' | '.' | '#' | ' ' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `Regex.Unescape`.
fn unescape(text: &str) -> Result<String, Exception> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let bad = |m: String| parse_error(text, 0, &m);
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            return Err(bad("Illegal \\ at end of pattern.".to_owned()));
        };
        let mut hex = |n: usize| -> Result<char, Exception> {
            let mut v = 0u32;
            for _ in 0..n {
                let d = chars
                    .next()
                    .and_then(|c| c.to_digit(16))
                    .ok_or_else(|| bad("Insufficient hex digits.".to_owned()))?;
                v = v * 16 + d;
            }
            Ok(char::from_u32(v).unwrap_or('\u{FFFD}'))
        };
        let decoded = match e {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'f' => '\u{c}',
            'v' => '\u{b}',
            'a' => '\u{7}',
            'e' => '\u{1b}',
            'x' => hex(2)?,
            'u' => hex(4)?,
            c if c.is_alphanumeric() => {
                return Err(bad(format!("Unrecognized escape sequence \\{c}.")));
            }
            c => c,
        };
        out.push(decoded);
    }
    Ok(out)
}

/// `RegexOptions.ToString()`: the member name, or the set flags joined by ", ".
pub(crate) fn options_name(bits: u32) -> String {
    if let Some((name, _)) = OPTION_NAMES.iter().find(|(_, v)| *v == bits) {
        return (*name).to_owned();
    }
    let named: u32 = OPTION_NAMES.iter().map(|(_, v)| v).fold(0, |a, b| a | b);
    if bits & !named != 0 {
        return bits.to_string();
    }
    OPTION_NAMES
        .iter()
        .filter(|(_, v)| *v != 0 && bits & v == *v)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `ToString()` of the regex values.
pub(crate) fn display(value: &Value<'_>) -> String {
    match value {
        Value::Regex(r) => r.pattern.to_string(),
        Value::Match(m) => m.group_text(0).to_owned(),
        Value::Group(m, n) => m.group_text(*n as usize).to_owned(),
        Value::RegexOptions(o) => options_name(*o),
        _ => String::new(),
    }
}

// ---- argument helpers ----

fn text_arg<'v>(args: &'v [Value<'_>], i: usize, name: &str) -> Result<&'v str, Exception> {
    args.get(i)
        .and_then(Value::as_str)
        .ok_or_else(|| argument_null(name))
}

fn input_arc(args: &[Value<'_>], i: usize) -> Result<Arc<str>, Exception> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(Arc::clone(s)),
        Some(Value::Str(s)) => Ok(Arc::from(*s)),
        _ => Err(argument_null("input")),
    }
}

fn options_arg(args: &[Value<'_>], i: usize) -> u32 {
    match args.get(i) {
        Some(Value::RegexOptions(o)) => *o,
        _ => 0,
    }
}

fn regex_of(t: &Value<'_>) -> Result<Arc<CompiledRegex>, Exception> {
    match t {
        Value::Regex(r) => Ok(Arc::clone(r)),
        _ => Err(Exception::null_reference(Span::default())),
    }
}

/// The regex of a static call: pattern at `args[1]`, options at `args[options_at]` if present.
fn static_regex(args: &[Value<'_>], options_at: usize) -> Result<Arc<CompiledRegex>, Exception> {
    let pattern = text_arg(args, 1, "pattern")?;
    compiled(pattern, options_arg(args, options_at))
}

/// Byte offset of the `startat` argument at `args[i]` (UTF-16 index) in `input`.
fn start_arg(input: &str, args: &[Value<'_>], i: usize) -> Result<usize, Exception> {
    let Some(v) = args.get(i) else {
        return Ok(0);
    };
    let n = int_of(Some(v));
    let out_of_range = || {
        Exception::new(
            ExceptionKind::ArgumentOutOfRange,
            "Start index cannot be less than 0 or greater than input length. (Parameter 'startat')",
            Span::default(),
        )
    };
    if n < 0 {
        return Err(out_of_range());
    }
    byte_offset(input, n).ok_or_else(out_of_range)
}

fn is_match(
    regex: &Arc<CompiledRegex>,
    input: &Arc<str>,
    start: usize,
) -> Result<Value<'static>, Exception> {
    Ok(Value::Bool(scan(regex, input, start)?.success))
}

fn match_value(
    regex: &Arc<CompiledRegex>,
    input: &Arc<str>,
    start: usize,
) -> Result<Value<'static>, Exception> {
    Ok(Value::Match(scan(regex, input, start)?))
}

fn matches_value(
    regex: &Arc<CompiledRegex>,
    input: &Arc<str>,
    start: usize,
) -> Result<Value<'static>, Exception> {
    let all = all_matches(regex, input, start, usize::MAX)?;
    Ok(Value::Sequence(all.into_iter().map(Value::Match).collect()))
}

fn groups_of(m: &Arc<RegexMatch>) -> Value<'static> {
    let count = if m.success { m.spans.len() } else { 1 };
    Value::Sequence(
        (0..count)
            .map(|n| Value::Group(Arc::clone(m), u32::try_from(n).unwrap_or(NO_GROUP)))
            .collect(),
    )
}

/// The match a `Match` or `Group` value belongs to, and the group number.
fn group_of<'v>(t: &'v Value<'_>) -> Option<(&'v Arc<RegexMatch>, u32)> {
    match t {
        Value::Match(m) => Some((m, 0)),
        Value::Group(m, n) => Some((m, *n)),
        _ => None,
    }
}

/// A byte span of a group in its input.
type Span8 = Option<(usize, usize)>;

fn group_span<'v>(t: &'v Value<'_>) -> Option<(&'v Arc<RegexMatch>, Span8)> {
    let (m, n) = group_of(t)?;
    Some((m, m.spans.get(n as usize).copied().flatten()))
}

fn count(n: usize) -> Value<'static> {
    Value::Int(i32::try_from(n).unwrap_or(i32::MAX))
}

/// `groups[key]` of a `GroupCollection` value (a sequence of its groups).
fn group_by<'a>(collection: &Value<'a>, key: &Value<'a>) -> Result<Value<'a>, Exception> {
    let Value::Sequence(items) = collection else {
        return Ok(Value::Null);
    };
    let Some((m, _)) = items.first().and_then(group_of) else {
        return Ok(Value::Null);
    };
    let n = match key {
        Value::Str(_) | Value::String(_) => {
            let name = key.as_str().unwrap_or("");
            if m.success {
                m.regex.groups.iter().position(|g| g.name == name)
            } else {
                None
            }
        }
        Value::Null => return Err(argument_null("groupname")),
        other => usize::try_from(int_of(Some(other)))
            .ok()
            .filter(|n| *n < items.len()),
    };
    Ok(Value::Group(
        Arc::clone(m),
        n.and_then(|n| u32::try_from(n).ok()).unwrap_or(NO_GROUP),
    ))
}

macro_rules! statics {
    ($($name:literal => $bits:expr),* $(,)?) => {
        &[$(StaticDef {
            name: $name,
            owner: StaticType::RegexOptions,
            ty: Type::RegexOptions,
            get: |_| Ok(Value::RegexOptions($bits)),
        }),*]
    };
}

pub(crate) const STATICS: &[StaticDef] = statics! {
    "None" => 0,
    "IgnoreCase" => 1,
    "Multiline" => 2,
    "ExplicitCapture" => 4,
    "Compiled" => 8,
    "Singleline" => 16,
    "IgnorePatternWhitespace" => 32,
    "RightToLeft" => 64,
    "ECMAScript" => 256,
    "CultureInvariant" => 512,
    "NonBacktracking" => 1024,
};

const S: Type = Type::String;
const O: Type = Type::RegexOptions;
const TS: Type = Type::TimeSpan;

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    StaticMethodDef {
        name: "IsMatch",
        owner: StaticType::Regex,
        params: &[S, S],
        result: Type::Boolean,
        call: |a, _| is_match(&static_regex(a, 2)?, &input_arc(a, 0)?, 0),
    },
    StaticMethodDef {
        name: "IsMatch",
        owner: StaticType::Regex,
        params: &[S, S, O],
        result: Type::Boolean,
        call: |a, _| is_match(&static_regex(a, 2)?, &input_arc(a, 0)?, 0),
    },
    StaticMethodDef {
        name: "IsMatch",
        owner: StaticType::Regex,
        params: &[S, S, O, TS],
        result: Type::Boolean,
        call: |a, _| is_match(&static_regex(a, 2)?, &input_arc(a, 0)?, 0),
    },
    StaticMethodDef {
        name: "Match",
        owner: StaticType::Regex,
        params: &[S, S],
        result: Type::Match,
        call: |a, _| match_value(&static_regex(a, 2)?, &input_arc(a, 0)?, 0),
    },
    StaticMethodDef {
        name: "Match",
        owner: StaticType::Regex,
        params: &[S, S, O],
        result: Type::Match,
        call: |a, _| match_value(&static_regex(a, 2)?, &input_arc(a, 0)?, 0),
    },
    StaticMethodDef {
        name: "Match",
        owner: StaticType::Regex,
        params: &[S, S, O, TS],
        result: Type::Match,
        call: |a, _| match_value(&static_regex(a, 2)?, &input_arc(a, 0)?, 0),
    },
    StaticMethodDef {
        name: "Matches",
        owner: StaticType::Regex,
        params: &[S, S],
        result: Type::MatchCollection,
        call: |a, _| matches_value(&static_regex(a, 2)?, &input_arc(a, 0)?, 0),
    },
    StaticMethodDef {
        name: "Matches",
        owner: StaticType::Regex,
        params: &[S, S, O],
        result: Type::MatchCollection,
        call: |a, _| matches_value(&static_regex(a, 2)?, &input_arc(a, 0)?, 0),
    },
    StaticMethodDef {
        name: "Matches",
        owner: StaticType::Regex,
        params: &[S, S, O, TS],
        result: Type::MatchCollection,
        call: |a, _| matches_value(&static_regex(a, 2)?, &input_arc(a, 0)?, 0),
    },
    StaticMethodDef {
        name: "Replace",
        owner: StaticType::Regex,
        params: &[S, S, S],
        result: Type::String,
        call: |a, _| {
            let input = input_arc(a, 0)?;
            let regex = static_regex(a, 3)?;
            replace(&regex, &input, text_arg(a, 2, "replacement")?, -1, 0)
        },
    },
    StaticMethodDef {
        name: "Replace",
        owner: StaticType::Regex,
        params: &[S, S, S, O],
        result: Type::String,
        call: |a, _| {
            let input = input_arc(a, 0)?;
            let regex = static_regex(a, 3)?;
            replace(&regex, &input, text_arg(a, 2, "replacement")?, -1, 0)
        },
    },
    StaticMethodDef {
        name: "Replace",
        owner: StaticType::Regex,
        params: &[S, S, S, O, TS],
        result: Type::String,
        call: |a, _| {
            let input = input_arc(a, 0)?;
            let regex = static_regex(a, 3)?;
            replace(&regex, &input, text_arg(a, 2, "replacement")?, -1, 0)
        },
    },
    StaticMethodDef {
        name: "Split",
        owner: StaticType::Regex,
        params: &[S, S],
        result: Type::StringArray,
        call: |a, _| split(&static_regex(a, 2)?, &input_arc(a, 0)?, 0, 0),
    },
    StaticMethodDef {
        name: "Split",
        owner: StaticType::Regex,
        params: &[S, S, O],
        result: Type::StringArray,
        call: |a, _| split(&static_regex(a, 2)?, &input_arc(a, 0)?, 0, 0),
    },
    StaticMethodDef {
        name: "Split",
        owner: StaticType::Regex,
        params: &[S, S, O, TS],
        result: Type::StringArray,
        call: |a, _| split(&static_regex(a, 2)?, &input_arc(a, 0)?, 0, 0),
    },
    StaticMethodDef {
        name: "Escape",
        owner: StaticType::Regex,
        params: &[S],
        result: Type::String,
        call: |a, _| Ok(owned(escape(text_arg(a, 0, "str")?))),
    },
    StaticMethodDef {
        name: "Unescape",
        owner: StaticType::Regex,
        params: &[S],
        result: Type::String,
        call: |a, _| Ok(owned(unescape(text_arg(a, 0, "str")?)?)),
    },
];

fn construct<'a>(a: &[Value<'a>]) -> Result<Value<'a>, Exception> {
    let pattern = text_arg(a, 0, "pattern")?;
    Ok(Value::Regex(compiled(pattern, options_arg(a, 1))?))
}

pub(crate) const CONSTRUCTORS: &[ConstructorDef] = &[
    ConstructorDef {
        type_name: "Regex",
        params: &[S],
        result: Type::Regex,
        call: |a, _| construct(a),
    },
    ConstructorDef {
        type_name: "Regex",
        params: &[S, O],
        result: Type::Regex,
        call: |a, _| construct(a),
    },
    ConstructorDef {
        type_name: "Regex",
        params: &[S, O, TS],
        result: Type::Regex,
        call: |a, _| construct(a),
    },
];

/// An instance call: the regex, the input (`args[0]`) and the byte offset of `startat` at
/// `args[start_at]`.
fn instance(
    t: &Value<'_>,
    a: &[Value<'_>],
    start_at: usize,
) -> Result<(Arc<CompiledRegex>, Arc<str>, usize), Exception> {
    let regex = regex_of(t)?;
    let input = input_arc(a, 0)?;
    let start = start_arg(&input, a, start_at)?;
    Ok((regex, input, start))
}

const I: Type = Type::Int32;

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "IsMatch",
        owner: Type::Regex,
        params: &[S],
        result: Type::Boolean,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 1)?;
            is_match(&r, &i, s)
        },
    },
    MethodDef {
        name: "IsMatch",
        owner: Type::Regex,
        params: &[S, I],
        result: Type::Boolean,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 1)?;
            is_match(&r, &i, s)
        },
    },
    MethodDef {
        name: "Match",
        owner: Type::Regex,
        params: &[S],
        result: Type::Match,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 1)?;
            match_value(&r, &i, s)
        },
    },
    MethodDef {
        name: "Match",
        owner: Type::Regex,
        params: &[S, I],
        result: Type::Match,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 1)?;
            match_value(&r, &i, s)
        },
    },
    MethodDef {
        name: "Matches",
        owner: Type::Regex,
        params: &[S],
        result: Type::MatchCollection,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 1)?;
            matches_value(&r, &i, s)
        },
    },
    MethodDef {
        name: "Matches",
        owner: Type::Regex,
        params: &[S, I],
        result: Type::MatchCollection,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 1)?;
            matches_value(&r, &i, s)
        },
    },
    MethodDef {
        name: "Replace",
        owner: Type::Regex,
        params: &[S, S],
        result: Type::String,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 3)?;
            replace(&r, &i, text_arg(a, 1, "replacement")?, -1, s)
        },
    },
    MethodDef {
        name: "Replace",
        owner: Type::Regex,
        params: &[S, S, I],
        result: Type::String,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 3)?;
            replace(&r, &i, text_arg(a, 1, "replacement")?, int_of(a.get(2)), s)
        },
    },
    MethodDef {
        name: "Replace",
        owner: Type::Regex,
        params: &[S, S, I, I],
        result: Type::String,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 3)?;
            replace(&r, &i, text_arg(a, 1, "replacement")?, int_of(a.get(2)), s)
        },
    },
    MethodDef {
        name: "Split",
        owner: Type::Regex,
        params: &[S],
        result: Type::StringArray,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 2)?;
            split(&r, &i, 0, s)
        },
    },
    MethodDef {
        name: "Split",
        owner: Type::Regex,
        params: &[S, I],
        result: Type::StringArray,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 2)?;
            split(&r, &i, int_of(a.get(1)), s)
        },
    },
    MethodDef {
        name: "Split",
        owner: Type::Regex,
        params: &[S, I, I],
        result: Type::StringArray,
        call: |t, a, _| {
            let (r, i, s) = instance(t, a, 2)?;
            split(&r, &i, int_of(a.get(1)), s)
        },
    },
    MethodDef {
        name: "GetGroupNames",
        owner: Type::Regex,
        params: &[],
        result: Type::StringArray,
        call: |t, _, _| {
            let r = regex_of(t)?;
            Ok(Value::Strings(
                r.groups
                    .iter()
                    .map(|g| Some(Arc::from(g.name.as_str())))
                    .collect(),
            ))
        },
    },
    MethodDef {
        name: "GroupNameFromNumber",
        owner: Type::Regex,
        params: &[I],
        result: Type::String,
        call: |t, a, _| {
            let r = regex_of(t)?;
            let n = usize::try_from(int_of(a.first())).ok();
            Ok(owned(
                n.and_then(|n| r.groups.get(n))
                    .map_or(String::new(), |g| g.name.clone()),
            ))
        },
    },
    MethodDef {
        name: "GroupNumberFromName",
        owner: Type::Regex,
        params: &[S],
        result: Type::Int32,
        call: |t, a, _| {
            let r = regex_of(t)?;
            let name = text_arg(a, 0, "name")?;
            Ok(r.groups
                .iter()
                .position(|g| g.name == name)
                .map_or(Value::Int(-1), count))
        },
    },
    MethodDef {
        name: "ToString",
        owner: Type::Regex,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(display(t))),
    },
    MethodDef {
        name: "NextMatch",
        owner: Type::Match,
        params: &[],
        result: Type::Match,
        call: |t, _, _| match t {
            Value::Match(m) if m.success => {
                Ok(Value::Match(scan(&m.regex, &m.input, m.next_start())?))
            }
            other => Ok(other.clone()),
        },
    },
    MethodDef {
        name: "Result",
        owner: Type::Match,
        params: &[S],
        result: Type::String,
        call: |t, a, _| {
            let replacement = text_arg(a, 0, "replacement")?;
            let Value::Match(m) = t else {
                return Ok(Value::Null);
            };
            if !m.success {
                return Err(Exception::new(
                    ExceptionKind::InvalidOperation,
                    "Result cannot be called on a failed Match.",
                    Span::default(),
                ));
            }
            let mut out = String::new();
            expand(&parse_replacement(&m.regex, replacement), m, &mut out)?;
            Ok(owned(out))
        },
    },
    MethodDef {
        name: "ToString",
        owner: Type::Group,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(display(t))),
    },
    MethodDef {
        name: "ContainsKey",
        owner: Type::GroupCollection,
        params: &[S],
        result: Type::Boolean,
        call: |t, a, _| {
            let name = text_arg(a, 0, "key")?;
            let Value::Sequence(items) = t else {
                return Ok(Value::Bool(false));
            };
            Ok(Value::Bool(items.first().and_then(group_of).is_some_and(
                |(m, _)| m.success && m.regex.groups.iter().any(|g| g.name == name),
            )))
        },
    },
    MethodDef {
        name: "ToString",
        owner: Type::RegexOptions,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(display(t))),
    },
    MethodDef {
        name: "HasFlag",
        owner: Type::RegexOptions,
        params: &[O],
        result: Type::Boolean,
        call: |t, a, _| {
            let flag = options_arg(a, 0);
            Ok(Value::Bool(
                matches!(t, Value::RegexOptions(o) if o & flag == flag),
            ))
        },
    },
];

pub(crate) const MEMBERS: &[MemberDef] = &[
    MemberDef {
        name: "Options",
        owner: Type::Regex,
        ty: Type::RegexOptions,
        get: |t, _| Ok(Value::RegexOptions(regex_of(t)?.options)),
    },
    MemberDef {
        name: "Groups",
        owner: Type::Match,
        ty: Type::GroupCollection,
        get: |t, _| match t {
            Value::Match(m) => Ok(groups_of(m)),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Success",
        owner: Type::Group,
        ty: Type::Boolean,
        get: |t, _| {
            Ok(Value::Bool(
                group_span(t).is_some_and(|(m, s)| m.success && s.is_some()),
            ))
        },
    },
    MemberDef {
        name: "Value",
        owner: Type::Group,
        ty: Type::String,
        get: |t, _| Ok(owned(display(t))),
    },
    MemberDef {
        name: "Index",
        owner: Type::Group,
        ty: Type::Int32,
        get: |t, _| {
            Ok(Value::Int(match group_span(t) {
                Some((m, Some((s, _)))) => utf16_len(m.input.get(..s).unwrap_or("")),
                _ => 0,
            }))
        },
    },
    MemberDef {
        name: "Length",
        owner: Type::Group,
        ty: Type::Int32,
        get: |t, _| {
            Ok(Value::Int(match group_span(t) {
                Some((m, Some((s, e)))) => utf16_len(m.input.get(s..e).unwrap_or("")),
                _ => 0,
            }))
        },
    },
    MemberDef {
        name: "Name",
        owner: Type::Group,
        ty: Type::String,
        get: |t, _| {
            let name = group_of(t)
                .and_then(|(m, n)| m.regex.groups.get(n as usize).map(|g| g.name.clone()));
            Ok(owned(name.unwrap_or_default()))
        },
    },
    MemberDef {
        name: "Count",
        owner: Type::GroupCollection,
        ty: Type::Int32,
        get: |t, _| match t {
            Value::Sequence(items) => Ok(count(items.len())),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Count",
        owner: Type::MatchCollection,
        ty: Type::Int32,
        get: |t, _| match t {
            Value::Sequence(items) => Ok(count(items.len())),
            _ => Ok(Value::Null),
        },
    },
];

pub(crate) const INDEXERS: &[IndexerDef] = &[
    IndexerDef {
        owner: Type::GroupCollection,
        index: Type::Int32,
        result: Type::Group,
        get: group_by,
    },
    IndexerDef {
        owner: Type::GroupCollection,
        index: Type::String,
        result: Type::Group,
        get: group_by,
    },
    IndexerDef {
        owner: Type::MatchCollection,
        index: Type::Int32,
        result: Type::Match,
        get: |t, i| {
            let Value::Sequence(items) = t else {
                return Ok(Value::Null);
            };
            usize::try_from(int_of(Some(i)))
                .ok()
                .and_then(|n| items.get(n))
                .cloned()
                .ok_or_else(|| {
                    Exception::new(
                        ExceptionKind::ArgumentOutOfRange,
                        "Specified argument was out of the range of valid values. (Parameter 'i')",
                        Span::default(),
                    )
                })
        },
    },
];

/// `Cast<T>()`/`OfType<T>()` over the regex collections: the collection itself, typed as a
/// sequence.
pub(crate) const GENERIC_METHODS: &[GenericMethodDef] = &[
    GenericMethodDef {
        name: "Cast",
        owner: Type::MatchCollection,
        params: &[],
        result: Type::Sequence(&Type::Match),
        call: |t, _, _, _| Ok(t.clone()),
    },
    GenericMethodDef {
        name: "OfType",
        owner: Type::MatchCollection,
        params: &[],
        result: Type::Sequence(&Type::Match),
        call: |t, _, _, _| Ok(t.clone()),
    },
    GenericMethodDef {
        name: "Cast",
        owner: Type::GroupCollection,
        params: &[],
        result: Type::Sequence(&Type::Group),
        call: |t, _, _, _| Ok(t.clone()),
    },
];

/// `a | b` and `a & b` on `RegexOptions`.
pub(crate) fn options_operator(
    op: crate::expr::ast::BinaryOp,
    left: Type,
    right: Type,
) -> Option<(crate::expr::eval::OperatorFn, Type)> {
    use crate::expr::ast::BinaryOp;
    if left != Type::RegexOptions || right != Type::RegexOptions {
        return None;
    }
    let call: crate::expr::eval::OperatorFn = match op {
        BinaryOp::BitwiseOr => |a, b| {
            Ok(Value::RegexOptions(
                options_arg(std::slice::from_ref(a), 0) | options_arg(std::slice::from_ref(b), 0),
            ))
        },
        BinaryOp::BitwiseAnd => |a, b| {
            Ok(Value::RegexOptions(
                options_arg(std::slice::from_ref(a), 0) & options_arg(std::slice::from_ref(b), 0),
            ))
        },
        _ => return None,
    };
    Some((call, Type::RegexOptions))
}
