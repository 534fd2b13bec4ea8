//! The compile pass: resolves every name, member and method of a parsed expression against the
//! `context` type model and the allowed .NET surface, checks types, and produces the node tree
//! that `eval` runs. Errors here are what APIM reports when a policy is saved; their messages
//! follow the C# compiler's wording so a policy author recognises them.

use crate::diagnostic::Span;

use super::ast::{self, BinaryOp, Expr, ExprKind, LambdaBody, Literal, UnaryOp};
use super::eval::{ArithOp, CompareKind, CompareOp, Constant, InterpolatedPart, Node, NumKind};
use super::lib;
use super::types::{StaticType, Type};

/// A load-time error in an expression: message and span in the expression text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// What is wrong, in C# compiler wording.
    pub message: String,
    /// Where, in bytes of the expression text.
    pub span: Span,
}

impl CompileError {
    pub(crate) fn new(message: impl Into<String>, span: Span) -> Self {
        Self {
            message: message.into(),
            span,
        }
    }
}

/// What compiling an expression gave: a value, or a type name used for its static members.
enum Compiled {
    Value(Node, Type),
    TypeName(StaticType),
}

struct Local {
    name: String,
    ty: Type,
    slot: u16,
}

/// Compiles expressions; holds the scope of locals (lambda parameters).
pub(crate) struct Compiler {
    locals: Vec<Local>,
    slots: u16,
    /// Local functions: those in scope and every compiled body.
    pub(crate) functions: super::block::Functions,
    /// Inside `checked(...)` (`Some(true)`) or `unchecked(...)` (`Some(false)`).
    overflow_checking: Option<bool>,
}

impl Compiler {
    pub(crate) fn new() -> Self {
        Self {
            locals: Vec::new(),
            slots: 0,
            functions: super::block::Functions::default(),
            overflow_checking: None,
        }
    }

    /// How many local slots the compiled program needs.
    pub(crate) fn slots(&self) -> u16 {
        self.slots
    }

    /// Compiles `expr` to a value node.
    pub(crate) fn value(&mut self, expr: &Expr) -> Result<(Node, Type), CompileError> {
        match self.compile(expr)? {
            Compiled::Value(node, ty) => Ok((node, ty)),
            Compiled::TypeName(ty) => Err(CompileError::new(
                format!(
                    "'{}' is a type, which is not valid in the given context",
                    Type::TypeName(ty)
                ),
                expr.span,
            )),
        }
    }

    /// The current scope depth of locals, to restore when a block ends.
    pub(crate) fn scope_mark(&self) -> usize {
        self.locals.len()
    }

    /// Ends the locals declared since `mark`.
    pub(crate) fn scope_restore(&mut self, mark: usize) {
        self.locals.truncate(mark);
    }

    /// The slot and type of the local `name`.
    pub(crate) fn local(&self, name: &str) -> Option<(u16, Type)> {
        self.locals
            .iter()
            .rev()
            .find(|l| l.name == name)
            .map(|l| (l.slot, l.ty))
    }

    /// Declares a local in the current scope.
    pub(crate) fn declare(&mut self, name: &ast::Ident, ty: Type) -> Result<u16, CompileError> {
        if self.locals.iter().any(|l| l.name == name.name) || name.name == "context" {
            return Err(CompileError::new(
                format!(
                    "A local or parameter named '{}' cannot be declared in this scope because that name is used in an enclosing local scope",
                    name.name
                ),
                name.span,
            ));
        }
        let slot = self.slots;
        self.slots = self
            .slots
            .checked_add(1)
            .ok_or_else(|| CompileError::new("too many locals", name.span))?;
        self.locals.push(Local {
            name: name.name.clone(),
            ty,
            slot,
        });
        Ok(slot)
    }

    fn compile(&mut self, expr: &Expr) -> Result<Compiled, CompileError> {
        let span = expr.span;
        let value = |node, ty| Ok(Compiled::Value(node, ty));
        match &expr.kind {
            ExprKind::Literal(literal) => {
                let (constant, ty) = match literal {
                    Literal::Null => (Constant::Null, Type::Null),
                    Literal::Bool(b) => (Constant::Bool(*b), Type::Boolean),
                    Literal::Int(i) => (Constant::Int(*i), Type::Int32),
                    Literal::Long(i) => (Constant::Long(*i), Type::Int64),
                    Literal::UInt(i) => (Constant::Long(i64::from(*i)), Type::Int64),
                    Literal::ULong(i) => match i64::try_from(*i) {
                        Ok(i) => (Constant::Long(i), Type::Int64),
                        Err(_) => {
                            return Err(CompileError::new(
                                "ulong values beyond long are not supported",
                                span,
                            ));
                        }
                    },
                    Literal::Double(d) => (Constant::Double(*d), Type::Double),
                    Literal::Float(f) => (Constant::Double(f64::from(*f)), Type::Double),
                    Literal::Decimal(text) => {
                        if lib::decimal_literal(text).is_none() {
                            return Err(CompileError::new(
                                "Floating-point constant is outside the range of type 'decimal'",
                                span,
                            ));
                        }
                        return value(
                            Node::StaticMethod {
                                call: lib::decimal_literal_node,
                                args: Box::new([Node::Const(Constant::Str(text.as_str().into()))]),
                            },
                            Type::Decimal,
                        );
                    }
                    Literal::Char(c) => (Constant::Char(*c), Type::Char),
                    Literal::String(s) => (Constant::Str(s.as_str().into()), Type::String),
                };
                value(Node::Const(constant), ty)
            }
            ExprKind::Name(ident) => self.name(ident),
            ExprKind::Member {
                target,
                name,
                type_args,
                null_conditional,
            } => {
                if !type_args.is_empty() {
                    return Err(CompileError::new(
                        format!(
                            "The non-generic member '{}' cannot be used with type arguments",
                            name.name
                        ),
                        name.span,
                    ));
                }
                self.member(target, name, *null_conditional, span)
            }
            ExprKind::Call { callee, args } => self.call(callee, args, span),
            ExprKind::Unary { op, operand } => self.unary(*op, operand, span),
            ExprKind::Binary { op, left, right } => self.binary(*op, left, right, span),
            ExprKind::Conditional {
                condition,
                when_true,
                when_false,
            } => {
                let condition = self.boolean(condition)?;
                let (t, t_ty) = self.value(when_true)?;
                let (f, f_ty) = self.value(when_false)?;
                let ty = common_type(t_ty, f_ty).ok_or_else(|| {
                    CompileError::new(
                        format!(
                            "Type of conditional expression cannot be determined because there is no implicit conversion between '{t_ty}' and '{f_ty}'"
                        ),
                        span,
                    )
                })?;
                value(
                    Node::Conditional(Box::new(condition), Box::new(t), Box::new(f)),
                    ty,
                )
            }
            ExprKind::Index {
                target,
                args,
                null_conditional,
            } => {
                let (target, owner) = self.value(target)?;
                let [index] = args.as_slice() else {
                    return Err(CompileError::new(
                        "Wrong number of indices inside []; expected 1",
                        span,
                    ));
                };
                let (index, index_ty) = self.value(index)?;
                if let Some((index_param, result, get)) = lib::collection_indexer(owner) {
                    if !assignable(index_ty, index_param) {
                        return Err(CompileError::new(
                            format!(
                                "Argument 1: cannot convert from '{index_ty}' to '{index_param}'"
                            ),
                            span,
                        ));
                    }
                    return value(
                        Node::Index {
                            target: Box::new(target),
                            get,
                            index: Box::new(coerce(index, index_ty, index_param, span)),
                            null_conditional: *null_conditional,
                            span,
                        },
                        result,
                    );
                }
                let def = lib::indexers(owner)
                    .find(|d| assignable(index_ty, d.index))
                    .ok_or_else(|| {
                        CompileError::new(
                            format!("Cannot apply indexing with [] to an expression of type '{owner}' with an index of type '{index_ty}'"),
                            span,
                        )
                    })?;
                value(
                    Node::Index {
                        target: Box::new(target),
                        get: def.get,
                        index: Box::new(index),
                        null_conditional: *null_conditional,
                        span,
                    },
                    def.result,
                )
            }
            ExprKind::Cast { ty, operand } => {
                let to = resolve_type(ty)?;
                let (operand, from) = self.value(operand)?;
                if from == to || (to == Type::Object && from != Type::Void) {
                    return value(operand, to);
                }
                if let Some(node) = nullable_cast(&operand, from, to) {
                    return match node {
                        NullableCast::Keep => value(operand, to),
                        NullableCast::Unwrap => {
                            let inner = Node::StaticMethod {
                                call: super::convert::nullable_value,
                                args: Box::new([operand]),
                            };
                            if from.underlying() == to {
                                value(inner, to)
                            } else {
                                value(
                                    Node::Numeric {
                                        to,
                                        operand: Box::new(inner),
                                        span,
                                    },
                                    to,
                                )
                            }
                        }
                        NullableCast::Numeric(inner) => value(
                            Node::Method {
                                target: Box::new(operand),
                                call: numeric_to_nullable(inner),
                                args: Box::new([]),
                                null_conditional: true,
                                span,
                            },
                            to,
                        ),
                    };
                }
                if enumerable_conversion(from, to) {
                    return value(operand, to);
                }
                if (from.is_numeric() && to.is_numeric())
                    || lib::is_extra_numeric_conversion(from, to)
                {
                    return value(
                        Node::Numeric {
                            to,
                            operand: Box::new(operand),
                            span,
                        },
                        to,
                    );
                }
                let json = matches!(
                    from,
                    Type::JToken | Type::JObject | Type::JArray | Type::JValue
                ) && matches!(
                    to,
                    Type::String
                        | Type::Boolean
                        | Type::Int32
                        | Type::Int64
                        | Type::Double
                        | Type::Decimal
                        | Type::JObject
                        | Type::JArray
                        | Type::JValue
                        | Type::JToken
                );
                let downcast = json
                    || from == Type::X509Extension
                        && matches!(
                            to,
                            Type::X509BasicConstraintsExtension
                                | Type::X509KeyUsageExtension
                                | Type::X509EnhancedKeyUsageExtension
                                | Type::X509SubjectKeyIdentifierExtension
                        );
                if let Some(call) = lib::xml_conversion(from, to) {
                    return value(
                        Node::StaticMethod {
                            call,
                            args: Box::new([operand]),
                        },
                        to,
                    );
                }
                if from == Type::Object || downcast || (from == Type::Null && to.is_reference()) {
                    return value(
                        Node::Cast {
                            to,
                            operand: Box::new(operand),
                            span,
                        },
                        to,
                    );
                }
                Err(CompileError::new(
                    format!("Cannot convert type '{from}' to '{to}'"),
                    span,
                ))
            }
            ExprKind::As { operand, ty } => {
                let to = resolve_type(ty)?;
                if !to.is_reference() {
                    return Err(CompileError::new(
                        format!(
                            "The as operator must be used with a reference type or nullable type ('{to}' is a non-nullable value type)"
                        ),
                        ty.span,
                    ));
                }
                let (operand, _) = self.value(operand)?;
                value(
                    Node::As {
                        to,
                        operand: Box::new(operand),
                    },
                    to,
                )
            }
            ExprKind::Is {
                operand,
                ty,
                binding,
            } => {
                let to = resolve_type(ty)?;
                let (operand, _) = self.value(operand)?;
                let binding = match binding {
                    Some(name) if name.name != "_" => Some(self.declare(name, to)?),
                    _ => None,
                };
                value(
                    Node::Is {
                        ty: to,
                        operand: Box::new(operand),
                        binding,
                    },
                    Type::Boolean,
                )
            }
            ExprKind::New {
                ty: Some(ty),
                args,
                initializer: None,
            } if ty
                .path
                .last()
                .is_some_and(|i| i.name.ends_with("Exception")) =>
            {
                // `new Exception(message)` for `throw`: the value is the message.
                let mut texts = Vec::with_capacity(args.len());
                for (i, arg) in args.iter().enumerate() {
                    let (node, arg_ty) = self.value(&arg.value)?;
                    if !assignable(arg_ty, Type::String) {
                        return Err(CompileError::new(
                            format!(
                                "Argument {}: cannot convert from '{arg_ty}' to 'string'",
                                i + 1
                            ),
                            arg.value.span,
                        ));
                    }
                    texts.push(node);
                }
                let name = ty.path.last().map_or("Exception", |i| i.name.as_str());
                let message = match super::block::exception_message(name, texts) {
                    Some(message) => message,
                    None => {
                        return Err(no_overload(
                            ty.path.last().map_or(
                                &ast::Ident {
                                    name: String::new(),
                                    span,
                                },
                                |i| i,
                            ),
                            args.len(),
                            span,
                        ));
                    }
                };
                value(message, Type::Exception)
            }
            ExprKind::New {
                ty,
                args,
                initializer,
            } => self.construct(ty.as_ref(), args, initializer.as_ref(), span),
            ExprKind::Interpolated(parts) => {
                let mut out = Vec::with_capacity(parts.len());
                for part in parts {
                    out.push(match part {
                        ast::InterpolationPart::Text(t) => {
                            InterpolatedPart::Text(t.as_str().into())
                        }
                        ast::InterpolationPart::Hole {
                            value: hole,
                            alignment,
                            format,
                        } => {
                            let (node, ty) = self.value(hole)?;
                            if ty == Type::Void {
                                return Err(CompileError::new(
                                    "Cannot use a void expression in an interpolated string",
                                    hole.span,
                                ));
                            }
                            let alignment = match alignment {
                                None => 0,
                                Some(a) => constant_int(a).ok_or_else(|| {
                                    CompileError::new(
                                        "The alignment must be a constant integer",
                                        a.span,
                                    )
                                })?,
                            };
                            InterpolatedPart::Hole {
                                value: node,
                                alignment,
                                format: format.as_deref().unwrap_or("").into(),
                                span: hole.span,
                            }
                        }
                    });
                }
                value(Node::Interpolated(out.into_boxed_slice()), Type::String)
            }
            ExprKind::Default(Some(written)) => {
                let ty = resolve_type(written)?;
                let node = default_node(ty).ok_or_else(|| {
                    CompileError::new(format!("default({ty}) is not supported yet"), span)
                })?;
                value(node, ty)
            }
            ExprKind::Default(None) => Err(CompileError::new(
                "The default literal needs a target type here; write default(T)",
                span,
            )),
            ExprKind::Checked { checked, operand } => self.checked(*checked, operand),
            ExprKind::TypeOf(written) => {
                let ty = resolve_type(written)?;
                let name = lib::full_type_name(ty).ok_or_else(|| {
                    CompileError::new(format!("typeof({ty}) is not supported yet"), span)
                })?;
                value(
                    Node::StaticMethod {
                        call: lib::type_of,
                        args: Box::new([Node::Const(Constant::Str(name.into()))]),
                    },
                    Type::SystemType,
                )
            }
            ExprKind::Lambda { .. } => Err(CompileError::new(
                "A lambda expression can only be passed as an argument to a method such as Any or All",
                span,
            )),
            other => Err(CompileError::new(
                format!("{} is not supported yet", describe(other)),
                span,
            )),
        }
    }

    fn name(&mut self, ident: &ast::Ident) -> Result<Compiled, CompileError> {
        if let Some(local) = self.locals.iter().rev().find(|l| l.name == ident.name) {
            return Ok(Compiled::Value(Node::Local(local.slot), local.ty));
        }
        if ident.name == "context" {
            return Ok(Compiled::Value(Node::Context, Type::Context));
        }
        if let Some(ty) = lib::type_name(&[ident.name.as_str()]) {
            return Ok(Compiled::TypeName(ty));
        }
        if lib::is_forbidden_type(&ident.name) {
            return Err(CompileError::new(
                format!(
                    "The type '{}' is not allowed in policy expressions",
                    ident.name
                ),
                ident.span,
            ));
        }
        Err(CompileError::new(
            format!(
                "The name '{}' does not exist in the current context",
                ident.name
            ),
            ident.span,
        ))
    }

    /// Resolves namespace-qualified type names (`System.DateTime`,
    /// `Newtonsoft.Json.Linq.JObject`); a local variable at the root is never a namespace.
    fn dotted_type(&self, target: &Expr, name: &ast::Ident) -> Option<StaticType> {
        let mut path = vec![name.name.as_str()];
        let mut at = target;
        loop {
            match &at.kind {
                ExprKind::Member {
                    target,
                    name,
                    type_args,
                    null_conditional: false,
                } if type_args.is_empty() => {
                    path.push(name.name.as_str());
                    at = target;
                }
                ExprKind::Name(root) if self.local(&root.name).is_none() => {
                    path.push(root.name.as_str());
                    break;
                }
                _ => return None,
            }
        }
        path.reverse();
        lib::qualified_type_name(&path)
    }

    fn member(
        &mut self,
        target: &Expr,
        name: &ast::Ident,
        null_conditional: bool,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        if let Some(ty) = self.dotted_type(target, name) {
            return Ok(Compiled::TypeName(ty));
        }
        match self.compile(target)? {
            Compiled::TypeName(owner) => match lib::static_member(owner, &name.name) {
                Some(def) => Ok(Compiled::Value(Node::Static { get: def.get }, def.ty)),
                None => Err(missing_member(Type::TypeName(owner), name)),
            },
            Compiled::Value(node, owner) => {
                // `a?.B` and the rest of its chain: skipped when `a` is null, so a value-typed
                // result becomes `T?` (§12.8.8).
                let chain = null_conditional || in_conditional_chain(target);
                let owner = match owner {
                    Type::Nullable(inner) => {
                        if !null_conditional && matches!(name.name.as_str(), "HasValue" | "Value") {
                            return Ok(nullable_member(node, *inner, &name.name, span));
                        }
                        if !chain {
                            return Err(missing_member(owner, name));
                        }
                        *inner
                    }
                    other => other,
                };
                let null_conditional = chain;
                if let Some((get, ty)) = lib::collection_member(owner, &name.name) {
                    return Ok(Compiled::Value(
                        Node::Member {
                            target: Box::new(node),
                            get,
                            null_conditional,
                            span,
                        },
                        lifted(ty, chain),
                    ));
                }
                let Some(def) = lib::member(owner, &name.name) else {
                    if lib::methods(owner, &name.name).next().is_some()
                        || !lib::collection_methods(owner, &name.name).is_empty()
                        || (lib::element_type(owner).is_some()
                            && lib::linq_operator(&name.name, 0, false).is_some())
                    {
                        return Err(CompileError::new(
                            format!(
                                "'{}' is a method; call it as '{}(...)'",
                                name.name, name.name
                            ),
                            name.span,
                        ));
                    }
                    return Err(missing_member(owner, name));
                };
                Ok(Compiled::Value(
                    Node::member_of(node, def.get, owner, &name.name, null_conditional, span),
                    lifted(def.ty, chain),
                ))
            }
        }
    }

    fn call(
        &mut self,
        callee: &Expr,
        args: &[ast::Argument],
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let ExprKind::Member {
            target,
            name,
            type_args,
            null_conditional,
        } = &callee.kind
        else {
            if let ExprKind::Name(n) = &callee.kind
                && let Some(function) = self.functions.find(&n.name)
            {
                let compiled = self.arguments(args)?;
                return super::block::call_node(self, function, compiled, n, span)
                    .map(|(node, ty)| Compiled::Value(node, ty));
            }
            if let ExprKind::Name(n) = &callee.kind
                && n.name == "nameof"
                && self.local("nameof").is_none()
            {
                return self.name_of(args, span);
            }
            let what = match &callee.kind {
                ExprKind::Name(n) => format!(
                    "The name '{}' does not exist in the current context",
                    n.name
                ),
                _ => "This expression cannot be called like a method".to_owned(),
            };
            return Err(CompileError::new(what, callee.span));
        };
        let has_out = args
            .last()
            .is_some_and(|a| a.modifier == Some(ast::ArgModifier::Out));
        let mut seen_named = false;
        for (i, arg) in args.iter().enumerate() {
            // Named arguments are accepted in positional order (`As<JObject>(preserveContent: true)`);
            // the library tables carry no parameter names to reorder them by.
            match &arg.name {
                Some(_) => seen_named = true,
                None if seen_named => {
                    return Err(CompileError::new(
                        "Named argument specifications must appear after all fixed arguments have been specified",
                        arg.value.span,
                    ));
                }
                None => {}
            }
            if arg.modifier.is_some() && !(has_out && i + 1 == args.len()) {
                return Err(CompileError::new(
                    "out/ref arguments are not supported yet",
                    arg.value.span,
                ));
            }
        }
        if !has_out && let Some(done) = self.linq_ex_early(target, name, type_args, args, span)? {
            return Ok(done);
        }
        let chain = *null_conditional || in_conditional_chain(target);
        let compiled = match self.compile(target)? {
            Compiled::Value(node, Type::Nullable(inner))
                if !*null_conditional && name.name == "GetValueOrDefault" =>
            {
                return self.get_value_or_default(node, *inner, args, span);
            }
            Compiled::Value(node, Type::Nullable(inner))
                if !chain && name.name == "ToString" && args.is_empty() =>
            {
                // `Nullable<T>.ToString()` is "" when there is no value.
                let call = self.call_on(
                    Compiled::Value(node, *inner),
                    name,
                    type_args,
                    &true,
                    args,
                    has_out,
                    span,
                )?;
                return Ok(match call {
                    Compiled::Value(node, ty) => Compiled::Value(
                        Node::Coalesce(
                            Box::new(node),
                            Box::new(Node::Const(Constant::Str("".into()))),
                        ),
                        ty,
                    ),
                    other => other,
                });
            }
            Compiled::Value(node, Type::Nullable(inner)) if chain => Compiled::Value(node, *inner),
            other => other,
        };
        let call = self.call_on(compiled, name, type_args, &chain, args, has_out, span)?;
        Ok(match call {
            Compiled::Value(node, ty) => Compiled::Value(node, lifted(ty, chain)),
            other => other,
        })
    }

    /// The call `target.name(args)` once the target is compiled.
    #[allow(clippy::too_many_arguments)]
    fn call_on(
        &mut self,
        compiled: Compiled,
        name: &ast::Ident,
        type_args: &[ast::TypeRef],
        null_conditional: &bool,
        args: &[ast::Argument],
        has_out: bool,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        match compiled {
            Compiled::TypeName(owner) if has_out => self.out_call(owner, name, args, span),
            Compiled::Value(target_node, owner)
                if has_out
                    && lib::extension_out_methods(owner, &name.name)
                        .next()
                        .is_some() =>
            {
                self.extension_out_call(target_node, owner, name, args, span)
            }
            Compiled::Value(target_node, owner) if has_out => {
                self.instance_out_call(target_node, owner, name, args, *null_conditional, span)
            }
            Compiled::TypeName(StaticType::Enum) if type_args.len() == 1 => {
                self.generic_enum_call(name, type_args, args, span)
            }
            Compiled::TypeName(owner) => {
                let overloads: Vec<_> = lib::static_methods(owner, &name.name).collect();
                if overloads.is_empty() {
                    if lib::static_member(owner, &name.name).is_some() {
                        return Err(non_invocable(name));
                    }
                    return Err(missing_member(Type::TypeName(owner), name));
                }
                let compiled = self.arguments(args)?;
                let def = overloads
                    .iter()
                    .find(|d| applicable(d.params, &compiled))
                    .ok_or_else(|| no_overload(name, args.len(), span))?;
                Ok(Compiled::Value(
                    Node::StaticMethod {
                        call: def.call,
                        args: compiled.into_iter().map(|(n, _)| n).collect(),
                    },
                    def.result,
                ))
            }
            Compiled::Value(target_node, owner) if !type_args.is_empty() => {
                let [type_arg] = type_args else {
                    return Err(CompileError::new(
                        format!(
                            "Using the generic method '{}' requires 1 type argument",
                            name.name
                        ),
                        name.span,
                    ));
                };
                let type_arg = resolve_type(type_arg)?;
                let overloads: Vec<_> = lib::generic_methods(owner, &name.name).collect();
                let generic_linq = match (name.name.as_str(), lib::element_type(owner)) {
                    ("Cast", Some(_)) => Some(lib::LinqEx::Cast(type_arg)),
                    ("OfType", Some(_)) => Some(lib::LinqEx::OfType(type_arg)),
                    ("Values", _)
                        if matches!(owner, Type::JToken | Type::JArray | Type::JObject) =>
                    {
                        Some(lib::LinqEx::Values(type_arg))
                    }
                    _ => None,
                };
                if overloads.is_empty()
                    && let Some(op) = generic_linq
                {
                    if !args.is_empty() {
                        return Err(no_overload(name, args.len(), span));
                    }
                    let element = lib::element_type(owner).unwrap_or(Type::Object);
                    let result = lib::sequence_of(type_arg).ok_or_else(|| too_many_types(span))?;
                    return self.linq_ex_node(
                        op,
                        Some(target_node),
                        Vec::new(),
                        Vec::new(),
                        lib::LinqExInfo {
                            element,
                            result,
                            kinds: Box::new([]),
                            descending: Box::new([]),
                            lambda: false,
                        },
                        *null_conditional,
                        span,
                        result,
                    );
                }
                if overloads.is_empty() {
                    if lib::methods(owner, &name.name).next().is_some() {
                        return Err(CompileError::new(
                            format!(
                                "The non-generic method '{}' cannot be used with type arguments",
                                name.name
                            ),
                            name.span,
                        ));
                    }
                    return Err(missing_member(owner, name));
                }
                let compiled = self.arguments(args)?;
                let def = overloads
                    .iter()
                    .find(|d| {
                        let params: Vec<Type> =
                            d.params.iter().map(|p| substitute(*p, type_arg)).collect();
                        applicable(&params, &compiled)
                    })
                    .ok_or_else(|| no_overload(name, args.len(), span))?;
                Ok(Compiled::Value(
                    Node::GenericMethod {
                        target: Box::new(target_node),
                        call: def.call,
                        type_arg,
                        args: compiled.into_iter().map(|(n, _)| n).collect(),
                        null_conditional: *null_conditional,
                        span,
                    },
                    substitute(def.result, type_arg),
                ))
            }
            Compiled::Value(target_node, owner) => {
                let collection_methods = lib::collection_methods(owner, &name.name);
                if !collection_methods.is_empty() {
                    return self.collection_call(
                        target_node,
                        &collection_methods,
                        name,
                        args,
                        *null_conditional,
                        span,
                    );
                }
                if let Some(element) = lib::element_type(owner)
                    && matches!(
                        name.name.as_str(),
                        "ToList" | "ToArray" | "ToHashSet" | "ToDictionary"
                    )
                    && lib::methods(owner, &name.name).next().is_none()
                {
                    return self.collect_call(
                        target_node,
                        element,
                        name,
                        args,
                        *null_conditional,
                        span,
                    );
                }
                if lib::generic_methods(owner, &name.name).next().is_some()
                    && lib::methods(owner, &name.name).next().is_none()
                {
                    return Err(CompileError::new(
                        format!(
                            "The type arguments for method '{}' cannot be inferred from the usage. Try specifying the type arguments explicitly",
                            name.name
                        ),
                        name.span,
                    ));
                }
                if let Some(element) = lib::element_type(owner)
                    && lib::methods(owner, &name.name).next().is_none()
                {
                    let lambda = matches!(
                        args.first().map(|a| &a.value.kind),
                        Some(ExprKind::Lambda { .. })
                    );
                    if let Some((op, arg)) = lib::linq_operator(&name.name, args.len(), lambda) {
                        return self.linq_call(
                            target_node,
                            element,
                            op,
                            arg,
                            args,
                            *null_conditional,
                            span,
                        );
                    }
                    if let Some(op) =
                        lib::linq_ex_operator(&name.name, matches!(owner, Type::List(_)))
                    {
                        return self.linq_ex_call(
                            target_node,
                            element,
                            op,
                            name,
                            args,
                            *null_conditional,
                            span,
                        );
                    }
                }
                let overloads: Vec<_> = lib::methods(owner, &name.name).collect();
                if overloads.is_empty() {
                    if lib::member(owner, &name.name).is_some() {
                        return Err(non_invocable(name));
                    }
                    return Err(missing_member(owner, name));
                }
                let compiled = self.arguments(args)?;
                let def = overloads
                    .iter()
                    .find(|d| applicable(d.params, &compiled))
                    .ok_or_else(|| no_overload(name, args.len(), span))?;
                Ok(Compiled::Value(
                    Node::Method {
                        target: Box::new(target_node),
                        call: def.call,
                        args: compiled.into_iter().map(|(n, _)| n).collect(),
                        null_conditional: *null_conditional,
                        span,
                    },
                    def.result,
                ))
            }
        }
    }

    /// `Enum.Parse<TEnum>(value[, ignoreCase])`: the `Enum.Parse(typeof(TEnum), ...)` overload,
    /// typed as `TEnum`.
    fn generic_enum_call(
        &mut self,
        name: &ast::Ident,
        type_args: &[ast::TypeRef],
        args: &[ast::Argument],
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let written = type_args
            .first()
            .ok_or_else(|| no_overload(name, args.len(), span))?;
        let ty = resolve_type(written)?;
        let full = lib::full_type_name(ty).filter(|_| lib::is_enum(ty)).ok_or_else(|| {
            CompileError::new(
                format!(
                    "The type '{ty}' must be a non-nullable value type in order to use it as parameter 'TEnum' in the generic method 'Enum.{}<TEnum>'",
                    name.name
                ),
                written.span,
            )
        })?;
        let type_node = Node::StaticMethod {
            call: lib::type_of,
            args: Box::new([Node::Const(Constant::Str(full.into()))]),
        };
        let mut compiled = vec![(type_node, Type::SystemType)];
        compiled.extend(self.arguments(args)?);
        let def = lib::static_methods(StaticType::Enum, &name.name)
            .find(|d| applicable(d.params, &compiled))
            .ok_or_else(|| no_overload(name, args.len(), span))?;
        let result = if def.result == Type::Object {
            ty
        } else {
            def.result
        };
        Ok(Compiled::Value(
            Node::StaticMethod {
                call: def.call,
                args: compiled.into_iter().map(|(n, _)| n).collect(),
            },
            result,
        ))
    }

    /// `T.TryParse(s, out var x)`: a static method whose last argument is `out`.
    fn out_call(
        &mut self,
        owner: StaticType,
        name: &ast::Ident,
        args: &[ast::Argument],
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let Some((out_arg, rest)) = args.split_last() else {
            return Err(no_overload(name, 0, span));
        };
        let overloads: Vec<_> = lib::out_methods(owner, &name.name).collect();
        if overloads.is_empty() {
            return Err(CompileError::new(
                format!(
                    "'{}.{}' has no overload with an out parameter",
                    Type::TypeName(owner),
                    name.name
                ),
                span,
            ));
        }
        let compiled = self.arguments(rest)?;
        let def = overloads
            .iter()
            .find(|d| applicable(d.params, &compiled))
            .ok_or_else(|| no_overload(name, args.len(), span))?;
        let slot = self.out_slot(out_arg, def.out, args.len())?;
        Ok(Compiled::Value(
            Node::OutCall {
                call: def.call,
                args: compiled.into_iter().map(|(n, _)| n).collect(),
                slot,
            },
            def.result,
        ))
    }

    /// The local an `out` argument (`out var v`, `out T v`, `out _`, `out existing`) of type
    /// `out` writes to; `position` is its argument number, for messages.
    fn out_slot(
        &mut self,
        out_arg: &ast::Argument,
        out: Type,
        position: usize,
    ) -> Result<u16, CompileError> {
        let mismatch = |ty: Type, at: Span| {
            CompileError::new(
                format!(
                    "Argument {position}: cannot convert from 'out {ty}' to 'out {}'",
                    out
                ),
                at,
            )
        };
        Ok(match &out_arg.value.kind {
            ExprKind::OutDeclaration { ty, name: local } => {
                if let Some(written) = ty {
                    let ty = resolve_type(written)?;
                    if ty != out {
                        return Err(mismatch(ty, written.span));
                    }
                }
                if local.name == "_" {
                    self.discard_slot(local.span)?
                } else {
                    self.declare(local, out)?
                }
            }
            ExprKind::Name(ident) if ident.name == "_" => self.discard_slot(ident.span)?,
            ExprKind::Name(ident) => match self.local(&ident.name) {
                Some((slot, ty)) if ty == out => slot,
                Some((_, ty)) => return Err(mismatch(ty, ident.span)),
                None => {
                    return Err(CompileError::new(
                        format!(
                            "The name '{}' does not exist in the current context",
                            ident.name
                        ),
                        ident.span,
                    ));
                }
            },
            _ => {
                return Err(CompileError::new(
                    "A ref or out value must be an assignable variable",
                    out_arg.value.span,
                ));
            }
        })
    }

    /// `s.TryParseJwt(out var jwt)`: an extension method whose last argument is `out`; the
    /// receiver is passed as the first argument.
    fn extension_out_call(
        &mut self,
        receiver: Node,
        owner: Type,
        name: &ast::Ident,
        args: &[ast::Argument],
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let Some((out_arg, rest)) = args.split_last() else {
            return Err(no_overload(name, 0, span));
        };
        let overloads: Vec<_> = lib::extension_out_methods(owner, &name.name).collect();
        let compiled = self.arguments(rest)?;
        let def = overloads
            .iter()
            .find(|d| applicable(d.params, &compiled))
            .ok_or_else(|| no_overload(name, args.len(), span))?;
        let slot = self.out_slot(out_arg, def.out, args.len())?;
        let mut nodes = Vec::with_capacity(args.len());
        nodes.push(receiver);
        nodes.extend(compiled.into_iter().map(|(n, _)| n));
        Ok(Compiled::Value(
            Node::OutCall {
                call: def.call,
                args: nodes.into_boxed_slice(),
                slot,
            },
            def.result,
        ))
    }

    /// A slot no name refers to (`out _`).
    fn discard_slot(&mut self, span: Span) -> Result<u16, CompileError> {
        let slot = self.slots;
        self.slots = self
            .slots
            .checked_add(1)
            .ok_or_else(|| CompileError::new("too many locals", span))?;
        Ok(slot)
    }

    /// `new T(args)` of a library type, or `new T[] { ... }` / `new[] { ... }`.
    fn construct(
        &mut self,
        ty: Option<&ast::TypeRef>,
        args: &[ast::Argument],
        initializer: Option<&ast::Initializer>,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let named = ty.and_then(|t| t.path.last()).map(|i| i.name.as_str());
        match (named, initializer) {
            (Some("JObject"), Some(ast::Initializer::Object(entries))) if args.is_empty() => {
                let mut nodes = Vec::with_capacity(entries.len() * 2);
                for entry in entries {
                    let ast::MemberInitTarget::Index(keys) = &entry.target else {
                        return Err(CompileError::new(
                            "a JObject initialiser sets properties as [\"name\"] = value",
                            entry.value.span,
                        ));
                    };
                    let [key] = keys.as_slice() else {
                        return Err(CompileError::new(
                            "one property name is expected",
                            entry.value.span,
                        ));
                    };
                    let (key_node, key_ty) = self.value(key)?;
                    if key_ty != Type::String {
                        return Err(CompileError::new(
                            format!("Cannot implicitly convert type '{key_ty}' to 'string'"),
                            key.span,
                        ));
                    }
                    nodes.push(key_node);
                    nodes.push(self.value(&entry.value)?.0);
                }
                return Ok(Compiled::Value(
                    Node::StaticMethod {
                        call: lib::json_object,
                        args: nodes.into_boxed_slice(),
                    },
                    Type::JObject,
                ));
            }
            (Some("JArray"), Some(ast::Initializer::Collection(items))) if args.is_empty() => {
                let mut nodes = Vec::with_capacity(items.len());
                for item in items {
                    let [value] = item.as_slice() else {
                        return Err(CompileError::new(
                            "Invalid collection initializer member",
                            span,
                        ));
                    };
                    nodes.push(self.value(value)?.0);
                }
                return Ok(Compiled::Value(
                    Node::StaticMethod {
                        call: lib::json_array,
                        args: nodes.into_boxed_slice(),
                    },
                    Type::JArray,
                ));
            }
            _ => {}
        }
        if let Some(written) = ty
            && (!written.type_args.is_empty() || !written.array_ranks.is_empty())
        {
            let target = resolve_type(written)?;
            return self.construct_collection(target, args, initializer, span);
        }
        if ty.is_none()
            && let Some(ast::Initializer::Collection(items)) = initializer
        {
            return self.implicit_array(items, span);
        }
        match (ty, initializer) {
            (Some(ty), None) if ty.array_ranks.is_empty() => {
                let type_name = ty.path.last().map_or("", |i| i.name.as_str());
                let overloads: Vec<_> = lib::constructors(type_name).collect();
                if overloads.is_empty() {
                    return Err(CompileError::new(
                        format!("'new {type_name}(...)' is not supported in policy expressions"),
                        span,
                    ));
                }
                let compiled = self.arguments(args)?;
                let def = overloads
                    .iter()
                    .find(|d| applicable(d.params, &compiled))
                    .ok_or_else(|| {
                        CompileError::new(
                            format!(
                                "'{type_name}' does not contain a constructor that takes {} arguments",
                                args.len()
                            ),
                            span,
                        )
                    })?;
                Ok(Compiled::Value(
                    Node::StaticMethod {
                        call: def.call,
                        args: compiled.into_iter().map(|(n, _)| n).collect(),
                    },
                    def.result,
                ))
            }
            (ty, Some(ast::Initializer::Collection(items))) if args.len() <= 1 => {
                if let Some(size) = args.first() {
                    let (node, _) = self.value(&size.value)?;
                    let matches = matches!(node, Node::Const(Constant::Int(n)) if usize::try_from(n).ok() == Some(items.len()));
                    if !matches {
                        return Err(CompileError::new(
                            format!(
                                "An array initializer of length '{}' is expected",
                                items.len()
                            ),
                            size.value.span,
                        ));
                    }
                }
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    let [value] = item.as_slice() else {
                        return Err(CompileError::new("Invalid array initializer member", span));
                    };
                    values.push((self.value(value)?, value.span));
                }
                let element = match ty {
                    Some(written) => match resolve_type(written)? {
                        Type::CharArray => Type::Char,
                        Type::StringArray => Type::String,
                        Type::ByteArray => Type::Byte,
                        other => {
                            return Err(CompileError::new(
                                format!("arrays of type '{other}' are not supported yet"),
                                span,
                            ));
                        }
                    },
                    None => values
                        .iter()
                        .map(|((_, t), _)| *t)
                        .find(|t| *t != Type::Null)
                        .unwrap_or(Type::String),
                };
                let Some((array, build)) = lib::array_constructor(element) else {
                    return Err(CompileError::new(
                        format!("arrays of '{element}' are not supported yet"),
                        span,
                    ));
                };
                let mut nodes = Vec::with_capacity(values.len());
                for ((node, t), at) in values {
                    let fits =
                        assignable(t, element) || (element == Type::Byte && t == Type::Int32);
                    if !fits {
                        return Err(CompileError::new(
                            format!("Cannot implicitly convert type '{t}' to '{element}'"),
                            at,
                        ));
                    }
                    nodes.push(node);
                }
                Ok(Compiled::Value(
                    Node::StaticMethod {
                        call: build,
                        args: nodes.into(),
                    },
                    array,
                ))
            }
            _ => Err(CompileError::new("'new' is not supported yet here", span)),
        }
    }

    fn arguments(&mut self, args: &[ast::Argument]) -> Result<Vec<(Node, Type)>, CompileError> {
        args.iter().map(|a| self.value(&a.value)).collect()
    }

    /// A LINQ operator on a sequence of `element`.
    #[allow(clippy::too_many_arguments)]
    fn linq_call(
        &mut self,
        source: Node,
        element: Type,
        op: lib::LinqOp,
        arg: lib::LinqArg,
        args: &[ast::Argument],
        null_conditional: bool,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        use lib::LinqOp as Op;
        let mut slot = 0;
        let mut lambda = None;
        let mut lambda_ty = None;
        let mut value_arg = None;
        match (arg, args.first()) {
            (lib::LinqArg::Lambda, Some(a)) => {
                let ExprKind::Lambda { params, body } = &a.value.kind else {
                    return Err(CompileError::new(
                        "a lambda expression is expected here",
                        a.value.span,
                    ));
                };
                if let ([_, _], Op::Select | Op::Where) = (params.as_slice(), op) {
                    return self.indexed_call(
                        source,
                        element,
                        op == Op::Select,
                        params,
                        body,
                        null_conditional,
                        span,
                    );
                }
                let [param] = params.as_slice() else {
                    return Err(CompileError::new(
                        format!(
                            "Delegate 'Func<{element}, ...>' does not take {} arguments",
                            params.len()
                        ),
                        a.value.span,
                    ));
                };
                let param_ty = match &param.ty {
                    Some(t) => resolve_type(t)?,
                    None => element,
                };
                let mark = self.scope_mark();
                slot = self.declare(&param.name, param_ty)?;
                let (compiled, body_span) = match body {
                    LambdaBody::Expr(body) => (self.value(body), body.span),
                    LambdaBody::Block(block) => {
                        (super::block::compile_lambda(self, block), block.span)
                    }
                };
                self.scope_restore(mark);
                let (node, ty) = compiled?;
                let predicate = matches!(
                    op,
                    Op::Any
                        | Op::All
                        | Op::Count
                        | Op::First
                        | Op::FirstOrDefault
                        | Op::Last
                        | Op::LastOrDefault
                        | Op::Single
                        | Op::SingleOrDefault
                        | Op::Where
                );
                if predicate && ty != Type::Boolean {
                    return Err(CompileError::new(
                        format!("Cannot implicitly convert type '{ty}' to 'bool'"),
                        body_span,
                    ));
                }
                lambda = Some(Box::new(node));
                lambda_ty = Some(ty);
            }
            (lib::LinqArg::Value, Some(a)) => {
                let (node, ty) = self.value(&a.value)?;
                let wanted = if op == Op::Contains {
                    element
                } else {
                    Type::Int32
                };
                if !assignable(ty, wanted) {
                    return Err(CompileError::new(
                        format!("Argument 1: cannot convert from '{ty}' to '{wanted}'"),
                        a.value.span,
                    ));
                }
                value_arg = Some(Box::new(node));
            }
            _ => {}
        }
        let sequence = |ty: Type| {
            lib::sequence_of(ty).ok_or_else(|| {
                CompileError::new(format!("sequences of '{ty}' are not supported yet"), span)
            })
        };
        let (result, kind_of) = match op {
            Op::Any | Op::All | Op::Contains => (Type::Boolean, element),
            Op::Count => (Type::Int32, element),
            Op::First
            | Op::FirstOrDefault
            | Op::Last
            | Op::LastOrDefault
            | Op::Single
            | Op::SingleOrDefault
            | Op::ElementAt => (element, element),
            Op::Where | Op::ToArray | Op::Distinct | Op::Skip | Op::Take => {
                (sequence(element)?, element)
            }
            Op::Select => (sequence(lambda_ty.unwrap_or(Type::Object))?, element),
            Op::OrderBy | Op::OrderByDescending => {
                (sequence(element)?, lambda_ty.unwrap_or(element))
            }
            Op::Sum | Op::Min | Op::Max => {
                let ty = lambda_ty.unwrap_or(element);
                if !(ty.is_numeric()
                    || ty == Type::Decimal
                    || (op != Op::Sum
                        && matches!(ty, Type::String | Type::DateTime | Type::DateTimeOffset)))
                {
                    return Err(CompileError::new(
                        format!("'{ty}' values cannot be summed or compared here"),
                        span,
                    ));
                }
                (
                    if ty == Type::Byte || ty == Type::Char {
                        Type::Int32
                    } else {
                        ty
                    },
                    ty,
                )
            }
        };
        Ok(Compiled::Value(
            Node::linq(
                op,
                source,
                slot,
                lambda,
                value_arg,
                lib::comparison(kind_of),
                null_conditional,
                span,
            ),
            result,
        ))
    }

    /// Compiles `expr` and requires a `bool`.
    pub(crate) fn boolean(&mut self, expr: &Expr) -> Result<Node, CompileError> {
        let (node, ty) = self.value(expr)?;
        if ty != Type::Boolean {
            return Err(CompileError::new(
                format!("Cannot implicitly convert type '{ty}' to 'bool'"),
                expr.span,
            ));
        }
        Ok(node)
    }

    fn unary(&mut self, op: UnaryOp, operand: &Expr, span: Span) -> Result<Compiled, CompileError> {
        match op {
            UnaryOp::Not => {
                let (node, ty) = self.value(operand)?;
                if ty != Type::Boolean {
                    return Err(CompileError::new(
                        format!("Operator '!' cannot be applied to operand of type '{ty}'"),
                        span,
                    ));
                }
                Ok(Compiled::Value(Node::Not(Box::new(node)), Type::Boolean))
            }
            UnaryOp::Negate | UnaryOp::Plus => {
                let (node, full) = self.value(operand)?;
                let ty = full.underlying();
                let lift = full != ty;
                if ty == Type::Decimal {
                    if op == UnaryOp::Plus {
                        return Ok(Compiled::Value(node, ty));
                    }
                    return Ok(Compiled::Value(
                        Node::Method {
                            target: Box::new(node),
                            call: lib::decimal_negate,
                            args: Box::new([]),
                            null_conditional: true,
                            span,
                        },
                        full,
                    ));
                }
                let kind = num_kind(ty, ty).ok_or_else(|| {
                    CompileError::new(
                        format!("Operator '-' cannot be applied to operand of type '{full}'"),
                        span,
                    )
                })?;
                let result = lifted(num_type(kind), lift);
                if op == UnaryOp::Plus {
                    return Ok(Compiled::Value(node, result));
                }
                if self.overflow_checking == Some(true)
                    && let Some(call) =
                        super::operators::checked_operator(BinaryOp::Subtract, num_type(kind))
                {
                    let zero = if kind == NumKind::Int64 {
                        Constant::Long(0)
                    } else {
                        Constant::Int(0)
                    };
                    return Ok(Compiled::Value(
                        Node::Operator {
                            call,
                            left: Box::new(Node::Const(zero)),
                            right: Box::new(node),
                            span,
                        },
                        result,
                    ));
                }
                Ok(Compiled::Value(
                    Node::Negate {
                        kind,
                        operand: Box::new(node),
                        span,
                    },
                    result,
                ))
            }
            UnaryOp::BitwiseNot => {
                let (node, full) = self.value(operand)?;
                let (call, ty) =
                    super::operators::bitwise_not(full.underlying()).ok_or_else(|| {
                        CompileError::new(
                            format!("Operator '~' cannot be applied to operand of type '{full}'"),
                            span,
                        )
                    })?;
                Ok(Compiled::Value(
                    Node::Method {
                        target: Box::new(node),
                        call,
                        args: Box::new([]),
                        null_conditional: true,
                        span,
                    },
                    lifted(ty, full != full.underlying()),
                ))
            }
            _ => Err(CompileError::new(
                "increment, decrement and bitwise operators are not supported yet",
                span,
            )),
        }
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let l = self.boolean_operand(left, op)?;
                let r = self.boolean_operand(right, op)?;
                let node = if op == BinaryOp::And {
                    Node::And(Box::new(l), Box::new(r))
                } else {
                    Node::Or(Box::new(l), Box::new(r))
                };
                Ok(Compiled::Value(node, Type::Boolean))
            }
            BinaryOp::Equal
            | BinaryOp::NotEqual
            | BinaryOp::Less
            | BinaryOp::Greater
            | BinaryOp::LessOrEqual
            | BinaryOp::GreaterOrEqual => {
                let (l, l_ty) = self.value(left)?;
                let (r, r_ty) = self.value(right)?;
                let cmp = match op {
                    BinaryOp::Equal => CompareOp::Equal,
                    BinaryOp::NotEqual => CompareOp::NotEqual,
                    BinaryOp::Less => CompareOp::Less,
                    BinaryOp::Greater => CompareOp::Greater,
                    BinaryOp::LessOrEqual => CompareOp::LessOrEqual,
                    _ => CompareOp::GreaterOrEqual,
                };
                let equality = matches!(cmp, CompareOp::Equal | CompareOp::NotEqual);
                // Lifted comparisons (§12.4.8): `T?` against `T?`/`T` compares the values;
                // `null` is equal only to `null` and never less or greater.
                let (l_ty, r_ty) = if (l_ty != l_ty.underlying() || r_ty != r_ty.underlying())
                    && l_ty != Type::Null
                    && r_ty != Type::Null
                {
                    (l_ty.underlying(), r_ty.underlying())
                } else {
                    (l_ty, r_ty)
                };
                if let Some(call) = lib::compare_operator(op, l_ty, r_ty) {
                    return Ok(Compiled::Value(
                        Node::Operator {
                            call,
                            left: Box::new(l),
                            right: Box::new(r),
                            span,
                        },
                        Type::Boolean,
                    ));
                }
                let kind = compare_kind(l_ty, r_ty, equality)
                    .ok_or_else(|| operator_error(op, l_ty, r_ty, span))?;
                Ok(Compiled::Value(
                    Node::compare(cmp, kind, l, r),
                    Type::Boolean,
                ))
            }
            BinaryOp::Add
            | BinaryOp::Subtract
            | BinaryOp::Multiply
            | BinaryOp::Divide
            | BinaryOp::Remainder => {
                let (l, l_full) = self.value(left)?;
                let (r, r_full) = self.value(right)?;
                let lift = l_full != l_full.underlying() || r_full != r_full.underlying();
                let (l_ty, r_ty) = (l_full.underlying(), r_full.underlying());
                if let Some((call, ty)) = lib::operator(op, l_ty, r_ty) {
                    return Ok(Compiled::Value(
                        Node::Operator {
                            call,
                            left: Box::new(l),
                            right: Box::new(r),
                            span,
                        },
                        lifted(ty, lift),
                    ));
                }
                if op == BinaryOp::Add && (l_ty == Type::String || r_ty == Type::String) {
                    return Ok(Compiled::Value(
                        Node::Concat(Box::new(l), Box::new(r)),
                        Type::String,
                    ));
                }
                let kind =
                    num_kind(l_ty, r_ty).ok_or_else(|| operator_error(op, l_full, r_full, span))?;
                if kind != NumKind::Double {
                    if let (Node::Const(a), Node::Const(b)) = (&l, &r)
                        && self.overflow_checking != Some(false)
                        && constant_overflows(op, kind, a, b)
                    {
                        return Err(CompileError::new(
                            "The operation overflows at compile time in checked mode",
                            span,
                        ));
                    }
                    if self.overflow_checking == Some(true)
                        && let Some(call) = super::operators::checked_operator(op, num_type(kind))
                    {
                        return Ok(Compiled::Value(
                            Node::Operator {
                                call,
                                left: Box::new(l),
                                right: Box::new(r),
                                span,
                            },
                            lifted(num_type(kind), lift),
                        ));
                    }
                }
                let arith = match op {
                    BinaryOp::Add => ArithOp::Add,
                    BinaryOp::Subtract => ArithOp::Subtract,
                    BinaryOp::Multiply => ArithOp::Multiply,
                    BinaryOp::Divide => ArithOp::Divide,
                    _ => ArithOp::Remainder,
                };
                Ok(Compiled::Value(
                    Node::Arith {
                        op: arith,
                        kind,
                        left: Box::new(l),
                        right: Box::new(r),
                        span,
                    },
                    lifted(num_type(kind), lift),
                ))
            }
            BinaryOp::Coalesce => {
                let (l, l_ty) = self.value(left)?;
                let (r, r_ty) = self.value(right)?;
                if let Type::Nullable(inner) = l_ty {
                    // §12.15: `a ?? b` is `T` when `b` converts to `T`, else `T?`.
                    let ty = if assignable(r_ty, *inner) {
                        *inner
                    } else if assignable(r_ty, l_ty) {
                        l_ty
                    } else {
                        return Err(operator_error(op, l_ty, r_ty, span));
                    };
                    let r = coerce(r, r_ty, ty, span);
                    return Ok(Compiled::Value(
                        Node::Coalesce(Box::new(l), Box::new(r)),
                        ty,
                    ));
                }
                if !l_ty.is_reference() {
                    return Err(operator_error(op, l_ty, r_ty, span));
                }
                let ty =
                    common_type(l_ty, r_ty).ok_or_else(|| operator_error(op, l_ty, r_ty, span))?;
                Ok(Compiled::Value(
                    Node::Coalesce(Box::new(l), Box::new(r)),
                    ty,
                ))
            }
            BinaryOp::BitwiseOr
            | BinaryOp::BitwiseAnd
            | BinaryOp::BitwiseXor
            | BinaryOp::ShiftLeft
            | BinaryOp::ShiftRight => {
                let (l, l_ty) = self.value(left)?;
                let (r, r_ty) = self.value(right)?;
                let lift = l_ty != l_ty.underlying() || r_ty != r_ty.underlying();
                let (call, ty) = lib::regex_options_operator(op, l_ty, r_ty)
                    .or_else(|| {
                        super::operators::operator(op, l_ty.underlying(), r_ty.underlying())
                            .map(|(call, ty)| (call, lifted(ty, lift)))
                    })
                    .ok_or_else(|| operator_error(op, l_ty, r_ty, span))?;
                Ok(Compiled::Value(
                    Node::Operator {
                        call,
                        left: Box::new(l),
                        right: Box::new(r),
                        span,
                    },
                    ty,
                ))
            }
        }
    }

    fn boolean_operand(&mut self, expr: &Expr, op: BinaryOp) -> Result<Node, CompileError> {
        let (node, ty) = self.value(expr)?;
        if ty != Type::Boolean {
            return Err(CompileError::new(
                format!(
                    "Operator '{}' cannot be applied to an operand of type '{ty}'",
                    operator_text(op)
                ),
                expr.span,
            ));
        }
        Ok(node)
    }
}

/// `Nullable<T>`: `GetValueOrDefault()`, `nameof`, `default(T)` and `checked(...)`.
impl Compiler {
    /// `x.GetValueOrDefault()` / `x.GetValueOrDefault(d)` on a `T?`.
    fn get_value_or_default(
        &mut self,
        node: Node,
        inner: Type,
        args: &[ast::Argument],
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let fallback = match args {
            [] => default_node(inner).ok_or_else(|| {
                CompileError::new(format!("default({inner}) is not supported yet"), span)
            })?,
            [arg] => {
                let (value, ty) = self.value(&arg.value)?;
                if !assignable(ty, inner) {
                    return Err(CompileError::new(
                        format!("Argument 1: cannot convert from '{ty}' to '{inner}'"),
                        arg.value.span,
                    ));
                }
                coerce(value, ty, inner, span)
            }
            _ => {
                return Err(CompileError::new(
                    format!(
                        "No overload for method 'GetValueOrDefault' takes {} arguments",
                        args.len()
                    ),
                    span,
                ));
            }
        };
        Ok(Compiled::Value(
            Node::Coalesce(Box::new(node), Box::new(fallback)),
            inner,
        ))
    }

    /// `nameof(x)`, `nameof(a.B)`: the last name, as a constant string.
    fn name_of(&mut self, args: &[ast::Argument], span: Span) -> Result<Compiled, CompileError> {
        let [arg] = args else {
            return Err(CompileError::new(
                "No overload for method 'nameof' takes this many arguments",
                span,
            ));
        };
        let name = match &arg.value.kind {
            ExprKind::Name(n) => {
                if self.local(&n.name).is_none()
                    && n.name != "context"
                    && lib::qualified_type_name(&[n.name.as_str()]).is_none()
                {
                    return Err(CompileError::new(
                        format!(
                            "The name '{}' does not exist in the current context",
                            n.name
                        ),
                        n.span,
                    ));
                }
                n.name.clone()
            }
            ExprKind::Member { name, .. } => {
                self.compile(&arg.value)?;
                name.name.clone()
            }
            _ => {
                return Err(CompileError::new(
                    "Expression does not have a name",
                    arg.value.span,
                ));
            }
        };
        Ok(Compiled::Value(
            Node::Const(Constant::Str(name.into())),
            Type::String,
        ))
    }

    /// `checked(expr)` / `unchecked(expr)`.
    fn checked(&mut self, checked: bool, operand: &Expr) -> Result<Compiled, CompileError> {
        let saved = self.overflow_checking.replace(checked);
        let result = self.compile(operand);
        self.overflow_checking = saved;
        result
    }
}

/// How `(T)x` converts between `T` and `T?`.
enum NullableCast {
    /// The value is unchanged (`(int?)5`, `(int?)null`, `(long?)5`).
    Keep,
    /// `(T)x` of a `T?` (or `(long)x` of an `int?`): the value or `InvalidOperationException`.
    Unwrap,
    /// `(int?)x` of a `double?`/`double`: an explicit numeric conversion of a present value.
    Numeric(Type),
}

fn nullable_cast(_operand: &Node, from: Type, to: Type) -> Option<NullableCast> {
    match (from, to) {
        (Type::Null, Type::Nullable(_)) => Some(NullableCast::Keep),
        (_, Type::Nullable(inner)) if assignable(from.underlying(), *inner) => {
            Some(NullableCast::Keep)
        }
        (_, Type::Nullable(inner)) if from.underlying().is_numeric() && inner.is_numeric() => {
            Some(NullableCast::Numeric(*inner))
        }
        (Type::Nullable(inner), _) if *inner == to || (inner.is_numeric() && to.is_numeric()) => {
            Some(NullableCast::Unwrap)
        }
        _ => None,
    }
}

/// The explicit numeric conversion to `to` (unchecked, truncating), as a method on the value.
fn numeric_to_nullable(to: Type) -> super::eval::MethodFn {
    match to {
        Type::Int32 => |v, _, _| super::convert::numeric(v.clone(), Type::Int32),
        Type::Int64 => |v, _, _| super::convert::numeric(v.clone(), Type::Int64),
        Type::Byte => |v, _, _| super::convert::numeric(v.clone(), Type::Byte),
        Type::Char => |v, _, _| super::convert::numeric(v.clone(), Type::Char),
        _ => |v, _, _| super::convert::numeric(v.clone(), Type::Double),
    }
}

/// `x.HasValue` / `x.Value` on a `T?`.
fn nullable_member(node: Node, inner: Type, name: &str, span: Span) -> Compiled {
    if name == "HasValue" {
        return Compiled::Value(
            Node::IsNull {
                operand: Box::new(node),
                negate: true,
            },
            Type::Boolean,
        );
    }
    let _ = span;
    Compiled::Value(
        Node::StaticMethod {
            call: super::convert::nullable_value,
            args: Box::new([node]),
        },
        inner,
    )
}

/// `default(T)` of a type, when it has a constant form here.
pub(crate) fn default_node(ty: Type) -> Option<Node> {
    Some(Node::Const(match ty {
        Type::Boolean => Constant::Bool(false),
        Type::Int32 | Type::Byte => Constant::Int(0),
        Type::Int64 => Constant::Long(0),
        Type::Double => Constant::Double(0.0),
        Type::Char => Constant::Char('\0'),
        Type::Decimal => {
            return Some(Node::StaticMethod {
                call: lib::decimal_literal_node,
                args: Box::new([Node::Const(Constant::Str("0".into()))]),
            });
        }
        Type::DateTime => {
            return Some(Node::StaticMethod {
                call: |_, _| Ok(super::convert::default_of(Type::DateTime)),
                args: Box::new([]),
            });
        }
        Type::Guid => {
            return Some(Node::StaticMethod {
                call: |_, _| Ok(super::convert::default_of(Type::Guid)),
                args: Box::new([]),
            });
        }
        t if t.accepts_null() => Constant::Null,
        _ => return None,
    }))
}

fn missing_member(owner: Type, name: &ast::Ident) -> CompileError {
    if owner == Type::X500DistinguishedName
        && matches!(name.name.as_str(), "Decode" | "Format" | "RawData" | "Oid")
    {
        return CompileError::new(
            format!(
                "'X500DistinguishedName.{}' is not allowed in policy expressions; only 'Name' is",
                name.name
            ),
            name.span,
        );
    }
    CompileError::new(
        format!(
            "'{owner}' does not contain a definition for '{}'",
            name.name
        ),
        name.span,
    )
}

fn non_invocable(name: &ast::Ident) -> CompileError {
    CompileError::new(
        format!(
            "Non-invocable member '{}' cannot be used like a method",
            name.name
        ),
        name.span,
    )
}

fn no_overload(name: &ast::Ident, count: usize, span: Span) -> CompileError {
    CompileError::new(
        format!(
            "No overload for method '{}' takes {count} arguments",
            name.name
        ),
        span,
    )
}

/// `ty?` when `lift` (a lifted operator on a nullable operand), else `ty`.
fn lifted(ty: Type, lift: bool) -> Type {
    if lift {
        super::types::nullable_of(ty).unwrap_or(ty)
    } else {
        ty
    }
}

/// Whether integer constants `a op b` overflow their type (C#'s CS0220).
fn constant_overflows(op: BinaryOp, kind: NumKind, a: &Constant, b: &Constant) -> bool {
    let int = |c: &Constant| match c {
        Constant::Int(i) => Some(i64::from(*i)),
        Constant::Long(i) => Some(*i),
        _ => None,
    };
    let (Some(a), Some(b)) = (int(a), int(b)) else {
        return false;
    };
    let wide = match op {
        BinaryOp::Add => a.checked_add(b),
        BinaryOp::Subtract => a.checked_sub(b),
        BinaryOp::Multiply => a.checked_mul(b),
        _ => return false,
    };
    match (wide, kind) {
        (None, _) => true,
        (Some(v), NumKind::Int32) => i32::try_from(v).is_err(),
        _ => false,
    }
}

/// Whether `expr` continues a null-conditional chain (`a?.B` ... `.C`): C# skips the rest of
/// the chain when the `?.` target is null, and lifts a value-typed result to `T?`.
fn in_conditional_chain(expr: &Expr) -> bool {
    let mut at = expr;
    loop {
        match &at.kind {
            ExprKind::Member {
                target,
                null_conditional,
                ..
            }
            | ExprKind::Index {
                target,
                null_conditional,
                ..
            } => {
                if *null_conditional {
                    return true;
                }
                at = target;
            }
            ExprKind::Call { callee, .. } => at = callee,
            _ => return false,
        }
    }
}

fn operator_error(op: BinaryOp, left: Type, right: Type, span: Span) -> CompileError {
    CompileError::new(
        format!(
            "Operator '{}' cannot be applied to operands of type '{left}' and '{right}'",
            operator_text(op)
        ),
        span,
    )
}

fn operator_text(op: BinaryOp) -> &'static str {
    super::print::binary_op(op)
}

fn describe(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::GenericName { .. } => "a generic method call",
        ExprKind::Index { .. } => "an indexer",
        ExprKind::Assign { .. } => "assignment",
        ExprKind::Cast { .. } => "a cast",
        ExprKind::Is { .. } => "'is'",
        ExprKind::As { .. } => "'as'",
        ExprKind::TypeOf(_) => "'typeof'",
        ExprKind::Default(_) => "'default'",
        ExprKind::New { .. } => "'new'",
        ExprKind::Interpolated(_) => "an interpolated string",
        ExprKind::OutDeclaration { .. } => "an out variable",
        _ => "this expression",
    }
}

/// The value of a constant integer expression (`5`, `-5`).
fn constant_int(expr: &Expr) -> Option<i32> {
    match &expr.kind {
        ExprKind::Literal(Literal::Int(i)) => Some(*i),
        ExprKind::Unary {
            op: UnaryOp::Negate,
            operand,
        } => constant_int(operand).and_then(i32::checked_neg),
        _ => None,
    }
}

/// `T` replaced by the type argument.
fn substitute(ty: Type, type_arg: Type) -> Type {
    if ty == Type::TypeParameter {
        type_arg
    } else {
        ty
    }
}

/// The type a written type names, for casts, `is`, `as` and generic arguments.
pub(crate) fn resolve_type(written: &ast::TypeRef) -> Result<Type, CompileError> {
    if written.nullable && written.array_ranks.is_empty() {
        let inner = resolve_type(&ast::TypeRef {
            nullable: false,
            ..written.clone()
        })?;
        return super::types::nullable_of(inner).ok_or_else(|| too_many_types(written.span));
    }
    if !written.type_args.is_empty() || !written.array_ranks.is_empty() {
        return constructed_type(written);
    }
    let path: Vec<&str> = written.path.iter().map(|i| i.name.as_str()).collect();
    let name = match path.as_slice() {
        [name] | ["System", name] => *name,
        [
            "Newtonsoft",
            "Json",
            "Linq",
            name @ ("JToken" | "JObject" | "JArray" | "JValue"),
        ] => *name,
        ["System", "Text", name @ "Encoding"] => *name,
        _ => "",
    };
    let base = match name {
        "string" | "String" => Type::String,
        "bool" | "Boolean" => Type::Boolean,
        "int" | "Int32" => Type::Int32,
        "long" | "Int64" => Type::Int64,
        "double" | "Double" => Type::Double,
        "char" | "Char" => Type::Char,
        "object" | "Object" => Type::Object,
        "DateTime" => Type::DateTime,
        "TimeSpan" => Type::TimeSpan,
        "JToken" => Type::JToken,
        "JObject" => Type::JObject,
        "JArray" => Type::JArray,
        "JValue" => Type::JValue,
        "JProperty" => Type::JProperty,
        "Guid" => Type::Guid,
        "X509Certificate2" => Type::X509Certificate2,
        "byte" | "Byte" => Type::Byte,
        "X509Extension" => Type::X509Extension,
        "X509BasicConstraintsExtension" => Type::X509BasicConstraintsExtension,
        "X509KeyUsageExtension" => Type::X509KeyUsageExtension,
        "X509EnhancedKeyUsageExtension" => Type::X509EnhancedKeyUsageExtension,
        "X509SubjectKeyIdentifierExtension" => Type::X509SubjectKeyIdentifierExtension,
        "X509KeyUsageFlags" => Type::X509KeyUsageFlags,
        "Oid" => Type::Oid,
        "Random" => Type::Random,
        "StringComparison" => Type::StringComparison,
        "StringSplitOptions" => Type::StringSplitOptions,
        "MidpointRounding" => Type::MidpointRounding,
        "Encoding" => Type::Encoding,
        "StringComparer" => Type::StringComparer,
        "DateTimeOffset" => Type::DateTimeOffset,
        "decimal" | "Decimal" => Type::Decimal,
        "DayOfWeek" => Type::DayOfWeek,
        "XDocument" => Type::XDocument,
        "XElement" => Type::XElement,
        "XAttribute" => Type::XAttribute,
        "XName" => Type::XName,
        "XNamespace" => Type::XNamespace,
        "Regex" => Type::Regex,
        "Match" => Type::Match,
        "Group" => Type::Group,
        "GroupCollection" => Type::GroupCollection,
        "MatchCollection" => Type::MatchCollection,
        "RegexOptions" => Type::RegexOptions,
        "Jwt" => Type::Jwt,
        "BasicAuthCredentials" => Type::BasicAuthCredentials,
        "Uri" => Type::Uri,
        other => lib::hash_type(other)
            .or_else(|| lib::context_interface(other))
            .ok_or_else(|| {
                let message = format!(
                    "The type or namespace name '{}' is not supported in policy expressions here",
                    path.join(".")
                );
                CompileError::new(message, written.span)
            })?,
    };
    Ok(base)
}

/// The load error for a program that needs more distinct generic types than the interner holds.
fn too_many_types(span: Span) -> CompileError {
    CompileError::new(
        format!(
            "too many distinct generic types in policy expressions (at most {})",
            super::types::MAX_INTERNED_TYPES
        ),
        span,
    )
}

/// A written array type (`int[]`, `List<string>[]`) or generic type (`List<T>`,
/// `Dictionary<K, V>`, `HashSet<T>`, `KeyValuePair<K, V>`, `IEnumerable<T>`).
fn constructed_type(written: &ast::TypeRef) -> Result<Type, CompileError> {
    let span = written.span;
    if let Some((rank, inner)) = written.array_ranks.split_first() {
        if *rank != 1 {
            return Err(CompileError::new(
                "multi-dimensional arrays are not supported in policy expressions",
                span,
            ));
        }
        let element = resolve_type(&ast::TypeRef {
            array_ranks: inner.to_vec(),
            ..written.clone()
        })?;
        if element == Type::Void {
            return Err(CompileError::new(
                "Array elements cannot be of type 'void'",
                span,
            ));
        }
        return super::types::array_of(element).ok_or_else(|| too_many_types(span));
    }
    let path: Vec<&str> = written.path.iter().map(|i| i.name.as_str()).collect();
    let name = match path.as_slice() {
        [name] | ["System", "Collections", "Generic", name] => *name,
        ["System", name @ "Nullable"] => *name,
        _ => "",
    };
    let args = written
        .type_args
        .iter()
        .map(resolve_type)
        .collect::<Result<Vec<_>, _>>()?;
    let one = |t: Type| super::types::intern(t).ok_or_else(|| too_many_types(span));
    let pair =
        |k: Type, v: Type| super::types::intern_pair(k, v).ok_or_else(|| too_many_types(span));
    let arity = match (name, args.as_slice()) {
        ("List", [t]) => return Ok(Type::List(one(*t)?)),
        ("Nullable", [t]) if !t.accepts_null() => return Ok(Type::Nullable(one(*t)?)),
        ("Nullable", [t]) => {
            return Err(CompileError::new(
                format!(
                    "The type '{t}' must be a non-nullable value type in order to use it as parameter 'T' in the generic type 'Nullable<T>'"
                ),
                span,
            ));
        }
        ("Nullable", _) => "<T>",
        ("HashSet", [t]) => return Ok(Type::HashSet(one(*t)?)),
        ("IEnumerable", [t]) => return Ok(Type::Sequence(one(*t)?)),
        ("Dictionary", [k, v]) => return Ok(Type::Dictionary(pair(*k, *v)?)),
        ("KeyValuePair", [k, v]) => return Ok(Type::KeyValuePair(pair(*k, *v)?)),
        ("List" | "HashSet" | "IEnumerable", _) => "<T>",
        ("Dictionary" | "KeyValuePair", _) => "<TKey, TValue>",
        _ => {
            return Err(CompileError::new(
                format!(
                    "The type or namespace name '{}<>' is not supported in policy expressions here",
                    path.join(".")
                ),
                span,
            ));
        }
    };
    let count = arity.matches(',').count() + 1;
    Err(CompileError::new(
        format!("Using the generic type '{name}{arity}' requires {count} type arguments"),
        span,
    ))
}

/// A LINQ lambda whose body (of type `ty`) must convert to `to`: C#'s implicit-conversion
/// error otherwise.
fn converted_lambda(
    lambda: super::eval::LinqLambda,
    ty: Type,
    to: Type,
    span: Span,
) -> Result<super::eval::LinqLambda, CompileError> {
    if !assignable(ty, to) {
        return Err(CompileError::new(
            format!("Cannot implicitly convert type '{ty}' to '{to}'"),
            span,
        ));
    }
    Ok(super::eval::LinqLambda {
        slots: lambda.slots,
        body: coerce(lambda.body, ty, to, span),
    })
}

/// `node` converted from numeric type `from` to numeric type `to` (C#'s implicit numeric
/// conversion, so a `List<long>` holds `long` values and a `double[]` doubles).
fn coerce(node: Node, from: Type, to: Type, span: Span) -> Node {
    let to = if from.is_numeric() {
        to.underlying()
    } else {
        to
    };
    if from != to && from.is_numeric() && to.is_numeric() && to != Type::Byte {
        Node::Numeric {
            to,
            operand: Box::new(node),
            span,
        }
    } else {
        node
    }
}

/// Whether a value of type `from` converts implicitly to `to`.
pub(crate) fn assignable(from: Type, to: Type) -> bool {
    enumerable_conversion(from, to)
        || from == to
        || lib::base_of(from) == Some(to)
        || to == Type::Object && from != Type::Void
        || from == Type::Null && to.accepts_null()
        || matches!(to, Type::Nullable(inner) if from != Type::Null && assignable(from.underlying(), *inner))
        || matches!(
            (from, to),
            (Type::Int32, Type::Int64 | Type::Double)
                | (Type::Int64, Type::Double)
                | (Type::Char, Type::Int32 | Type::Int64 | Type::Double)
                | (
                    Type::Int32 | Type::Int64 | Type::Char | Type::Byte,
                    Type::Decimal
                )
                | (Type::DateTime, Type::DateTimeOffset)
                | (Type::String, Type::XName | Type::XNamespace)
        )
}

/// `List<T>`, `T[]`, `HashSet<T>`, `Dictionary<K, V>`, ... to `IEnumerable<T>` (covariant for
/// reference element types: `List<string>` is an `IEnumerable<object>`).
fn enumerable_conversion(from: Type, to: Type) -> bool {
    let Type::Sequence(wanted) = to else {
        return false;
    };
    let Some(element) = lib::element_type(from) else {
        return false;
    };
    element == *wanted || (*wanted == Type::Object && element.is_reference())
}

fn applicable(params: &[Type], args: &[(Node, Type)]) -> bool {
    params.len() == args.len()
        && params
            .iter()
            .zip(args)
            .all(|(p, (_, a))| assignable(*a, *p))
}

pub(crate) fn common_type(a: Type, b: Type) -> Option<Type> {
    if assignable(a, b) {
        Some(b)
    } else if assignable(b, a) {
        Some(a)
    } else {
        None
    }
}

pub(crate) fn num_kind(a: Type, b: Type) -> Option<NumKind> {
    if !a.is_numeric() || !b.is_numeric() {
        return None;
    }
    Some(if a == Type::Double || b == Type::Double {
        NumKind::Double
    } else if a == Type::Int64 || b == Type::Int64 {
        NumKind::Int64
    } else {
        NumKind::Int32
    })
}

pub(crate) fn num_type(kind: NumKind) -> Type {
    match kind {
        NumKind::Int32 => Type::Int32,
        NumKind::Int64 => Type::Int64,
        NumKind::Double => Type::Double,
    }
}

fn compare_kind(a: Type, b: Type, equality: bool) -> Option<CompareKind> {
    if let Some(kind) = num_kind(a, b) {
        return Some(if kind == NumKind::Double {
            CompareKind::Double
        } else {
            CompareKind::Integer
        });
    }
    let pair = |t: Type| (a == t || a == Type::Null) && (b == t || b == Type::Null);
    if a == Type::TimeSpan && b == Type::TimeSpan {
        return Some(CompareKind::Integer);
    }
    if a == Type::DateTime && b == Type::DateTime {
        return Some(CompareKind::DateTime);
    }
    if a == b && lib::is_enum(a) {
        return Some(CompareKind::Integer);
    }
    if !equality {
        return None;
    }
    if pair(Type::String) {
        return Some(CompareKind::String);
    }
    if a == Type::Boolean && b == Type::Boolean {
        return Some(CompareKind::Bool);
    }
    if a == Type::Guid && b == Type::Guid {
        return Some(CompareKind::Guid);
    }
    if a == b
        && matches!(
            a,
            Type::X509KeyUsageFlags
                | Type::X509NameType
                | Type::DayOfWeek
                | Type::StringComparison
                | Type::StringSplitOptions
                | Type::MidpointRounding
        )
    {
        return Some(CompareKind::Integer);
    }
    let reference = |t: Type| t.is_reference();
    if reference(a)
        && reference(b)
        && (a == b || a == Type::Null || b == Type::Null || a == Type::Object || b == Type::Object)
    {
        return Some(CompareKind::Reference);
    }
    // Value types compared with null: always unequal (C# warns, but compiles).
    if (a == Type::Null && !b.is_reference() && b != Type::Void)
        || (b == Type::Null && !a.is_reference() && a != Type::Void)
    {
        return Some(CompareKind::Reference);
    }
    None
}

/// Generic collections: `new` with initialisers, `new[]`, collection methods, `ToList` and
/// friends, indexed `Select`/`Where`, instance `out` calls and element assignment.
impl Compiler {
    /// An argument converted to `to`, or C#'s CS1503 message for argument `position`.
    fn element_arg(
        &mut self,
        expr: &Expr,
        to: Type,
        position: usize,
    ) -> Result<Node, CompileError> {
        let (node, ty) = self.value(expr)?;
        if !fits_element(expr, ty, to) {
            return Err(CompileError::new(
                format!("Argument {position}: cannot convert from '{ty}' to '{to}'"),
                expr.span,
            ));
        }
        Ok(coerce(node, ty, to, expr.span))
    }

    /// A call of a `List`/`HashSet`/`Dictionary` method.
    fn collection_call(
        &mut self,
        target: Node,
        overloads: &[lib::CollectionMethod],
        name: &ast::Ident,
        args: &[ast::Argument],
        null_conditional: bool,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let compiled = self.arguments(args)?;
        let Some(def) = overloads.iter().find(|d| applicable(&d.params, &compiled)) else {
            let same_arity: Vec<_> = overloads
                .iter()
                .filter(|d| d.params.len() == compiled.len())
                .collect();
            if let [only] = same_arity.as_slice()
                && let Some((i, ((_, from), to))) = compiled
                    .iter()
                    .zip(&only.params)
                    .enumerate()
                    .find(|(_, ((_, from), to))| !assignable(*from, **to))
            {
                let at = args.get(i).map_or(span, |a| a.value.span);
                return Err(CompileError::new(
                    format!("Argument {}: cannot convert from '{from}' to '{to}'", i + 1),
                    at,
                ));
            }
            return Err(no_overload(name, args.len(), span));
        };
        let nodes: Box<[Node]> = compiled
            .into_iter()
            .zip(&def.params)
            .map(|((node, from), to)| coerce(node, from, *to, span))
            .collect();
        let node = match def.call {
            lib::CollectionCall::Plain(call) => Node::Method {
                target: Box::new(target),
                call,
                args: nodes,
                null_conditional,
                span,
            },
            lib::CollectionCall::Grow(call) => Node::Grow {
                target: Some(Box::new(target)),
                call,
                args: nodes,
                ty: def.result,
                null_conditional,
                span,
            },
        };
        Ok(Compiled::Value(node, def.result))
    }

    /// `d.TryGetValue(key, out var v)`: an instance method with a trailing `out` argument.
    fn instance_out_call(
        &mut self,
        target: Node,
        owner: Type,
        name: &ast::Ident,
        args: &[ast::Argument],
        null_conditional: bool,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let Some((params, out, result, call)) = lib::collection_out_method(owner, &name.name)
        else {
            return Err(CompileError::new(
                format!(
                    "'{owner}.{}' has no overload with an out parameter",
                    name.name
                ),
                span,
            ));
        };
        let Some((out_arg, rest)) = args.split_last() else {
            return Err(no_overload(name, 0, span));
        };
        if rest.len() != params.len() {
            return Err(no_overload(name, args.len(), span));
        }
        let mut nodes = Vec::with_capacity(rest.len());
        for (i, (arg, param)) in rest.iter().zip(&params).enumerate() {
            nodes.push(self.element_arg(&arg.value, *param, i + 1)?);
        }
        let slot = self.out_slot(out_arg, out, args.len())?;
        Ok(Compiled::Value(
            Node::InstanceOut {
                target: Box::new(target),
                call,
                args: nodes.into_boxed_slice(),
                slot,
                null_conditional,
                span,
            },
            result,
        ))
    }

    /// A one-parameter lambda argument over `element`: its slot, body and body type.
    fn selector(
        &mut self,
        arg: &ast::Argument,
        element: Type,
    ) -> Result<(u16, Node, Type), CompileError> {
        let ExprKind::Lambda { params, body } = &arg.value.kind else {
            return Err(CompileError::new(
                "a lambda expression is expected here",
                arg.value.span,
            ));
        };
        let [param] = params.as_slice() else {
            return Err(CompileError::new(
                format!(
                    "Delegate 'Func<{element}, ...>' does not take {} arguments",
                    params.len()
                ),
                arg.value.span,
            ));
        };
        let LambdaBody::Expr(body) = body else {
            return Err(CompileError::new(
                "block-bodied lambdas are not supported yet",
                arg.value.span,
            ));
        };
        let param_ty = match &param.ty {
            Some(t) => resolve_type(t)?,
            None => element,
        };
        let mark = self.scope_mark();
        let slot = self.declare(&param.name, param_ty);
        let compiled = match slot {
            Ok(_) => self.value(body),
            Err(ref e) => Err(e.clone()),
        };
        self.scope_restore(mark);
        let (node, ty) = compiled?;
        Ok((slot?, node, ty))
    }

    /// `ToList()`, `ToArray()`, `ToHashSet()`, `ToDictionary(key[, value])` on a sequence.
    fn collect_call(
        &mut self,
        source: Node,
        element: Type,
        name: &ast::Ident,
        args: &[ast::Argument],
        null_conditional: bool,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let one = |t: Type| super::types::intern(t).ok_or_else(|| too_many_types(span));
        let mut key = None;
        let mut value = None;
        let ty = match (name.name.as_str(), args) {
            ("ToList", []) => Type::List(one(element)?),
            ("ToArray", []) => {
                super::types::array_of(element).ok_or_else(|| too_many_types(span))?
            }
            ("ToHashSet", []) => Type::HashSet(one(element)?),
            ("ToDictionary", [k]) | ("ToDictionary", [k, _]) => {
                let (key_slot, key_body, key_ty) = self.selector(k, element)?;
                key = Some((key_slot, key_body));
                let value_ty = match args.get(1) {
                    Some(v) => {
                        let (value_slot, value_body, value_ty) = self.selector(v, element)?;
                        value = Some((value_slot, value_body));
                        value_ty
                    }
                    None => element,
                };
                if key_ty == Type::Void || value_ty == Type::Void {
                    return Err(CompileError::new(
                        "Cannot convert lambda expression: it returns no value",
                        span,
                    ));
                }
                Type::Dictionary(
                    super::types::intern_pair(key_ty, value_ty)
                        .ok_or_else(|| too_many_types(span))?,
                )
            }
            _ => return Err(no_overload(name, args.len(), span)),
        };
        Ok(Compiled::Value(
            Node::Collect {
                source: Box::new(source),
                ty,
                selectors: Box::new(super::eval::Selectors { key, value }),
                null_conditional,
                span,
            },
            ty,
        ))
    }

    /// `Select((x, i) => ...)` / `Where((x, i) => ...)`.
    #[allow(clippy::too_many_arguments)]
    fn indexed_call(
        &mut self,
        source: Node,
        element: Type,
        select: bool,
        params: &[ast::LambdaParam],
        body: &LambdaBody,
        null_conditional: bool,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let [item, index] = params else {
            return Err(CompileError::new(
                format!(
                    "Delegate 'Func<{element}, int, ...>' does not take {} arguments",
                    params.len()
                ),
                span,
            ));
        };
        let LambdaBody::Expr(body) = body else {
            return Err(CompileError::new(
                "block-bodied lambdas are not supported yet",
                span,
            ));
        };
        let item_ty = match &item.ty {
            Some(t) => resolve_type(t)?,
            None => element,
        };
        if let Some(t) = &index.ty
            && resolve_type(t)? != Type::Int32
        {
            return Err(CompileError::new(
                "The second parameter of the lambda is the element's index: 'int'",
                t.span,
            ));
        }
        let mark = self.scope_mark();
        let slots = self
            .declare(&item.name, item_ty)
            .and_then(|a| Ok((a, self.declare(&index.name, Type::Int32)?)));
        let compiled = match slots {
            Ok(_) => self.value(body),
            Err(ref e) => Err(e.clone()),
        };
        self.scope_restore(mark);
        let (item_slot, index_slot) = slots?;
        let (node, ty) = compiled?;
        if !select && ty != Type::Boolean {
            return Err(CompileError::new(
                format!("Cannot implicitly convert type '{ty}' to 'bool'"),
                body.span,
            ));
        }
        let result_element = if select { ty } else { element };
        let result = lib::sequence_of(result_element).ok_or_else(|| too_many_types(span))?;
        Ok(Compiled::Value(
            Node::Indexed {
                select,
                source: Box::new(source),
                item_slot,
                index_slot,
                body: Box::new(node),
                null_conditional,
                span,
            },
            result,
        ))
    }

    /// `new[] { ... }`: an array of the items' best common type.
    fn implicit_array(
        &mut self,
        items: &[Vec<Expr>],
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let [value] = item.as_slice() else {
                return Err(CompileError::new("Invalid array initializer member", span));
            };
            let (node, ty) = self.value(value)?;
            values.push((node, ty, value));
        }
        let no_best = || CompileError::new("No best type found for implicitly-typed array", span);
        let candidates: Vec<Type> = values
            .iter()
            .map(|(_, t, _)| *t)
            .filter(|t| *t != Type::Null)
            .collect();
        let element = candidates
            .iter()
            .copied()
            .find(|c| *c != Type::Void && values.iter().all(|(_, t, _)| assignable(*t, *c)))
            .ok_or_else(no_best)?;
        let ty = super::types::array_of(element).ok_or_else(|| too_many_types(span))?;
        let mut nodes = Vec::with_capacity(values.len() + 1);
        nodes.push(Node::Const(Constant::Bool(false)));
        for (node, from, at) in values {
            nodes.push(coerce(node, from, element, at.span));
        }
        Ok(Compiled::Value(
            Node::Grow {
                target: None,
                call: lib::create_add,
                args: nodes.into_boxed_slice(),
                ty,
                null_conditional: false,
                span,
            },
            ty,
        ))
    }

    /// `new T[n]`, `new T[] { ... }`, `new List<T>(...) { ... }`, `new HashSet<T>(...) { ... }`,
    /// `new Dictionary<K, V>(...) { { k, v } }` / `{ [k] = v }`.
    fn construct_collection(
        &mut self,
        ty: Type,
        args: &[ast::Argument],
        initializer: Option<&ast::Initializer>,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let grow = |call: super::eval::GrowFn, nodes: Vec<Node>| {
            Ok(Compiled::Value(
                Node::Grow {
                    target: None,
                    call,
                    args: nodes.into_boxed_slice(),
                    ty,
                    null_conditional: false,
                    span,
                },
                ty,
            ))
        };
        let none = || Node::Const(Constant::Bool(false));
        if let Type::Array(_) | Type::StringArray | Type::ByteArray | Type::CharArray = ty {
            let element = lib::element_type(ty).unwrap_or(Type::Object);
            let items = match initializer {
                None => {
                    let [size] = args else {
                        return Err(CompileError::new(
                            "Array creation must have array size or array initializer",
                            span,
                        ));
                    };
                    let (node, size_ty) = self.value(&size.value)?;
                    if !assignable(size_ty, Type::Int64) {
                        return Err(CompileError::new(
                            format!("Cannot implicitly convert type '{size_ty}' to 'int'"),
                            size.value.span,
                        ));
                    }
                    return grow(lib::create_sized, vec![node]);
                }
                Some(ast::Initializer::Collection(items)) => items,
                Some(ast::Initializer::Object(_)) => {
                    return Err(CompileError::new("Invalid array initializer", span));
                }
            };
            if let Some(size) = args.first() {
                let matches = constant_int(&size.value).and_then(|n| usize::try_from(n).ok())
                    == Some(items.len());
                if !matches || args.len() > 1 {
                    return Err(CompileError::new(
                        format!(
                            "An array initializer of length '{}' is expected",
                            items.len()
                        ),
                        size.value.span,
                    ));
                }
            }
            let mut nodes = vec![none()];
            for item in items {
                let [value] = item.as_slice() else {
                    return Err(CompileError::new("Invalid array initializer member", span));
                };
                let (node, from) = self.value(value)?;
                if !fits_element(value, from, element) {
                    return Err(CompileError::new(
                        format!("Cannot implicitly convert type '{from}' to '{element}'"),
                        value.span,
                    ));
                }
                nodes.push(coerce(node, from, element, value.span));
            }
            return grow(lib::create_add, nodes);
        }
        let (element, key_value) = match ty {
            Type::List(t) | Type::HashSet(t) => (*t, None),
            Type::Dictionary((k, v)) => (
                Type::KeyValuePair(
                    super::types::intern_pair(*k, *v).ok_or_else(|| too_many_types(span))?,
                ),
                Some((*k, *v)),
            ),
            Type::KeyValuePair((k, v)) if initializer.is_none() => {
                let [key, value] = args else {
                    return Err(CompileError::new(
                        format!(
                            "'{ty}' does not contain a constructor that takes {} arguments",
                            args.len()
                        ),
                        span,
                    ));
                };
                let key = self.element_arg(&key.value, *k, 1)?;
                let value = self.element_arg(&value.value, *v, 2)?;
                return grow(lib::create_pair, vec![key, value]);
            }
            Type::Sequence(_) => {
                return Err(CompileError::new(
                    format!("Cannot create an instance of the abstract type or interface '{ty}'"),
                    span,
                ));
            }
            _ => {
                return Err(CompileError::new(
                    format!("'new {ty}(...)' is not supported in policy expressions"),
                    span,
                ));
            }
        };
        let mut nodes = Vec::new();
        match args {
            [] => nodes.push(none()),
            [arg] => {
                let (node, from) = self.value(&arg.value)?;
                let wanted = lib::sequence_of(element).ok_or_else(|| too_many_types(span))?;
                let text_keys = key_value.map_or(element, |(k, _)| k) == Type::String;
                let fits = from == Type::Int32
                    || (from == Type::StringComparer && text_keys && !matches!(ty, Type::List(_)))
                    || from == ty
                    || (key_value.is_none() && assignable(from, wanted))
                    || from == Type::Null;
                if !fits {
                    return Err(CompileError::new(
                        format!("Argument 1: cannot convert from '{from}' to '{wanted}'"),
                        arg.value.span,
                    ));
                }
                nodes.push(node);
            }
            _ => {
                return Err(CompileError::new(
                    format!(
                        "'{ty}' does not contain a constructor that takes {} arguments",
                        args.len()
                    ),
                    span,
                ));
            }
        }
        let call = match (initializer, key_value) {
            (None, _) => lib::create_add,
            (Some(ast::Initializer::Collection(items)), None) => {
                for item in items {
                    let [value] = item.as_slice() else {
                        return Err(CompileError::new(
                            format!(
                                "No overload for method 'Add' takes {} arguments",
                                item.len()
                            ),
                            span,
                        ));
                    };
                    nodes.push(self.element_arg(value, element, 1)?);
                }
                lib::create_add
            }
            (Some(ast::Initializer::Collection(items)), Some((k, v))) => {
                for item in items {
                    let [key, value] = item.as_slice() else {
                        return Err(CompileError::new(
                            format!(
                                "No overload for method 'Add' takes {} arguments",
                                item.len()
                            ),
                            span,
                        ));
                    };
                    nodes.push(self.element_arg(key, k, 1)?);
                    nodes.push(self.element_arg(value, v, 2)?);
                }
                lib::create_add
            }
            (Some(ast::Initializer::Object(entries)), Some((k, v))) => {
                for entry in entries {
                    let ast::MemberInitTarget::Index(keys) = &entry.target else {
                        return Err(CompileError::new(
                            format!("an initialiser of '{ty}' sets entries as [key] = value"),
                            entry.value.span,
                        ));
                    };
                    let [key] = keys.as_slice() else {
                        return Err(CompileError::new(
                            "Wrong number of indices inside []; expected 1",
                            entry.value.span,
                        ));
                    };
                    nodes.push(self.element_arg(key, k, 1)?);
                    nodes.push(self.element_arg(&entry.value, v, 2)?);
                }
                lib::create_set
            }
            (Some(ast::Initializer::Object(_)), None) => {
                return Err(CompileError::new(
                    format!(
                        "object initialisers of '{ty}' are not supported in policy expressions"
                    ),
                    span,
                ));
            }
        };
        grow(call, nodes)
    }

    /// `target[index] = value` / `target[index] op= value` on a list, array or dictionary, as
    /// a statement; `None` if `target` is not such an element (another kind of assignment).
    pub(crate) fn collection_assignment(
        &mut self,
        op: ast::AssignOp,
        target: &Expr,
        value: &Expr,
        span: Span,
    ) -> Result<Option<Node>, CompileError> {
        let ExprKind::Index {
            target: collection,
            args,
            null_conditional: false,
        } = &target.kind
        else {
            return Ok(None);
        };
        let (collection, owner) = self.value(collection)?;
        let Some((index_ty, element, set)) = lib::collection_setter(owner) else {
            return Ok(None);
        };
        let [index] = args.as_slice() else {
            return Err(CompileError::new(
                "Wrong number of indices inside []; expected 1",
                target.span,
            ));
        };
        let index = self.element_arg(index, index_ty, 1)?;
        let (node, from) = match op {
            ast::AssignOp::Assign => self.value(value)?,
            ast::AssignOp::Compound(bin) => self.value(&Expr {
                kind: ExprKind::Binary {
                    op: bin,
                    left: Box::new(target.clone()),
                    right: Box::new(value.clone()),
                },
                span,
            })?,
        };
        let (node, from) = match op {
            // Compound assignment converts the result back to the element type, as C# does.
            ast::AssignOp::Compound(_)
                if from.is_numeric() && element.is_numeric() && element != Type::Byte =>
            {
                (
                    Node::Numeric {
                        to: element,
                        operand: Box::new(node),
                        span,
                    },
                    element,
                )
            }
            _ => (node, from),
        };
        if !fits_element(value, from, element) {
            return Err(CompileError::new(
                format!("Cannot implicitly convert type '{from}' to '{element}'"),
                value.span,
            ));
        }
        Ok(Some(Node::Grow {
            target: Some(Box::new(collection)),
            call: set,
            args: vec![index, coerce(node, from, element, span)].into_boxed_slice(),
            ty: Type::Void,
            null_conditional: false,
            span,
        }))
    }
}

/// Whether `expr` of type `from` may be stored as an element of type `to` (an implicit
/// conversion, or a constant `int` in `byte` range for `byte` elements).
fn fits_element(expr: &Expr, from: Type, to: Type) -> bool {
    assignable(from, to)
        || (to == Type::Byte
            && from == Type::Int32
            && constant_int(expr).is_some_and(|i| (0..=255).contains(&i)))
}

/// The extra LINQ operators and `List<T>` predicate methods ([`lib::LinqEx`]).
impl Compiler {
    /// A lambda argument of a [`lib::LinqEx`] call whose parameters have types `params`: the
    /// lambda, its body's type and its body's span.
    fn linq_lambda(
        &mut self,
        arg: &ast::Argument,
        params: &[Type],
    ) -> Result<(super::eval::LinqLambda, Type, Span), CompileError> {
        let ExprKind::Lambda {
            params: written,
            body,
        } = &arg.value.kind
        else {
            return Err(CompileError::new(
                "a lambda expression is expected here",
                arg.value.span,
            ));
        };
        if written.len() != params.len() {
            let names: Vec<String> = params.iter().map(ToString::to_string).collect();
            return Err(CompileError::new(
                format!(
                    "Delegate 'Func<{}, ...>' does not take {} arguments",
                    names.join(", "),
                    written.len()
                ),
                arg.value.span,
            ));
        }
        let mark = self.scope_mark();
        let mut slots = Vec::with_capacity(params.len());
        let mut declared = Ok(());
        for (param, ty) in written.iter().zip(params) {
            let ty = match &param.ty {
                Some(t) => match resolve_type(t) {
                    Ok(t) => t,
                    Err(e) => {
                        declared = Err(e);
                        break;
                    }
                },
                None => *ty,
            };
            match self.declare(&param.name, ty) {
                Ok(slot) => slots.push(slot),
                Err(e) => {
                    declared = Err(e);
                    break;
                }
            }
        }
        let compiled = declared.and_then(|()| match body {
            LambdaBody::Expr(body) => self.value(body).map(|(n, t)| (n, t, body.span)),
            LambdaBody::Block(block) => {
                super::block::compile_lambda(self, block).map(|(n, t)| (n, t, block.span))
            }
        });
        self.scope_restore(mark);
        let (body, ty, body_span) = compiled?;
        Ok((
            super::eval::LinqLambda {
                slots: slots.into(),
                body,
            },
            ty,
            body_span,
        ))
    }

    /// A predicate lambda over `element`.
    fn linq_predicate(
        &mut self,
        arg: &ast::Argument,
        element: Type,
    ) -> Result<super::eval::LinqLambda, CompileError> {
        let (lambda, ty, body_span) = self.linq_lambda(arg, &[element])?;
        if ty != Type::Boolean {
            return Err(CompileError::new(
                format!("Cannot implicitly convert type '{ty}' to 'bool'"),
                body_span,
            ));
        }
        Ok(lambda)
    }

    /// A selector lambda over `params` that must return a value.
    fn linq_selector(
        &mut self,
        arg: &ast::Argument,
        params: &[Type],
    ) -> Result<(super::eval::LinqLambda, Type), CompileError> {
        let (lambda, ty, body_span) = self.linq_lambda(arg, params)?;
        if ty == Type::Void {
            return Err(CompileError::new(
                "Cannot convert lambda expression: it returns no value",
                body_span,
            ));
        }
        Ok((lambda, ty))
    }

    /// A value argument that must convert to `wanted`.
    fn linq_value(
        &mut self,
        arg: &ast::Argument,
        position: usize,
        wanted: Type,
    ) -> Result<Node, CompileError> {
        let (node, ty) = self.value(&arg.value)?;
        if !assignable(ty, wanted) {
            return Err(CompileError::new(
                format!("Argument {position}: cannot convert from '{ty}' to '{wanted}'"),
                arg.value.span,
            ));
        }
        Ok(coerce(node, ty, wanted, arg.value.span))
    }

    /// A second sequence argument whose elements unify with `element`: its node and the
    /// common element type.
    fn linq_second(
        &mut self,
        arg: &ast::Argument,
        element: Type,
        name: &ast::Ident,
    ) -> Result<(Node, Type), CompileError> {
        let (node, ty) = self.value(&arg.value)?;
        let cannot = || {
            CompileError::new(
                format!(
                    "The type arguments for method '{}' cannot be inferred from the usage. Try specifying the type arguments explicitly",
                    name.name
                ),
                name.span,
            )
        };
        let other = lib::element_type(ty).ok_or_else(cannot)?;
        let common = if assignable(other, element) {
            element
        } else if assignable(element, other) {
            other
        } else {
            return Err(cannot());
        };
        Ok((node, common))
    }

    /// Builds the [`Node::LinqEx`].
    #[allow(clippy::too_many_arguments)]
    fn linq_ex_node(
        &mut self,
        op: lib::LinqEx,
        source: Option<Node>,
        args: Vec<Node>,
        lambdas: Vec<super::eval::LinqLambda>,
        info: lib::LinqExInfo,
        null_conditional: bool,
        span: Span,
        ty: Type,
    ) -> Result<Compiled, CompileError> {
        Ok(Compiled::Value(
            Node::LinqEx(Box::new(super::eval::LinqExNode {
                op,
                source,
                args: args.into(),
                lambdas: lambdas.into(),
                info,
                null_conditional,
                span,
            })),
            ty,
        ))
    }

    /// `source.op(args)` for an extra operator on a sequence of `element`.
    #[allow(clippy::too_many_arguments)]
    fn linq_ex_call(
        &mut self,
        source: Node,
        element: Type,
        op: lib::LinqEx,
        name: &ast::Ident,
        args: &[ast::Argument],
        null_conditional: bool,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        use lib::LinqEx as Op;
        let seq = |t: Type| lib::sequence_of(t).ok_or_else(|| too_many_types(span));
        let list = |t: Type| {
            super::types::intern(t)
                .map(Type::List)
                .ok_or_else(|| too_many_types(span))
        };
        let mut info = lib::LinqExInfo {
            element,
            result: Type::Object,
            kinds: vec![lib::comparison(element)].into(),
            descending: Box::new([]),
            lambda: false,
        };
        let mut values = Vec::new();
        let mut lambdas = Vec::new();
        let is_lambda = |a: &ast::Argument| matches!(a.value.kind, ExprKind::Lambda { .. });
        let ty = match (op, args) {
            (Op::Concat | Op::Union | Op::Intersect | Op::Except | Op::SequenceEqual, [a])
                if !is_lambda(a) =>
            {
                let (node, common) = self.linq_second(a, element, name)?;
                values.push(node);
                info.kinds = vec![lib::comparison(common)].into();
                if op == Op::SequenceEqual {
                    Type::Boolean
                } else {
                    seq(common)?
                }
            }
            (Op::Zip, [second, f]) => {
                let (node, ty) = self.value(&second.value)?;
                let other = lib::element_type(ty).ok_or_else(|| {
                    CompileError::new(
                        format!(
                            "The type arguments for method '{}' cannot be inferred from the usage. Try specifying the type arguments explicitly",
                            name.name
                        ),
                        name.span,
                    )
                })?;
                values.push(node);
                let (lambda, result) = self.linq_selector(f, &[element, other])?;
                lambdas.push(lambda);
                seq(result)?
            }
            (Op::Reverse, []) | (Op::DefaultIfEmpty, []) => seq(element)?,
            (Op::DefaultIfEmpty | Op::Append | Op::Prepend, [a]) if !is_lambda(a) => {
                values.push(self.linq_value(a, 1, element)?);
                seq(element)?
            }
            (Op::SkipWhile | Op::TakeWhile, [p]) => {
                lambdas.push(self.linq_predicate(p, element)?);
                seq(element)?
            }
            (Op::LongCount, []) => Type::Int64,
            (Op::LongCount, [p]) => {
                lambdas.push(self.linq_predicate(p, element)?);
                info.lambda = true;
                Type::Int64
            }
            (Op::Average, []) | (Op::Average, [_]) => {
                let value_ty = match args.first() {
                    Some(f) => {
                        let (lambda, ty) = self.linq_selector(f, &[element])?;
                        lambdas.push(lambda);
                        info.lambda = true;
                        ty
                    }
                    None => element,
                };
                match value_ty {
                    Type::Decimal => Type::Decimal,
                    Type::Int32 | Type::Int64 | Type::Double => Type::Double,
                    _ => {
                        return Err(CompileError::new(
                            format!(
                                "'{value_ty}' values cannot be averaged: 'Average' takes numbers"
                            ),
                            span,
                        ));
                    }
                }
            }
            (Op::Aggregate, [f]) => {
                let (lambda, ty, body_span) = self.linq_lambda(f, &[element, element])?;
                lambdas.push(converted_lambda(lambda, ty, element, body_span)?);
                element
            }
            (Op::Aggregate, [seed, f]) => {
                let (node, seed_ty) = self.value(&seed.value)?;
                values.push(node);
                let (lambda, ty, body_span) = self.linq_lambda(f, &[seed_ty, element])?;
                lambdas.push(converted_lambda(lambda, ty, seed_ty, body_span)?);
                return self.linq_ex_node(
                    Op::AggregateSeed,
                    Some(source),
                    values,
                    lambdas,
                    info,
                    null_conditional,
                    span,
                    seed_ty,
                );
            }
            (Op::SelectMany, [f]) => {
                let (lambda, ty) = self.linq_selector(f, &[element])?;
                lambdas.push(lambda);
                let inner = lib::element_type(ty).ok_or_else(|| {
                    CompileError::new(
                        format!(
                            "The type arguments for method '{}' cannot be inferred from the usage. Try specifying the type arguments explicitly",
                            name.name
                        ),
                        name.span,
                    )
                })?;
                seq(inner)?
            }
            (Op::MinBy | Op::MaxBy, [f]) => {
                let (lambda, key) = self.linq_selector(f, &[element])?;
                lambdas.push(lambda);
                info.kinds = vec![lib::comparison(key)].into();
                element
            }
            (Op::Find | Op::FindLast, [p]) => {
                lambdas.push(self.linq_predicate(p, element)?);
                element
            }
            (Op::FindAll, [p]) => {
                lambdas.push(self.linq_predicate(p, element)?);
                info.result = list(element)?;
                info.result
            }
            (Op::FindIndex | Op::RemoveAll, [p]) => {
                lambdas.push(self.linq_predicate(p, element)?);
                Type::Int32
            }
            (Op::Exists | Op::TrueForAll, [p]) => {
                lambdas.push(self.linq_predicate(p, element)?);
                Type::Boolean
            }
            (Op::ForEach, [f]) => {
                let (lambda, _, _) = self.linq_lambda(f, &[element])?;
                lambdas.push(lambda);
                Type::Void
            }
            (Op::ConvertAll, [f]) => {
                let (lambda, ty) = self.linq_selector(f, &[element])?;
                lambdas.push(lambda);
                info.result = list(ty)?;
                info.result
            }
            _ => return Err(no_overload(name, args.len(), span)),
        };
        self.linq_ex_node(
            op,
            Some(source),
            values,
            lambdas,
            info,
            null_conditional,
            span,
            ty,
        )
    }

    /// Calls compiled before their target: `Enumerable.Range/Repeat/Empty<T>` and
    /// `OrderBy(...).ThenBy(...)` chains.
    fn linq_ex_early(
        &mut self,
        target: &Expr,
        name: &ast::Ident,
        type_args: &[ast::TypeRef],
        args: &[ast::Argument],
        span: Span,
    ) -> Result<Option<Compiled>, CompileError> {
        use lib::LinqEx as Op;
        let enumerable = match &target.kind {
            ExprKind::Name(n) => n.name == "Enumerable" && self.local(&n.name).is_none(),
            ExprKind::Member { .. } => {
                matches!(
                    &target.kind,
                    ExprKind::Member { target: t, name: n, .. }
                        if n.name == "Enumerable"
                            && matches!(&t.kind, ExprKind::Member { target: s, name: l, .. }
                                if l.name == "Linq"
                                    && matches!(&s.kind, ExprKind::Name(x) if x.name == "System"))
                )
            }
            _ => false,
        };
        if enumerable {
            let type_arg = match type_args {
                [] => None,
                [t] => Some(resolve_type(t)?),
                _ => {
                    return Err(CompileError::new(
                        format!(
                            "Using the generic method '{}' requires 1 type argument",
                            name.name
                        ),
                        name.span,
                    ));
                }
            };
            let info = |element: Type| lib::LinqExInfo {
                element,
                result: Type::Object,
                kinds: Box::new([]),
                descending: Box::new([]),
                lambda: false,
            };
            let seq = |t: Type| lib::sequence_of(t).ok_or_else(|| too_many_types(span));
            return Ok(Some(match (name.name.as_str(), args, type_arg) {
                ("Range", [start, count], None) => {
                    let values = vec![
                        self.linq_value(start, 1, Type::Int32)?,
                        self.linq_value(count, 2, Type::Int32)?,
                    ];
                    self.linq_ex_node(
                        Op::Range,
                        None,
                        values,
                        Vec::new(),
                        info(Type::Int32),
                        false,
                        span,
                        seq(Type::Int32)?,
                    )?
                }
                ("Repeat", [value, count], t) => {
                    let (node, ty) = self.value(&value.value)?;
                    let element = t.unwrap_or(ty);
                    if !assignable(ty, element) {
                        return Err(CompileError::new(
                            format!("Argument 1: cannot convert from '{ty}' to '{element}'"),
                            value.value.span,
                        ));
                    }
                    let values = vec![
                        coerce(node, ty, element, value.value.span),
                        self.linq_value(count, 2, Type::Int32)?,
                    ];
                    self.linq_ex_node(
                        Op::Repeat,
                        None,
                        values,
                        Vec::new(),
                        info(element),
                        false,
                        span,
                        seq(element)?,
                    )?
                }
                ("Empty", [], Some(t)) => self.linq_ex_node(
                    Op::Empty,
                    None,
                    Vec::new(),
                    Vec::new(),
                    info(t),
                    false,
                    span,
                    seq(t)?,
                )?,
                ("Empty", [], None) => {
                    return Err(CompileError::new(
                        "The type arguments for method 'Empty' cannot be inferred from the usage. Try specifying the type arguments explicitly",
                        name.span,
                    ));
                }
                ("Range" | "Repeat" | "Empty", _, _) => {
                    return Err(no_overload(name, args.len(), span));
                }
                _ => {
                    return Err(CompileError::new(
                        format!(
                            "'Enumerable' does not contain a definition for '{}'",
                            name.name
                        ),
                        name.span,
                    ));
                }
            }));
        }
        if !matches!(name.name.as_str(), "ThenBy" | "ThenByDescending") {
            return Ok(None);
        }
        let mut levels = vec![(args, name.name == "ThenByDescending")];
        let mut at = target;
        let mut root = None;
        while let ExprKind::Call {
            callee,
            args: inner_args,
        } = &at.kind
        {
            let ExprKind::Member {
                target: inner,
                name: inner_name,
                type_args,
                ..
            } = &callee.kind
            else {
                break;
            };
            if !type_args.is_empty() {
                break;
            }
            let descending = inner_name.name.ends_with("Descending");
            match inner_name.name.as_str() {
                "ThenBy" | "ThenByDescending" => {
                    levels.push((inner_args.as_slice(), descending));
                    at = inner;
                }
                "OrderBy" | "OrderByDescending" => {
                    levels.push((inner_args.as_slice(), descending));
                    root = Some(&**inner);
                    break;
                }
                _ => break,
            }
        }
        let Some(root) = root else {
            let (_, ty) = self.value(target)?;
            return Err(missing_member(ty, name));
        };
        let (source, ty) = self.value(root)?;
        let Some(element) = lib::element_type(ty) else {
            return Err(missing_member(ty, name));
        };
        levels.reverse();
        let mut lambdas = Vec::new();
        let mut kinds = Vec::new();
        let mut descending = Vec::new();
        for (level_args, down) in levels {
            let [key] = level_args else {
                return Err(no_overload(name, level_args.len(), span));
            };
            let (lambda, key_ty) = self.linq_selector(key, &[element])?;
            lambdas.push(lambda);
            kinds.push(lib::comparison(key_ty));
            descending.push(down);
        }
        let result = lib::sequence_of(element).ok_or_else(|| too_many_types(span))?;
        self.linq_ex_node(
            Op::Order,
            Some(source),
            Vec::new(),
            lambdas,
            lib::LinqExInfo {
                element,
                result,
                kinds: kinds.into(),
                descending: descending.into(),
                lambda: true,
            },
            false,
            span,
            result,
        )
        .map(Some)
    }
}
