//! Evaluation of compiled expressions: the resolved node tree, the frame of locals, and the
//! .NET exceptions an expression can throw.
//!
//! Every member and method was resolved at load to a function pointer, so evaluation never looks
//! a name up by string; values borrow from the program and the context, so the seed conditions
//! evaluate without touching the heap.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use crate::context::Context;
use crate::diagnostic::Span;

use super::types::Type;
use super::value::Value;

/// The .NET exception types an expression can throw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExceptionKind {
    /// `System.NullReferenceException`
    NullReference,
    /// `System.InvalidCastException`
    InvalidCast,
    /// `System.ArgumentException`
    Argument,
    /// `System.ArgumentNullException`
    ArgumentNull,
    /// `System.DivideByZeroException`
    DivideByZero,
    /// `System.OverflowException`
    Overflow,
    /// `System.InvalidOperationException`
    InvalidOperation,
    /// `System.Collections.Generic.KeyNotFoundException`
    KeyNotFound,
    /// `System.IndexOutOfRangeException`
    IndexOutOfRange,
    /// `System.FormatException`
    Format,
    /// `System.ArgumentOutOfRangeException`
    ArgumentOutOfRange,
    /// `System.ArithmeticException`
    Arithmetic,
    /// `System.OutOfMemoryException` (a result beyond the evaluator's size limit)
    OutOfMemory,
    /// `System.Xml.XmlException`
    Xml,
    /// `Newtonsoft.Json.JsonReaderException` (JSON text that does not parse)
    JsonReader,
    /// `Newtonsoft.Json.JsonException`
    Json,
    /// `System.Exception` (thrown by a policy's own `throw new Exception(...)`)
    Exception,
    /// `System.Text.RegularExpressions.RegexMatchTimeoutException` (a match beyond the
    /// evaluator's backtracking budget)
    RegexMatchTimeout,
    /// `System.UriFormatException`
    UriFormat,
}

impl ExceptionKind {
    /// The .NET type name.
    pub fn type_name(self) -> &'static str {
        match self {
            ExceptionKind::NullReference => "System.NullReferenceException",
            ExceptionKind::InvalidCast => "System.InvalidCastException",
            ExceptionKind::Argument => "System.ArgumentException",
            ExceptionKind::ArgumentNull => "System.ArgumentNullException",
            ExceptionKind::DivideByZero => "System.DivideByZeroException",
            ExceptionKind::Overflow => "System.OverflowException",
            ExceptionKind::InvalidOperation => "System.InvalidOperationException",
            ExceptionKind::KeyNotFound => "System.Collections.Generic.KeyNotFoundException",
            ExceptionKind::IndexOutOfRange => "System.IndexOutOfRangeException",
            ExceptionKind::Format => "System.FormatException",
            ExceptionKind::ArgumentOutOfRange => "System.ArgumentOutOfRangeException",
            ExceptionKind::Arithmetic => "System.ArithmeticException",
            ExceptionKind::OutOfMemory => "System.OutOfMemoryException",
            ExceptionKind::Xml => "System.Xml.XmlException",
            ExceptionKind::JsonReader => "Newtonsoft.Json.JsonReaderException",
            ExceptionKind::Json => "Newtonsoft.Json.JsonException",
            ExceptionKind::Exception => "System.Exception",
            ExceptionKind::RegexMatchTimeout => {
                "System.Text.RegularExpressions.RegexMatchTimeoutException"
            }
            ExceptionKind::UriFormat => "System.UriFormatException",
        }
    }
}

/// A .NET exception thrown while evaluating an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The exception type.
    pub kind: ExceptionKind,
    /// The exception's `Message`, as .NET words it.
    pub message: Cow<'static, str>,
    /// Where in the expression text it was thrown.
    pub span: Span,
}

impl Exception {
    /// A `NullReferenceException` at `span`.
    pub fn null_reference(span: Span) -> Self {
        Self {
            kind: ExceptionKind::NullReference,
            message: Cow::Borrowed("Object reference not set to an instance of an object."),
            span,
        }
    }

    /// An exception of `kind` with `message`, at `span`.
    pub fn new(kind: ExceptionKind, message: impl Into<Cow<'static, str>>, span: Span) -> Self {
        Self {
            kind,
            message: message.into(),
            span,
        }
    }
}

impl fmt::Display for Exception {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.type_name(), self.message)
    }
}

impl std::error::Error for Exception {}

/// Reads a member of a non-null target.
pub(crate) type MemberFn = for<'a> fn(&Value<'a>, &'a Context) -> Result<Value<'a>, Exception>;
/// Reads a static member.
pub(crate) type StaticFn = for<'a> fn(&'a Context) -> Result<Value<'a>, Exception>;
/// Calls a method on a non-null target with evaluated arguments.
pub(crate) type MethodFn =
    for<'a> fn(&Value<'a>, &[Value<'a>], &'a Context) -> Result<Value<'a>, Exception>;
/// Calls a static method with evaluated arguments.
pub(crate) type StaticMethodFn =
    for<'a> fn(&[Value<'a>], &'a Context) -> Result<Value<'a>, Exception>;
/// Calls a static method with a trailing `out` parameter: the result and the `out` value.
pub(crate) type OutMethodFn =
    for<'a> fn(&[Value<'a>], &'a Context) -> Result<(Value<'a>, Value<'a>), Exception>;
/// Calls a generic method (`GetValueOrDefault<T>`) with its type argument.
pub(crate) type GenericMethodFn =
    for<'a> fn(&Value<'a>, &[Value<'a>], Type, &'a Context) -> Result<Value<'a>, Exception>;
/// A library-defined binary operator (`DateTime - DateTime`, `DateTime + TimeSpan`, ...).
pub(crate) type OperatorFn = for<'a> fn(&Value<'a>, &Value<'a>) -> Result<Value<'a>, Exception>;
/// Reads `target[index]` of a non-null target.
pub(crate) type IndexerFn = for<'a> fn(&Value<'a>, &Value<'a>) -> Result<Value<'a>, Exception>;
/// A collection operation that may add elements (`Add`, `new List<T> { ... }`, `ToList()`,
/// `l[i] = x`): it charges what it adds to the evaluation budget through the frame. Gets the
/// target (none for constructors), the arguments and the collection type the call builds.
pub(crate) type GrowFn = for<'a> fn(
    Option<&Value<'a>>,
    &[Value<'a>],
    Type,
    &mut Frame<'a>,
    Span,
) -> Result<Value<'a>, Exception>;
/// An instance method with a trailing `out` parameter (`TryGetValue(key, out var v)`): the
/// result and the `out` value.
pub(crate) type InstanceOutFn =
    for<'a> fn(&Value<'a>, &[Value<'a>]) -> Result<(Value<'a>, Value<'a>), Exception>;
/// A constant folded at load.
#[derive(Debug, Clone)]
pub(crate) enum Constant {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Double(f64),
    Char(char),
    Str(Box<str>),
}

/// How `==`, `<`, ... compare, decided at load from the operand types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompareKind {
    /// Ordinal string equality (C# `string ==`).
    String,
    /// `bool`.
    Bool,
    /// Integer types widened to `i64`.
    Integer,
    /// Floating point.
    Double,
    /// `DateTime` ticks.
    DateTime,
    /// Reference identity (class types without `==` overloads), including `x == null`.
    Reference,
    /// `Guid` value equality.
    Guid,
    /// `decimal` values (and integers converted to decimal).
    Decimal,
    /// `DateTimeOffset` UTC instants.
    DateTimeOffset,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompareOp {
    Equal,
    NotEqual,
    Less,
    Greater,
    LessOrEqual,
    GreaterOrEqual,
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
}

/// Numeric kind of an arithmetic operation, after C#'s binary numeric promotion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumKind {
    Int32,
    Int64,
    Double,
}

/// A compiled expression node.
#[derive(Debug)]
pub(crate) enum Node {
    Const(Constant),
    Context,
    Local(u16),
    Member {
        target: Box<Node>,
        get: MemberFn,
        null_conditional: bool,
        span: Span,
    },
    Static {
        get: StaticFn,
    },
    Method {
        target: Box<Node>,
        call: MethodFn,
        args: Box<[Node]>,
        null_conditional: bool,
        span: Span,
    },
    StaticMethod {
        call: StaticMethodFn,
        args: Box<[Node]>,
    },
    GenericMethod {
        target: Box<Node>,
        call: GenericMethodFn,
        type_arg: Type,
        args: Box<[Node]>,
        null_conditional: bool,
        span: Span,
    },
    Index {
        target: Box<Node>,
        get: IndexerFn,
        index: Box<Node>,
        null_conditional: bool,
        span: Span,
    },
    /// `(T)x`: a runtime-checked conversion.
    Cast {
        to: Type,
        operand: Box<Node>,
        span: Span,
    },
    /// `(T)x` between numeric types.
    Numeric {
        to: Type,
        operand: Box<Node>,
        span: Span,
    },
    /// `x as T`.
    As {
        to: Type,
        operand: Box<Node>,
    },
    /// `x is T` / `x is T name`.
    Is {
        ty: Type,
        operand: Box<Node>,
        binding: Option<u16>,
    },
    /// A LINQ operator over a sequence, with its optional lambda (parameter `slot`, `body`)
    /// or value argument.
    Linq {
        op: super::lib::LinqOp,
        source: Box<Node>,
        slot: u16,
        lambda: Option<Box<Node>>,
        arg: Option<Box<Node>>,
        kind: CompareKind,
        null_conditional: bool,
        span: Span,
    },
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Compare {
        op: CompareOp,
        kind: CompareKind,
        left: Box<Node>,
        right: Box<Node>,
    },
    Arith {
        op: ArithOp,
        kind: NumKind,
        left: Box<Node>,
        right: Box<Node>,
        span: Span,
    },
    Negate {
        kind: NumKind,
        operand: Box<Node>,
        span: Span,
    },
    Concat(Box<Node>, Box<Node>),
    /// `$"..."`: text and formatted holes.
    Interpolated(Box<[InterpolatedPart]>),
    Operator {
        call: OperatorFn,
        left: Box<Node>,
        right: Box<Node>,
        span: Span,
    },
    Conditional(Box<Node>, Box<Node>, Box<Node>),
    Coalesce(Box<Node>, Box<Node>),
    /// A static method with a trailing `out` argument stored into local `slot`.
    OutCall {
        call: OutMethodFn,
        args: Box<[Node]>,
        slot: u16,
    },
    /// A collection operation that may add elements (see [`GrowFn`]); `target` is `None` for
    /// constructors and initialisers, `ty` the collection type built.
    Grow {
        target: Option<Box<Node>>,
        call: GrowFn,
        args: Box<[Node]>,
        ty: Type,
        null_conditional: bool,
        span: Span,
    },
    /// `ToList()`, `ToArray()`, `ToHashSet()`, `ToDictionary(k[, v])` into a collection of
    /// type `ty`; `key`/`value` are the selector lambdas (parameter slot, body).
    Collect {
        source: Box<Node>,
        ty: Type,
        selectors: Box<Selectors>,
        null_conditional: bool,
        span: Span,
    },
    /// `Select((x, i) => ...)` (`select: true`) or `Where((x, i) => ...)`.
    Indexed {
        select: bool,
        source: Box<Node>,
        item_slot: u16,
        index_slot: u16,
        body: Box<Node>,
        null_conditional: bool,
        span: Span,
    },
    /// An instance method with a trailing `out` argument stored into local `slot`.
    InstanceOut {
        target: Box<Node>,
        call: InstanceOutFn,
        args: Box<[Node]>,
        slot: u16,
        null_conditional: bool,
        span: Span,
    },
    /// A block-bodied lambda's statements.
    Statements(Box<super::block::StmtNode>),
    /// A call of local function `function` (an index into the program's functions).
    LocalCall {
        function: u16,
        args: Box<[Node]>,
        span: Span,
    },
    /// A chain of member reads `root.A.B.C`, fused at load ([`Node::member`]); the same
    /// semantics as the nested `Member`s it replaces, without a recursion per member.
    Path {
        root: Box<Node>,
        steps: Box<[PathStep]>,
    },
    /// `operand == null` (or `!=` when `negate`) on a reference type.
    IsNull {
        operand: Box<Node>,
        negate: bool,
    },
    /// Ordinal `string ==` / `!=` with a constant string.
    CompareStr {
        op: CompareOp,
        operand: Box<Node>,
        constant: Box<str>,
    },
    /// `source.Any(x => left op right)` (or `All` when `all`) where `right` does not depend on
    /// `x` and has no side effects: `right` is evaluated once, at the first item (where C#
    /// would first evaluate it, so exceptions and their order are unchanged).
    LinqCompare(Box<LinqCompare>),
    /// A LINQ operator or `List<T>` method of [`super::lib::LinqEx`], with its lambdas.
    LinqEx(Box<LinqExNode>),
}

/// One lambda of a [`Node::LinqEx`]: its parameters' slots and its body.
#[derive(Debug)]
pub(crate) struct LinqLambda {
    pub(crate) slots: Box<[u16]>,
    pub(crate) body: Node,
}

/// The operands of a [`Node::LinqEx`].
#[derive(Debug)]
pub(crate) struct LinqExNode {
    pub(crate) op: super::lib::LinqEx,
    /// The sequence (`None` for `Enumerable.Range`/`Repeat`/`Empty`).
    pub(crate) source: Option<Node>,
    pub(crate) args: Box<[Node]>,
    pub(crate) lambdas: Box<[LinqLambda]>,
    pub(crate) info: super::lib::LinqExInfo,
    pub(crate) null_conditional: bool,
    pub(crate) span: Span,
}

/// The evaluator as a [`super::lib::LinqEnv`]: runs a [`Node::LinqEx`]'s lambdas.
struct LinqExEnv<'f, 'a> {
    frame: &'f mut Frame<'a>,
    lambdas: &'a [LinqLambda],
    span: Span,
}

impl<'a> super::lib::LinqEnv<'a> for LinqExEnv<'_, 'a> {
    fn call(&mut self, which: usize, args: &[Value<'a>]) -> Result<Value<'a>, Exception> {
        self.frame.tick(self.span)?;
        let Some(lambda) = self.lambdas.get(which) else {
            return Ok(Value::Null);
        };
        for (slot, value) in lambda.slots.iter().zip(args) {
            self.frame.set(*slot, value.clone());
        }
        eval(&lambda.body, self.frame)
    }

    fn tick(&mut self) -> Result<(), Exception> {
        self.frame.tick(self.span)
    }
}

/// The key and value selector lambdas of a [`Node::Collect`]: parameter slot and body.
#[derive(Debug)]
pub(crate) struct Selectors {
    pub(crate) key: Option<(u16, Node)>,
    pub(crate) value: Option<(u16, Node)>,
}

/// The operands of a [`Node::LinqCompare`].
#[derive(Debug)]
pub(crate) struct LinqCompare {
    all: bool,
    source: Node,
    slot: u16,
    op: CompareOp,
    kind: CompareKind,
    left: Node,
    right: Node,
    null_conditional: bool,
    span: Span,
}

/// One member read of a [`Node::Path`].
#[derive(Debug)]
pub(crate) struct PathStep {
    get: MemberFn,
    null_conditional: bool,
    span: Span,
    /// The member when the evaluator knows it ([`Accessor::Other`] otherwise).
    accessor: Accessor,
}

/// A member of the context tree or of a certificate that a [`Node::Path`] reads in place,
/// without the call through the resolved function pointer. The pointer stays the fallback for a
/// value of another variant, so the semantics are the member's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accessor {
    /// Any other member: through the function pointer.
    Other,
    /// `context.Request`
    Request,
    /// `context.Deployment`
    Deployment,
    /// `context.Request.Certificate`
    Certificate,
    /// `context.Deployment.Certificates`
    Certificates,
    /// `KeyValuePair<string, X509Certificate2>.Key`
    EntryKey,
    /// `KeyValuePair<string, X509Certificate2>.Value`
    EntryValue,
    /// `X509Certificate2.Thumbprint`
    Thumbprint,
    /// `X509Certificate2.Issuer`
    Issuer,
    /// `X509Certificate2.Subject`
    Subject,
    /// `X509Certificate2.SubjectName`
    SubjectName,
    /// `X509Certificate2.IssuerName`
    IssuerName,
    /// `X500DistinguishedName.Name`
    Name,
    /// `X509Certificate2.NotAfter`
    NotAfter,
    /// `X509Certificate2.NotBefore`
    NotBefore,
}

impl Accessor {
    /// The accessor of member `name` of `owner` (as resolved at load).
    pub(crate) fn of(owner: Type, name: &str) -> Accessor {
        match (owner, name) {
            (Type::Context, "Request") => Accessor::Request,
            (Type::Context, "Deployment") => Accessor::Deployment,
            (Type::Request, "Certificate") => Accessor::Certificate,
            (Type::Deployment, "Certificates") => Accessor::Certificates,
            (Type::CertificateEntry, "Key") => Accessor::EntryKey,
            (Type::CertificateEntry, "Value") => Accessor::EntryValue,
            (Type::X509Certificate2, "Thumbprint") => Accessor::Thumbprint,
            (Type::X509Certificate2, "Issuer") => Accessor::Issuer,
            (Type::X509Certificate2, "Subject") => Accessor::Subject,
            (Type::X509Certificate2, "SubjectName") => Accessor::SubjectName,
            (Type::X509Certificate2, "IssuerName") => Accessor::IssuerName,
            (Type::X500DistinguishedName, "Name") => Accessor::Name,
            (Type::X509Certificate2, "NotAfter") => Accessor::NotAfter,
            (Type::X509Certificate2, "NotBefore") => Accessor::NotBefore,
            _ => Accessor::Other,
        }
    }
}

/// Reads one member of a non-null `value`: known members in place, others through `get`.
#[inline(always)]
fn read<'a>(
    accessor: Accessor,
    value: Value<'a>,
    get: MemberFn,
    context: &'a Context,
) -> Result<Value<'a>, Exception> {
    use super::value::DateTime;
    let next = match (accessor, &value) {
        (Accessor::Request, &Value::Context(c)) => Value::Request(c.request()),
        (Accessor::Deployment, &Value::Context(c)) => Value::Deployment(c.deployment()),
        (Accessor::Certificate, &Value::Request(r)) => r
            .certificate
            .as_deref()
            .map_or(Value::Null, Value::Certificate),
        (Accessor::Certificates, &Value::Deployment(d)) => {
            Value::CertificateDictionary(d.certificates())
        }
        (Accessor::EntryKey, &Value::CertificateEntry(e)) => Value::Str(&e.id),
        (Accessor::EntryValue, &Value::CertificateEntry(e)) => Value::Certificate(&e.certificate),
        (Accessor::Thumbprint, &Value::Certificate(c)) => Value::Str(c.thumbprint()),
        (Accessor::Issuer, &Value::Certificate(c)) => Value::Str(c.issuer()),
        (Accessor::Subject, &Value::Certificate(c)) => Value::Str(c.subject()),
        (Accessor::SubjectName, &Value::Certificate(c)) => {
            Value::DistinguishedName(c.subject_name())
        }
        (Accessor::IssuerName, &Value::Certificate(c)) => Value::DistinguishedName(c.issuer_name()),
        (Accessor::Name, &Value::DistinguishedName(name)) => Value::Str(name),
        (Accessor::NotAfter, &Value::Certificate(c)) => {
            Value::DateTime(DateTime::from_unix_seconds(c.not_after()))
        }
        (Accessor::NotBefore, &Value::Certificate(c)) => {
            Value::DateTime(DateTime::from_unix_seconds(c.not_before()))
        }
        _ => return get(&value, context),
    };
    borrowed(value);
    Ok(next)
}

/// Ends a value known to be one of the variants that only borrow (or hold `Copy` data), which
/// have nothing to drop, without the out-of-line `drop_in_place::<Value>` call.
#[inline(always)]
fn borrowed(value: Value<'_>) {
    debug_assert!(!matches!(
        value,
        Value::String(_) | Value::ByteArray(_) | Value::Collection(_) | Value::JsonNode(_)
    ));
    std::mem::forget(value);
}

impl Node {
    /// `target.member` (`?.member` when `null_conditional`): one [`Node::Member`], or, on a
    /// member read, the chain fused into one [`Node::Path`].
    pub(crate) fn member(target: Node, get: MemberFn, null_conditional: bool, span: Span) -> Node {
        Node::member_step(
            target,
            PathStep {
                get,
                null_conditional,
                span,
                accessor: Accessor::Other,
            },
        )
    }

    /// [`Node::member`] of member `name` of `owner`: a member of the context tree or of a
    /// certificate ([`Accessor`]) is read in place, even alone (a one-step [`Node::Path`]).
    pub(crate) fn member_of(
        target: Node,
        get: MemberFn,
        owner: Type,
        name: &str,
        null_conditional: bool,
        span: Span,
    ) -> Node {
        let accessor = Accessor::of(owner, name);
        if accessor == Accessor::Other {
            return Node::member(target, get, null_conditional, span);
        }
        let step = PathStep {
            get,
            null_conditional,
            span,
            accessor,
        };
        match target {
            target @ (Node::Path { .. } | Node::Member { .. }) => Node::member_step(target, step),
            root => Node::Path {
                root: Box::new(root),
                steps: Box::new([step]),
            },
        }
    }

    /// Appends one member read to `target`.
    fn member_step(target: Node, step: PathStep) -> Node {
        match target {
            Node::Path { root, steps } => {
                let mut steps = steps.into_vec();
                steps.push(step);
                Node::Path {
                    root,
                    steps: steps.into_boxed_slice(),
                }
            }
            Node::Member {
                target,
                get,
                null_conditional,
                span,
            } => Node::Path {
                root: target,
                steps: Box::new([
                    PathStep {
                        get,
                        null_conditional,
                        span,
                        accessor: Accessor::Other,
                    },
                    step,
                ]),
            },
            target => Node::Member {
                target: Box::new(target),
                get: step.get,
                null_conditional: step.null_conditional,
                span: step.span,
            },
        }
    }

    /// `left op right` compared as `kind`, specialised for `== null` and string constants.
    pub(crate) fn compare(op: CompareOp, kind: CompareKind, left: Node, right: Node) -> Node {
        let equality = matches!(op, CompareOp::Equal | CompareOp::NotEqual);
        match (kind, left, right) {
            (CompareKind::Reference, operand, Node::Const(Constant::Null))
            | (CompareKind::Reference, Node::Const(Constant::Null), operand)
                if equality =>
            {
                Node::IsNull {
                    operand: Box::new(operand),
                    negate: op == CompareOp::NotEqual,
                }
            }
            (CompareKind::String, operand, Node::Const(Constant::Str(constant)))
            | (CompareKind::String, Node::Const(Constant::Str(constant)), operand)
                if equality =>
            {
                Node::CompareStr {
                    op,
                    operand: Box::new(operand),
                    constant,
                }
            }
            (kind, left, right) => Node::Compare {
                op,
                kind,
                left: Box::new(left),
                right: Box::new(right),
            },
        }
    }

    /// A LINQ operator node; `Any`/`All` whose lambda compares with a value that does not
    /// depend on the lambda's parameter become [`Node::LinqCompare`].
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn linq(
        op: super::lib::LinqOp,
        source: Node,
        slot: u16,
        lambda: Option<Box<Node>>,
        arg: Option<Box<Node>>,
        kind: CompareKind,
        null_conditional: bool,
        span: Span,
    ) -> Node {
        use super::lib::LinqOp;
        let all = op == LinqOp::All;
        if matches!(op, LinqOp::Any | LinqOp::All) && arg.is_none() {
            match lambda.map(|b| *b) {
                Some(Node::Compare {
                    op: compare_op,
                    kind: compare_kind,
                    left,
                    right,
                }) if right.is_invariant() => {
                    return Node::LinqCompare(Box::new(LinqCompare {
                        all,
                        source,
                        slot,
                        op: compare_op,
                        kind: compare_kind,
                        left: *left,
                        right: *right,
                        null_conditional,
                        span,
                    }));
                }
                Some(Node::CompareStr {
                    op: compare_op,
                    operand,
                    constant,
                }) => {
                    return Node::LinqCompare(Box::new(LinqCompare {
                        all,
                        source,
                        slot,
                        op: compare_op,
                        kind: CompareKind::String,
                        left: *operand,
                        right: Node::Const(Constant::Str(constant)),
                        null_conditional,
                        span,
                    }));
                }
                body => {
                    return Node::Linq {
                        op,
                        source: Box::new(source),
                        slot,
                        lambda: body.map(Box::new),
                        arg,
                        kind,
                        null_conditional,
                        span,
                    };
                }
            }
        }
        Node::Linq {
            op,
            source: Box::new(source),
            slot,
            lambda,
            arg,
            kind,
            null_conditional,
            span,
        }
    }

    /// Whether evaluating this node reads no local and has no side effects: constants, `context`,
    /// static members and member reads of those.
    fn is_invariant(&self) -> bool {
        match self {
            Node::Const(_) | Node::Context | Node::Static { .. } => true,
            Node::Member { target, .. } => target.is_invariant(),
            Node::Path { root, .. } => root.is_invariant(),
            _ => false,
        }
    }
}

/// Most loop iterations and lambda calls one evaluation may run (all together): the default
/// of [`EvaluationLimits::max_steps`].
pub const MAX_LOOP_ITERATIONS: u64 = 100_000;

/// Longest string (UTF-16 code units) one concatenation or interpolation may build: the default
/// of [`EvaluationLimits::max_string_length`] (16 Mi units, 32 MiB).
pub const MAX_STRING_LENGTH: usize = 1 << 24;

/// Limits on one evaluation of an expression, carried by the request
/// [`Context`](crate::context::Context) (`Context::with_limits`). The defaults let every
/// real-world policy run; a policy beyond them throws a .NET exception instead of running
/// without bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluationLimits {
    /// Most loop iterations (`while`, `do`, `for`, `foreach`) and lambda calls one evaluation
    /// may run, all together (default [`MAX_LOOP_ITERATIONS`], 100 000). Beyond it the
    /// expression throws `System.InvalidOperationException`.
    pub max_steps: u64,
    /// Longest string, in UTF-16 code units, that `+` on strings or an interpolated string may
    /// build (default [`MAX_STRING_LENGTH`]). Beyond it the expression throws
    /// `System.OutOfMemoryException`, as .NET does when a string outgrows memory.
    pub max_string_length: usize,
}

impl Default for EvaluationLimits {
    fn default() -> Self {
        Self {
            max_steps: MAX_LOOP_ITERATIONS,
            max_string_length: MAX_STRING_LENGTH,
        }
    }
}

/// The `OutOfMemoryException` for a string beyond [`EvaluationLimits::max_string_length`].
#[cold]
fn string_too_long(span: Span) -> Exception {
    Exception::new(
        ExceptionKind::OutOfMemory,
        "Insufficient memory to continue the execution of the program.",
        span,
    )
}

/// Fails when `text` is longer than the evaluation's string limit. UTF-8 bytes bound UTF-16
/// units from above, so the exact count is only taken near the limit.
fn check_length(text: &str, limit: usize, span: Span) -> Result<(), Exception> {
    if text.len() > limit && text.encode_utf16().count() > limit {
        return Err(string_too_long(span));
    }
    Ok(())
}

/// A piece of an interpolated string.
#[derive(Debug)]
pub(crate) enum InterpolatedPart {
    Text(Box<str>),
    Hole {
        value: Node,
        /// `,alignment`: positive pads on the left, negative on the right.
        alignment: i32,
        /// `:format`.
        format: Box<str>,
        span: Span,
    },
}

/// How many locals live inline in a frame before the frame spills to the heap.
const INLINE_LOCALS: usize = 8;

/// The locals of one evaluation.
pub(crate) struct Frame<'a> {
    pub(crate) context: &'a Context,
    steps: u64,
    max_steps: u64,
    /// How many locals the program declares.
    slots: u16,
    locals: Locals<'a>,
    /// The program's local functions.
    pub(crate) functions: &'a [super::block::LocalFunction],
    /// How many local function calls are running (nested).
    pub(crate) depth: u32,
}

/// Local slots: none for most conditions, inline for a few, on the heap for many. (The inline
/// variant is large on purpose: it keeps lambdas' locals off the heap.)
#[allow(clippy::large_enum_variant)]
enum Locals<'a> {
    None,
    Inline([Value<'a>; INLINE_LOCALS]),
    Heap(Vec<Value<'a>>),
}

impl<'a> Frame<'a> {
    #[inline(always)]
    pub(crate) fn new(context: &'a Context, slots: u16) -> Self {
        Self {
            context,
            steps: 0,
            max_steps: context.limits().max_steps,
            slots,
            locals: Locals::None,
            functions: &[],
            depth: 0,
        }
    }

    /// Makes room for the frame's locals, at the first `set` (most conditions have none; a
    /// frame built with its inline array up front would be copied on every evaluation).
    #[cold]
    #[inline(never)]
    fn allocate(&mut self) {
        let slots = usize::from(self.slots);
        self.locals = if slots <= INLINE_LOCALS {
            Locals::Inline([const { Value::Null }; INLINE_LOCALS])
        } else {
            Locals::Heap(vec![Value::Null; slots])
        };
    }

    /// Counts one step of a loop; fails past the limit (no policy expression may spin forever).
    #[inline]
    pub(crate) fn tick(&mut self, span: Span) -> Result<(), Exception> {
        self.steps = self.steps.saturating_add(1);
        if self.steps > self.max_steps {
            return Err(self.over_budget(span));
        }
        Ok(())
    }

    /// The exception for an evaluation beyond its step budget.
    #[cold]
    #[inline(never)]
    fn over_budget(&self, span: Span) -> Exception {
        Exception::new(
            ExceptionKind::InvalidOperation,
            format!(
                "The expression exceeded the limit of {} loop iterations and lambda calls.",
                self.max_steps
            ),
            span,
        )
    }

    /// Counts `steps` steps at once (elements a collection receives); fails past the limit.
    pub(crate) fn charge(&mut self, steps: u64, span: Span) -> Result<(), Exception> {
        if steps == 0 {
            return Ok(());
        }
        self.steps = self.steps.saturating_add(steps.saturating_sub(1));
        self.tick(span)
    }

    /// The value of local `slot`.
    pub(crate) fn get(&self, slot: u16) -> Value<'a> {
        let slot = usize::from(slot);
        let found = match &self.locals {
            Locals::None => None,
            Locals::Inline(values) => values.get(slot),
            Locals::Heap(values) => values.get(slot),
        };
        found.cloned().unwrap_or(Value::Null)
    }

    /// Sets local `slot`.
    pub(crate) fn set(&mut self, slot: u16, value: Value<'a>) {
        if matches!(self.locals, Locals::None) && slot < self.slots {
            self.allocate();
        }
        let slot = usize::from(slot);
        let found = match &mut self.locals {
            Locals::None => None,
            Locals::Inline(values) => values.get_mut(slot),
            Locals::Heap(values) => values.get_mut(slot),
        };
        if let Some(v) = found {
            *v = value;
        }
    }
}

/// Most arguments a call evaluates into a stack buffer before it needs the heap.
const INLINE_ARGS: usize = 4;

fn with_args<'a, R>(
    args: &'a [Node],
    frame: &mut Frame<'a>,
    f: impl FnOnce(&[Value<'a>], &mut Frame<'a>) -> Result<R, Exception>,
) -> Result<R, Exception> {
    if args.is_empty() {
        f(&[], frame)
    } else if args.len() <= INLINE_ARGS {
        let mut buffer: [Value<'a>; INLINE_ARGS] = [const { Value::Null }; INLINE_ARGS];
        for (slot, arg) in buffer.iter_mut().zip(args) {
            *slot = eval(arg, frame)?;
        }
        f(buffer.get(..args.len()).unwrap_or(&[]), frame)
    } else {
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(eval(arg, frame)?);
        }
        f(&values, frame)
    }
}

fn as_bool(value: &Value<'_>, span: Span) -> Result<bool, Exception> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Null => Err(Exception::new(
            ExceptionKind::InvalidOperation,
            "Nullable object must have a value.",
            span,
        )),
        _ => Err(Exception::new(
            ExceptionKind::InvalidCast,
            "Specified cast is not valid.",
            span,
        )),
    }
}

fn as_i64(value: &Value<'_>) -> Option<i64> {
    match value {
        Value::Int(i) => Some(i64::from(*i)),
        Value::Long(i) => Some(*i),
        Value::Char(c) => Some(i64::from(u32::from(*c))),
        Value::Byte(b) => Some(i64::from(*b)),
        Value::KeyUsageFlags(f) => Some(i64::from(*f)),
        Value::NameType(t) => Some(*t as i64),
        Value::TimeSpan(t) => Some(*t),
        Value::DayOfWeek(d) => Some(i64::from(*d)),
        Value::StringComparison(c) | Value::SplitOptions(c) | Value::MidpointRounding(c) => {
            Some(i64::from(*c))
        }
        _ => None,
    }
}

fn as_f64(value: &Value<'_>) -> Option<f64> {
    match value {
        Value::Double(d) => Some(*d),
        // i64 → f64 is C#'s implicit conversion; precision loss is .NET's too.
        #[allow(clippy::cast_precision_loss)]
        other => as_i64(other).map(|i| i as f64),
    }
}

fn same_reference(left: &Value<'_>, right: &Value<'_>) -> bool {
    match (left, right) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Certificate(a), Value::Certificate(b)) => std::ptr::eq(*a, *b),
        (Value::Context(a), Value::Context(b)) => std::ptr::eq(*a, *b),
        (Value::Request(a), Value::Request(b)) => std::ptr::eq(*a, *b),
        (Value::Deployment(a), Value::Deployment(b)) => std::ptr::eq(*a, *b),
        (Value::CertificateDictionary(a), Value::CertificateDictionary(b)) => std::ptr::eq(*a, *b),
        (Value::Collection(a), Value::Collection(b)) => std::sync::Arc::ptr_eq(a, b),
        (Value::JsonNode(a), Value::JsonNode(b)) => a.same(b),
        // object == object on boxed values compares references; two evaluations never share a box.
        _ => false,
    }
}

/// `left op right` under `kind` (shared with `switch`).
pub(crate) fn compare_values<'a>(
    op: CompareOp,
    kind: CompareKind,
    left: &Value<'a>,
    right: &Value<'a>,
) -> bool {
    compare(op, kind, left, right)
}

fn compare<'a>(op: CompareOp, kind: CompareKind, left: &Value<'a>, right: &Value<'a>) -> bool {
    let ordering: Option<Ordering> = match kind {
        CompareKind::String => match (left.as_str(), right.as_str()) {
            (Some(a), Some(b)) => Some(a.cmp(b)),
            (None, None) => Some(Ordering::Equal),
            _ => None,
        },
        CompareKind::Bool => match (left, right) {
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Null, Value::Null) => Some(Ordering::Equal),
            _ => None,
        },
        CompareKind::Integer => match (as_i64(left), as_i64(right)) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            (None, None) => Some(Ordering::Equal),
            _ => None,
        },
        CompareKind::Double => match (as_f64(left), as_f64(right)) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            (None, None) if left.is_null() && right.is_null() => Some(Ordering::Equal),
            _ => None,
        },
        CompareKind::DateTime => match (left, right) {
            (Value::DateTime(a), Value::DateTime(b)) => Some(a.ticks.cmp(&b.ticks)),
            (Value::Null, Value::Null) => Some(Ordering::Equal),
            _ => None,
        },
        CompareKind::Guid => match (left, right) {
            (Value::Guid(a), Value::Guid(b)) => Some(a.cmp(b)),
            (Value::Null, Value::Null) => Some(Ordering::Equal),
            _ => None,
        },
        CompareKind::Decimal => match (left, right) {
            (Value::Null, Value::Null) => Some(Ordering::Equal),
            _ => super::lib::decimal_ordering(left, right),
        },
        CompareKind::DateTimeOffset => match (left, right) {
            (Value::Null, Value::Null) => Some(Ordering::Equal),
            _ => super::lib::offset_ordering(left, right),
        },
        CompareKind::Reference => {
            if same_reference(left, right) {
                Some(Ordering::Equal)
            } else {
                None
            }
        }
    };
    // As in C#: a lifted comparison with null (or NaN) is false, except `!=`.
    match op {
        CompareOp::Equal => ordering == Some(Ordering::Equal),
        CompareOp::NotEqual => ordering != Some(Ordering::Equal),
        CompareOp::Less => ordering == Some(Ordering::Less),
        CompareOp::Greater => ordering == Some(Ordering::Greater),
        CompareOp::LessOrEqual => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        CompareOp::GreaterOrEqual => {
            matches!(ordering, Some(Ordering::Greater | Ordering::Equal))
        }
    }
}

fn overflow(span: Span) -> Exception {
    // Unchecked C# arithmetic wraps; only division by zero and MinValue / -1 throw.
    Exception::new(
        ExceptionKind::Overflow,
        "Arithmetic operation resulted in an overflow.",
        span,
    )
}

fn divide_by_zero(span: Span) -> Exception {
    Exception::new(
        ExceptionKind::DivideByZero,
        "Attempted to divide by zero.",
        span,
    )
}

fn arith<'a>(
    op: ArithOp,
    kind: NumKind,
    left: &Value<'a>,
    right: &Value<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    if left.is_null() || right.is_null() {
        // Lifted operators on nullable numbers give null.
        return Ok(Value::Null);
    }
    match kind {
        NumKind::Int32 | NumKind::Int64 => {
            let (Some(a), Some(b)) = (as_i64(left), as_i64(right)) else {
                return Err(Exception::new(
                    ExceptionKind::InvalidCast,
                    "Specified cast is not valid.",
                    span,
                ));
            };
            // Unchecked C# arithmetic wraps; only division by zero and MinValue / -1 throw.
            macro_rules! integer {
                ($a:expr, $b:expr) => {{
                    let (a, b) = ($a, $b);
                    match op {
                        ArithOp::Add => a.wrapping_add(b),
                        ArithOp::Subtract => a.wrapping_sub(b),
                        ArithOp::Multiply => a.wrapping_mul(b),
                        ArithOp::Divide | ArithOp::Remainder if b == 0 => {
                            return Err(divide_by_zero(span));
                        }
                        ArithOp::Divide => a.checked_div(b).ok_or_else(|| overflow(span))?,
                        ArithOp::Remainder => a.checked_rem(b).unwrap_or(0),
                    }
                }};
            }
            let result = if kind == NumKind::Int32 {
                i64::from(integer!(a as i32, b as i32))
            } else {
                integer!(a, b)
            };
            Ok(if kind == NumKind::Int32 {
                Value::Int(result as i32)
            } else {
                Value::Long(result)
            })
        }
        NumKind::Double => {
            let (Some(a), Some(b)) = (as_f64(left), as_f64(right)) else {
                return Err(Exception::new(
                    ExceptionKind::InvalidCast,
                    "Specified cast is not valid.",
                    span,
                ));
            };
            Ok(Value::Double(match op {
                ArithOp::Add => a + b,
                ArithOp::Subtract => a - b,
                ArithOp::Multiply => a * b,
                ArithOp::Divide => a / b,
                ArithOp::Remainder => a % b,
            }))
        }
    }
}

/// Evaluates `node` in `frame`.
pub(crate) fn eval<'a>(node: &'a Node, frame: &mut Frame<'a>) -> Result<Value<'a>, Exception> {
    match node {
        Node::Const(c) => Ok(match c {
            Constant::Null => Value::Null,
            Constant::Bool(b) => Value::Bool(*b),
            Constant::Int(i) => Value::Int(*i),
            Constant::Long(i) => Value::Long(*i),
            Constant::Double(d) => Value::Double(*d),
            Constant::Char(c) => Value::Char(*c),
            Constant::Str(s) => Value::Str(s),
        }),
        Node::Context => Ok(Value::Context(frame.context)),
        Node::Local(slot) => Ok(frame.get(*slot)),
        Node::Member {
            target,
            get,
            null_conditional,
            span,
        } => {
            let target = eval(target, frame)?;
            if target.is_null() {
                return on_null(*null_conditional, *span);
            }
            get(&target, frame.context).map_err(|e| at(e, *span))
        }
        Node::Static { get } => get(frame.context),
        Node::Method {
            target,
            call,
            args,
            null_conditional,
            span,
        } => {
            let target = eval(target, frame)?;
            if target.is_null() {
                return on_null(*null_conditional, *span);
            }
            with_args(args, frame, |args, frame| {
                call(&target, args, frame.context).map_err(|e| at(e, *span))
            })
        }
        Node::StaticMethod { call, args } => {
            with_args(args, frame, |args, frame| call(args, frame.context))
        }
        Node::GenericMethod {
            target,
            call,
            type_arg,
            args,
            null_conditional,
            span,
        } => {
            let target = eval(target, frame)?;
            if target.is_null() {
                return on_null(*null_conditional, *span);
            }
            with_args(args, frame, |args, frame| {
                call(&target, args, *type_arg, frame.context).map_err(|e| at(e, *span))
            })
        }
        Node::Index {
            target,
            get,
            index,
            null_conditional,
            span,
        } => {
            let target = eval(target, frame)?;
            if target.is_null() {
                return on_null(*null_conditional, *span);
            }
            let index = eval(index, frame)?;
            get(&target, &index).map_err(|e| at(e, *span))
        }
        Node::Cast { to, operand, span } => {
            let value = eval(operand, frame)?;
            super::convert::cast(value, *to).map_err(|e| at(e, *span))
        }
        Node::Numeric { to, operand, span } => {
            let value = eval(operand, frame)?;
            super::convert::numeric(value, *to).map_err(|e| at(e, *span))
        }
        Node::As { to, operand } => {
            let value = eval(operand, frame)?;
            Ok(if super::convert::is_instance(&value, *to) {
                value
            } else {
                Value::Null
            })
        }
        Node::Is {
            ty,
            operand,
            binding,
        } => {
            let value = eval(operand, frame)?;
            let holds = super::convert::is_instance(&value, *ty);
            if let (true, Some(slot)) = (holds, binding) {
                frame.set(*slot, value);
            }
            Ok(Value::Bool(holds))
        }
        Node::Linq {
            op,
            source,
            slot,
            lambda,
            arg,
            kind,
            null_conditional,
            span,
        } => {
            let source = eval(source, frame)?;
            if source.is_null() && *null_conditional {
                return Ok(Value::Null);
            }
            let arg = match arg {
                Some(a) => Some(eval(a, frame)?),
                None => None,
            };
            let has_lambda = lambda.is_some();
            let mut call = |item: Value<'a>| match lambda {
                Some(body) => {
                    // Every lambda call counts against the evaluation budget, so nested LINQ
                    // over large sequences cannot run without bound.
                    frame.tick(*span)?;
                    frame.set(*slot, item);
                    eval(body, frame)
                }
                None => Ok(item),
            };
            super::lib::linq_run(*op, &source, &mut call, has_lambda, arg, *kind, *span)
        }
        Node::Not(_) | Node::And(..) | Node::Or(..) | Node::Compare { .. } => {
            Ok(Value::Bool(eval_bool(node, frame)?))
        }
        Node::Arith {
            op,
            kind,
            left,
            right,
            span,
        } => {
            let left = eval(left, frame)?;
            let right = eval(right, frame)?;
            arith(*op, *kind, &left, &right, *span)
        }
        Node::Negate {
            kind,
            operand,
            span,
        } => {
            let value = eval(operand, frame)?;
            arith(ArithOp::Subtract, *kind, &Value::Int(0), &value, *span)
        }
        Node::Operator {
            call,
            left,
            right,
            span,
        } => {
            let left = eval(left, frame)?;
            let right = eval(right, frame)?;
            if left.is_null() || right.is_null() {
                return Ok(Value::Null);
            }
            call(&left, &right).map_err(|e| at(e, *span))
        }
        Node::Interpolated(parts) => {
            let mut text = String::new();
            for part in parts.iter() {
                match part {
                    InterpolatedPart::Text(t) => text.push_str(t),
                    InterpolatedPart::Hole {
                        value,
                        alignment,
                        format,
                        span,
                    } => {
                        let value = eval(value, frame)?;
                        let piece = if value.is_null() {
                            String::new()
                        } else {
                            super::lib::format_value(&value, format).map_err(|e| at(e, *span))?
                        };
                        let width = usize::try_from(alignment.unsigned_abs()).unwrap_or(0);
                        let pad = width.saturating_sub(piece.encode_utf16().count());
                        if *alignment > 0 {
                            text.extend(std::iter::repeat_n(' ', pad));
                            text.push_str(&piece);
                        } else {
                            text.push_str(&piece);
                            text.extend(std::iter::repeat_n(' ', pad));
                        }
                    }
                }
            }
            check_length(
                &text,
                frame.context.limits().max_string_length,
                Span::default(),
            )?;
            Ok(Value::String(text.into()))
        }
        Node::Concat(left, right) => {
            let left = eval(left, frame)?;
            let right = eval(right, frame)?;
            let limit = frame.context.limits().max_string_length;
            let mut text = left.to_display_string();
            let right = right.to_display_string();
            // Checked before the copy, so `s += s` in a loop stops at the limit. UTF-8 bytes
            // bound UTF-16 units from above: units are only counted near the limit.
            if text.len().saturating_add(right.len()) > limit
                && text
                    .encode_utf16()
                    .count()
                    .saturating_add(right.encode_utf16().count())
                    > limit
            {
                return Err(string_too_long(Span::default()));
            }
            text.push_str(&right);
            Ok(Value::String(text.into()))
        }
        Node::Conditional(condition, when_true, when_false) => {
            if eval_bool(condition, frame)? {
                eval(when_true, frame)
            } else {
                eval(when_false, frame)
            }
        }
        Node::Coalesce(left, right) => {
            let left = eval(left, frame)?;
            if left.is_null() {
                eval(right, frame)
            } else {
                Ok(left)
            }
        }
        Node::OutCall { call, args, slot } => {
            let (result, out) = with_args(args, frame, |args, frame| call(args, frame.context))?;
            frame.set(*slot, out);
            Ok(result)
        }
        Node::Grow {
            target,
            call,
            args,
            ty,
            null_conditional,
            span,
        } => {
            let target = match target {
                Some(t) => {
                    let value = eval(t, frame)?;
                    if value.is_null() {
                        return on_null(*null_conditional, *span);
                    }
                    Some(value)
                }
                None => None,
            };
            with_args(args, frame, |args, frame| {
                call(target.as_ref(), args, *ty, frame, *span).map_err(|e| at(e, *span))
            })
        }
        Node::Collect {
            source,
            ty,
            selectors,
            null_conditional,
            span,
        } => {
            let source = eval(source, frame)?;
            if source.is_null() && *null_conditional {
                return Ok(Value::Null);
            }
            // The selectors and the budget both need the frame: one cell lends it to each.
            let frame = std::cell::RefCell::new(frame);
            let mut select = |which: bool, item: Value<'a>| -> Result<Value<'a>, Exception> {
                let selector = if which {
                    &selectors.key
                } else {
                    &selectors.value
                };
                match selector {
                    Some((slot, body)) => {
                        let mut frame = frame.try_borrow_mut().map_err(|_| busy(*span))?;
                        frame.tick(*span)?;
                        frame.set(*slot, item);
                        eval(body, &mut frame)
                    }
                    None => Ok(item),
                }
            };
            let mut charge = |steps: u64| {
                frame
                    .try_borrow_mut()
                    .map_err(|_| busy(*span))?
                    .charge(steps, *span)
            };
            super::lib::collect(&source, *ty, &mut select, &mut charge, *span)
                .map_err(|e| at(e, *span))
        }
        Node::Indexed {
            select,
            source,
            item_slot,
            index_slot,
            body,
            null_conditional,
            span,
        } => {
            let source = eval(source, frame)?;
            if source.is_null() && *null_conditional {
                return Ok(Value::Null);
            }
            let mut call = |item: Value<'a>, index: i32| -> Result<Value<'a>, Exception> {
                frame.tick(*span)?;
                frame.set(*item_slot, item);
                frame.set(*index_slot, Value::Int(index));
                eval(body, frame)
            };
            super::lib::indexed(*select, &source, &mut call, *span).map_err(|e| at(e, *span))
        }
        Node::InstanceOut {
            target,
            call,
            args,
            slot,
            null_conditional,
            span,
        } => {
            let target = eval(target, frame)?;
            if target.is_null() {
                return on_null(*null_conditional, *span);
            }
            let (result, out) = with_args(args, frame, |args, _| {
                call(&target, args).map_err(|e| at(e, *span))
            })?;
            frame.set(*slot, out);
            Ok(result)
        }
        Node::Statements(body) => super::block::run(body, frame),
        Node::LinqEx(linq) => {
            let source = match &linq.source {
                Some(source) => eval(source, frame)?,
                None => Value::Null,
            };
            if source.is_null() && linq.null_conditional {
                return Ok(Value::Null);
            }
            let mut args = Vec::with_capacity(linq.args.len());
            for arg in &linq.args {
                args.push(eval(arg, frame)?);
            }
            let mut env = LinqExEnv {
                frame,
                lambdas: &linq.lambdas,
                span: linq.span,
            };
            super::lib::linq_run_ex(linq.op, &source, &args, &linq.info, &mut env, linq.span)
                .map_err(|e| at(e, linq.span))
        }
        Node::LocalCall {
            function,
            args,
            span,
        } => with_args(args, frame, |args, frame| {
            super::block::call_local(*function, args, frame, *span)
        }),
        Node::Path { root, steps } => path(root, steps, frame),
        Node::IsNull { .. } | Node::CompareStr { .. } => Ok(Value::Bool(eval_bool(node, frame)?)),
        Node::LinqCompare(node) => Ok(linq_compare(node, frame)?.map_or(Value::Null, Value::Bool)),
    }
}

/// Evaluates a [`Node::Path`]: a `context` or local root without a recursion.
#[inline]
fn path<'a>(
    root: &'a Node,
    steps: &'a [PathStep],
    frame: &mut Frame<'a>,
) -> Result<Value<'a>, Exception> {
    let value = match root {
        Node::Context => Value::Context(frame.context),
        Node::Local(slot) => frame.get(*slot),
        root => eval(root, frame)?,
    };
    walk(value, steps, frame.context)
}

/// Evaluates an operand: a [`Node::Path`] in place, anything else through [`eval`].
#[inline(always)]
fn operand<'a>(node: &'a Node, frame: &mut Frame<'a>) -> Result<Value<'a>, Exception> {
    match node {
        Node::Path { root, steps } => path(root, steps, frame),
        node => eval(node, frame),
    }
}

/// A value of the context tree or a certificate, held as a bare reference while a
/// [`Node::Path`] reads known members ([`Accessor`]).
#[derive(Clone, Copy)]
enum Cursor<'a> {
    Context(&'a Context),
    Request(&'a crate::context::Request),
    Deployment(&'a crate::context::Deployment),
    Certificate(&'a crate::cert::certificate::Certificate),
    Entry(&'a crate::context::DeploymentCertificate),
    Name(&'a str),
}

/// What a known member read on a [`Cursor`] gives: another cursor or the member's value.
enum Read<'a> {
    Cursor(Cursor<'a>),
    Value(Value<'a>),
}

impl<'a> Cursor<'a> {
    #[inline(always)]
    fn of(value: &Value<'a>) -> Option<Self> {
        Some(match *value {
            Value::Context(c) => Cursor::Context(c),
            Value::Request(r) => Cursor::Request(r),
            Value::Deployment(d) => Cursor::Deployment(d),
            Value::Certificate(c) => Cursor::Certificate(c),
            Value::CertificateEntry(e) => Cursor::Entry(e),
            Value::DistinguishedName(n) => Cursor::Name(n),
            _ => return None,
        })
    }

    #[inline(always)]
    fn value(self) -> Value<'a> {
        match self {
            Cursor::Context(c) => Value::Context(c),
            Cursor::Request(r) => Value::Request(r),
            Cursor::Deployment(d) => Value::Deployment(d),
            Cursor::Certificate(c) => Value::Certificate(c),
            Cursor::Entry(e) => Value::CertificateEntry(e),
            Cursor::Name(n) => Value::DistinguishedName(n),
        }
    }

    /// The known member `accessor` (as the library's member functions read it); `None` for
    /// other members.
    #[inline(always)]
    fn read(self, accessor: Accessor) -> Option<Read<'a>> {
        use super::value::DateTime;
        Some(match (accessor, self) {
            (Accessor::Request, Cursor::Context(c)) => Read::Cursor(Cursor::Request(c.request())),
            (Accessor::Deployment, Cursor::Context(c)) => {
                Read::Cursor(Cursor::Deployment(c.deployment()))
            }
            (Accessor::Certificate, Cursor::Request(r)) => match r.certificate.as_deref() {
                Some(c) => Read::Cursor(Cursor::Certificate(c)),
                None => Read::Value(Value::Null),
            },
            (Accessor::Certificates, Cursor::Deployment(d)) => {
                Read::Value(Value::CertificateDictionary(d.certificates()))
            }
            (Accessor::EntryKey, Cursor::Entry(e)) => Read::Value(Value::Str(&e.id)),
            (Accessor::EntryValue, Cursor::Entry(e)) => {
                Read::Cursor(Cursor::Certificate(&e.certificate))
            }
            (Accessor::Thumbprint, Cursor::Certificate(c)) => {
                Read::Value(Value::Str(c.thumbprint()))
            }
            (Accessor::Issuer, Cursor::Certificate(c)) => Read::Value(Value::Str(c.issuer())),
            (Accessor::Subject, Cursor::Certificate(c)) => Read::Value(Value::Str(c.subject())),
            (Accessor::SubjectName, Cursor::Certificate(c)) => {
                Read::Cursor(Cursor::Name(c.subject_name()))
            }
            (Accessor::IssuerName, Cursor::Certificate(c)) => {
                Read::Cursor(Cursor::Name(c.issuer_name()))
            }
            (Accessor::Name, Cursor::Name(n)) => Read::Value(Value::Str(n)),
            (Accessor::NotAfter, Cursor::Certificate(c)) => {
                Read::Value(Value::DateTime(DateTime::from_unix_seconds(c.not_after())))
            }
            (Accessor::NotBefore, Cursor::Certificate(c)) => {
                Read::Value(Value::DateTime(DateTime::from_unix_seconds(c.not_before())))
            }
            _ => return None,
        })
    }
}

/// Applies the member reads of a [`Node::Path`] to `value`.
#[inline]
fn walk<'a>(
    mut value: Value<'a>,
    steps: &'a [PathStep],
    context: &'a Context,
) -> Result<Value<'a>, Exception> {
    let mut steps = steps.iter();
    // Known members of the context tree and of certificates, on bare references (never null,
    // so `?.` reads as `.`), until a leaf, a null or another member.
    if let Some(mut cursor) = Cursor::of(&value) {
        borrowed(value);
        loop {
            let Some(step) = steps.as_slice().first() else {
                return Ok(cursor.value());
            };
            match cursor.read(step.accessor) {
                Some(Read::Cursor(next)) => {
                    cursor = next;
                    steps.next();
                }
                Some(Read::Value(leaf)) => {
                    steps.next();
                    value = leaf;
                    break;
                }
                None => {
                    value = cursor.value();
                    break;
                }
            }
        }
    }
    for step in steps {
        if value.is_null() {
            if step.null_conditional {
                continue;
            }
            return Err(Exception::null_reference(step.span));
        }
        value = match read(step.accessor, value, step.get, context) {
            Ok(v) => v,
            Err(e) => return Err(at(e, step.span)),
        };
    }
    Ok(value)
}

/// Runs a [`Node::LinqCompare`]: `None` when the source is null after `?.`.
fn linq_compare<'a>(
    node: &'a LinqCompare,
    frame: &mut Frame<'a>,
) -> Result<Option<bool>, Exception> {
    let LinqCompare {
        all,
        source,
        null_conditional,
        span,
        ..
    } = node;
    let source = eval(source, frame)?;
    if source.is_null() && *null_conditional {
        return Ok(None);
    }
    let mut invariant: Option<Value<'a>> = None;
    let stop = !*all;
    // The deployment's certificates are walked as a slice; other sources item by item.
    if let Value::CertificateDictionary(items) = source {
        if let Some(field) = entry_text(node) {
            return entries_compare(node, items, field, frame).map(Some);
        }
        for entry in items {
            if test_item(node, Value::CertificateEntry(entry), frame, &mut invariant)? == stop {
                return Ok(Some(stop));
            }
        }
        return Ok(Some(*all));
    }
    let mut index = 0usize;
    while let Some(item) = super::lib::item_at(&source, index, *span)? {
        index = index.saturating_add(1);
        if test_item(node, item, frame, &mut invariant)? == stop {
            return Ok(Some(stop));
        }
    }
    Ok(Some(*all))
}

/// A text member of a deployment certificate entry that a lambda reads (`c.Key`,
/// `c.Value.Thumbprint`, `c.Value.Issuer`, `c.Value.Subject`): never null, never throws.
#[derive(Clone, Copy)]
enum EntryText {
    Key,
    Thumbprint,
    Issuer,
    Subject,
}

impl EntryText {
    #[inline(always)]
    fn of(self, entry: &crate::context::DeploymentCertificate) -> &str {
        match self {
            EntryText::Key => &entry.id,
            EntryText::Thumbprint => entry.certificate.thumbprint(),
            EntryText::Issuer => entry.certificate.issuer(),
            EntryText::Subject => entry.certificate.subject(),
        }
    }
}

/// The entry text the left side of an ordinal string `==`/`!=` of a [`Node::LinqCompare`]
/// reads from its parameter, if it is one [`EntryText`].
fn entry_text(node: &LinqCompare) -> Option<EntryText> {
    if node.kind != CompareKind::String
        || !matches!(node.op, CompareOp::Equal | CompareOp::NotEqual)
    {
        return None;
    }
    let Node::Path { root, steps } = &node.left else {
        return None;
    };
    if !matches!(**root, Node::Local(s) if s == node.slot) {
        return None;
    }
    match &**steps {
        [key] if key.accessor == Accessor::EntryKey => Some(EntryText::Key),
        [value, member] if value.accessor == Accessor::EntryValue => match member.accessor {
            Accessor::Thumbprint => Some(EntryText::Thumbprint),
            Accessor::Issuer => Some(EntryText::Issuer),
            Accessor::Subject => Some(EntryText::Subject),
            _ => None,
        },
        _ => None,
    }
}

/// A [`Node::LinqCompare`] over the deployment's certificates whose lambda compares an
/// [`EntryText`] with an invariant string: the texts compared in place. As in C#, each item is
/// one lambda call (one step of the budget), and the right side is evaluated at the first item
/// (the left side cannot throw), so an empty dictionary never evaluates it.
fn entries_compare<'a>(
    node: &'a LinqCompare,
    items: &'a [crate::context::DeploymentCertificate],
    field: EntryText,
    frame: &mut Frame<'a>,
) -> Result<bool, Exception> {
    let stop = !node.all;
    let negate = node.op == CompareOp::NotEqual;
    let mut items = items.iter();
    let Some(first) = items.next() else {
        return Ok(node.all);
    };
    frame.tick(node.span)?;
    let right = eval(&node.right, frame)?;
    let other = right.as_str();
    let holds =
        |entry: &crate::context::DeploymentCertificate| (other == Some(field.of(entry))) != negate;
    if holds(first) == stop {
        return Ok(stop);
    }
    for entry in items {
        frame.tick(node.span)?;
        if holds(entry) == stop {
            return Ok(stop);
        }
    }
    Ok(node.all)
}

/// The lambda of a [`Node::LinqCompare`] on one item; `invariant` caches its right side.
#[inline]
fn test_item<'a>(
    node: &'a LinqCompare,
    item: Value<'a>,
    frame: &mut Frame<'a>,
    invariant: &mut Option<Value<'a>>,
) -> Result<bool, Exception> {
    let LinqCompare {
        slot,
        op,
        kind,
        left,
        right,
        span,
        ..
    } = node;
    // Every lambda call counts against the evaluation budget, as in `Node::Linq`.
    frame.tick(*span)?;
    let value = match left {
        Node::Path { root, steps } if matches!(**root, Node::Local(s) if s == *slot) => {
            walk(item, steps, frame.context)?
        }
        Node::Member {
            target,
            get,
            null_conditional,
            span,
        } if matches!(**target, Node::Local(s) if s == *slot) => {
            if item.is_null() {
                on_null(*null_conditional, *span)?
            } else {
                get(&item, frame.context).map_err(|e| at(e, *span))?
            }
        }
        left => {
            frame.set(*slot, item);
            eval(left, frame)?
        }
    };
    let other = match invariant {
        Some(v) => v,
        None => invariant.insert(eval(right, frame)?),
    };
    if let (CompareKind::String, Value::Str(s)) = (kind, &value) {
        // Ordinal string equality on a borrowed string (nothing to drop).
        let equal = other.as_str() == Some(*s);
        match op {
            CompareOp::Equal => {
                borrowed(value);
                return Ok(equal);
            }
            CompareOp::NotEqual => {
                borrowed(value);
                return Ok(!equal);
            }
            _ => {}
        }
    }
    Ok(match (kind, op) {
        // Ordinal string equality: both null, or both strings with the same text.
        (CompareKind::String, CompareOp::Equal) => value.as_str() == other.as_str(),
        (CompareKind::String, CompareOp::NotEqual) => value.as_str() != other.as_str(),
        _ => compare(*op, *kind, &value, other),
    })
}

/// Evaluates a `bool` node without boxing the result in a [`Value`]: the logical operators and
/// comparisons directly, anything else through [`eval`] (a non-`bool` result throws as C#'s
/// unboxing would).
pub(crate) fn eval_bool<'a>(node: &'a Node, frame: &mut Frame<'a>) -> Result<bool, Exception> {
    match node {
        Node::Not(operand) => Ok(!eval_bool(operand, frame)?),
        Node::And(left, right) => Ok(eval_bool(left, frame)? && eval_bool(right, frame)?),
        Node::Or(left, right) => Ok(eval_bool(left, frame)? || eval_bool(right, frame)?),
        Node::Compare {
            op,
            kind,
            left,
            right,
        } => {
            let left = operand(left, frame)?;
            let right = operand(right, frame)?;
            Ok(compare(*op, *kind, &left, &right))
        }
        Node::IsNull {
            operand: node,
            negate,
        } => {
            // Borrowed values need no drop: matched by value, only other variants drop.
            let value = operand(node, frame)?;
            let null = match value {
                Value::Null => true,
                Value::Certificate(_) | Value::Str(_) => false,
                other => return Ok(other.is_null() != *negate),
            };
            borrowed(value);
            Ok(null != *negate)
        }
        Node::CompareStr {
            op,
            operand: node,
            constant,
        } => {
            let value = operand(node, frame)?;
            let equal = match value {
                Value::Str(s) => s == &**constant,
                Value::Null => false,
                other => {
                    let equal = other.as_str() == Some(&**constant);
                    return Ok(if *op == CompareOp::NotEqual {
                        !equal
                    } else {
                        equal
                    });
                }
            };
            borrowed(value);
            Ok(if *op == CompareOp::NotEqual {
                !equal
            } else {
                equal
            })
        }
        Node::LinqCompare(node) => match linq_compare(node, frame)? {
            Some(holds) => Ok(holds),
            // `source?.Any(...)` on null is `null`, which is not a `bool`.
            None => as_bool(&Value::Null, Span::default()),
        },
        _ => as_bool(&eval(node, frame)?, Span::default()),
    }
}

/// What reaching a member, call or indexer through `null` gives: `null` after `?.`/`?[`,
/// otherwise a `NullReferenceException` at `span`.
fn on_null<'a>(null_conditional: bool, span: Span) -> Result<Value<'a>, Exception> {
    if null_conditional {
        Ok(Value::Null)
    } else {
        Err(Exception::null_reference(span))
    }
}

/// The frame was lent twice at once (never, as `collect` calls its callbacks one at a time).
fn busy(span: Span) -> Exception {
    Exception::new(
        ExceptionKind::InvalidOperation,
        "The evaluation frame is in use.",
        span,
    )
}

/// Gives an exception raised by a library function the span of the call that raised it.
fn at(mut exception: Exception, span: Span) -> Exception {
    if exception.span == Span::default() {
        exception.span = span;
    }
    exception
}
